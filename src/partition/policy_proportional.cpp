// The proportional policy: every layer's rows in proportion to each usable
// rank's measured speed on that layer (1 / alpha); links ignored.
#include <algorithm>

#include "partition/policy_helpers.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

Partition partition_proportional(const PolicyContext& ctx) {
  const ClusterProfile& profile = ctx.profile;
  return split_layers_by(ctx.graph, profile, [&](int l, int64_t H) {
    std::vector<double> weights(profile.world_size, 0.0);
    for (int r = 0; r < profile.world_size; ++r)
      if (profile.is_usable(r)) weights[r] = 1.0 / std::max(profile.compute[l][r].alpha_s, 1e-15);
    return proportional_cuts(H, weights);
  });
}

}  // namespace

PolicyInfo proportional_policy() {
  PolicyInfo policy;
  policy.name = "proportional";
  policy.help = "rows in proportion to each rank's speed; links ignored";
  policy.seed_order = 3;
  policy.make = partition_proportional;
  return policy;
}

}  // namespace edgeflow
