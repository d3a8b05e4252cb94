// The single policy: the whole model on the usable rank that answers first,
// its compute plus bringing it the input from rank 0 and the outputs back.
// Among equal devices that is rank 0; the fastest device only where it gains
// more than the transfers cost (on 10 Mbit/s links, moving googlenet's input
// takes 0.5 s).
#include "edgeflow/error.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

Partition partition_single(const PolicyContext& ctx) {
  const ClusterProfile& profile = ctx.profile;
  Partition best;
  double best_s = 0.0;
  for (int rank = 0; rank < profile.world_size; ++rank) {
    if (!profile.is_usable(rank)) continue;
    Partition p;
    p.world_size = profile.world_size;
    for (const Node& node : ctx.graph.nodes)
      p.cuts.push_back(
          single_rank_cuts(ctx.graph.shape_of(node.output).height(), p.world_size, rank));
    const double s = simulate_plan(ctx.graph, p, profile).latency_s;
    if (best.cuts.empty() || s < best_s) best = std::move(p), best_s = s;
  }
  EF_ASSERT(!best.cuts.empty());
  return best;
}

}  // namespace

PolicyInfo single_policy() {
  PolicyInfo policy;
  policy.name = "single";
  policy.help = "the whole model on the usable rank that answers first";
  policy.seed_order = 1;
  policy.layer_cuts_are_candidates = false;  // each layer whole on one rank
  policy.make = partition_single;
  return policy;
}

}  // namespace edgeflow
