// ComputeCost to and from its Protobuf form (the profile cache, and what a
// rank sends rank 0 after profiling).
#pragma once

#include <cmath>
#include <optional>

#include "edgeflow/cost.h"
#include "profile.pb.h"

namespace edgeflow {

inline void to_proto(const ComputeCost& cost, profilepb::Compute* out) {
  out->set_alpha_s(cost.alpha_s);
  out->set_beta_s(cost.beta_s);
  for (const RowSample& s : cost.samples()) {
    profilepb::Sample* p = out->add_samples();
    p->set_begin(s.rows.begin);
    p->set_end(s.rows.end);
    p->set_seconds(s.seconds);
  }
}

// Nullopt when a number is not finite and non-negative or a sample's rows are
// empty. With samples the line is fitted to them again.
inline std::optional<ComputeCost> from_proto(const profilepb::Compute& in) {
  auto sane = [](double x) { return std::isfinite(x) && x >= 0; };
  if (!sane(in.alpha_s()) || !sane(in.beta_s())) return std::nullopt;
  if (in.samples().empty()) return ComputeCost(in.alpha_s(), in.beta_s());
  std::vector<RowSample> samples;
  for (const profilepb::Sample& s : in.samples()) {
    if (!sane(s.seconds()) || s.begin() < 0 || s.end() <= s.begin()) return std::nullopt;
    samples.push_back(RowSample{RowRange{s.begin(), s.end()}, s.seconds()});
  }
  return ComputeCost(std::move(samples));
}

}  // namespace edgeflow
