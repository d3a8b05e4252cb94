// The random policy, for tests: random cut points (uniform in [0, H], from
// --seed), zero-row ranks included; unusable ranks get no rows. Where
// --plan-kinds allows it, a random half of the layers is halo-first and a
// random half of the branches runs whole on one random usable rank.
#include <algorithm>
#include <random>

#include "partition/branches.h"
#include "partition/policy_helpers.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

Partition partition_random(const PolicyContext& ctx) {
  const ClusterProfile& profile = ctx.profile;
  const int n = profile.world_size;
  const int usable = usable_rank_count(profile);
  std::mt19937_64 rng(ctx.options.seed);
  Partition p = split_layers_by(ctx.graph, profile, [&](int, int64_t H) {
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
  // With halo-first plans allowed, a coin per layer marks it so.
  if (ctx.options.kinds.halo_first) {
    p.halo_first.resize(ctx.graph.nodes.size());
    for (size_t n = 0; n < p.halo_first.size(); ++n)
      p.halo_first[n] = static_cast<char>(rng() % 2 && can_be_halo_first(ctx.graph.nodes[n]));
  }
  if (ctx.options.kinds.branches) {
    std::vector<int> ranks;
    for (int r = 0; r < n; ++r)
      if (profile.is_usable(r)) ranks.push_back(r);
    for (const std::vector<int>& branch : find_branches(ctx.graph)) {
      if (rng() % 2) continue;
      std::vector<double> weights(n, 0.0);
      weights[ranks[rng() % ranks.size()]] = 1.0;
      for (int layer : branch) p.cuts[layer] = placed_cuts(ctx.graph, profile, layer, weights);
    }
  }
  // With fused stacks allowed, a coin per layer fuses it into its readers.
  if (ctx.options.kinds.fused) {
    p.fused.resize(ctx.graph.nodes.size());
    for (size_t n = 0; n < p.fused.size(); ++n)
      p.fused[n] = static_cast<char>(rng() % 2 && can_be_fused(ctx.graph.nodes[n]));
  }
  return p;
}

}  // namespace

PolicyInfo random_policy() {
  PolicyInfo policy;
  policy.name = "random";
  policy.help = "random cut points, zero-row ranks included (for tests)";
  policy.needs_profile = false;
  policy.make = partition_random;
  return policy;
}

}  // namespace edgeflow
