// The simple policies: single (the fastest rank does all), equal (rows split
// evenly), proportional (rows in proportion to measured speed, links
// ignored), random (random cut points, zero-row ranks included; for tests).
#include <algorithm>
#include <random>

#include "edgeflow/error.h"
#include "partition/policies.h"
#include "partition/policy_helpers.h"

namespace edgeflow {

// The whole model on the usable rank that answers first: its compute plus
// bringing it the input from rank 0 and the outputs back. Among equal
// devices that is rank 0; the fastest device only where it gains more than
// the transfers cost (on 10 Mbit/s links, moving googlenet's input takes 0.5 s).
Partition partition_single(const Graph& graph, const ClusterProfile& profile) {
  Partition best;
  double best_s = 0.0;
  for (int rank = 0; rank < profile.world_size; ++rank) {
    if (!profile.is_usable(rank)) continue;
    Partition p;
    p.world_size = profile.world_size;
    for (const Node& node : graph.nodes)
      p.cuts.push_back(single_rank_cuts(graph.shape_of(node.output).height(), p.world_size, rank));
    const double s = simulate_plan(graph, p, profile).latency_s;
    if (best.cuts.empty() || s < best_s) best = std::move(p), best_s = s;
  }
  EF_ASSERT(!best.cuts.empty());
  return best;
}

Partition partition_equal(const Graph& graph, const ClusterProfile& profile) {
  std::vector<double> weights(profile.world_size);
  for (int r = 0; r < profile.world_size; ++r) weights[r] = profile.is_usable(r) ? 1.0 : 0.0;
  return split_layers_by(graph, profile,
                         [&](int, int64_t H) { return proportional_cuts(H, weights); });
}

Partition partition_proportional(const Graph& graph, const ClusterProfile& profile) {
  return split_layers_by(graph, profile, [&](int l, int64_t H) {
    std::vector<double> weights(profile.world_size, 0.0);
    for (int r = 0; r < profile.world_size; ++r)
      if (profile.is_usable(r)) weights[r] = 1.0 / std::max(profile.compute[l][r].alpha_s, 1e-15);
    return proportional_cuts(H, weights);
  });
}

Partition partition_random(const Graph& graph, const ClusterProfile& profile, uint64_t seed) {
  const int n = profile.world_size;
  const int usable = usable_rank_count(profile);
  std::mt19937_64 rng(seed);
  return split_layers_by(graph, profile, [&](int, int64_t H) {
    // A random end for each usable rank's range but the last.
    std::uniform_int_distribution<int64_t> row(0, H);
    std::vector<int64_t> ends(usable - 1);
    for (int64_t& end : ends) end = row(rng);
    std::sort(ends.begin(), ends.end());
    std::vector<int64_t> cuts(n + 1, H);
    cuts[0] = 0;
    size_t next = 0;
    for (int r = 0; r < n && next < ends.size(); ++r)
      if (profile.is_usable(r)) cuts[r + 1] = ends[next++];
    return empty_unusable_ranks(cuts, profile);
  });
}

}  // namespace edgeflow
