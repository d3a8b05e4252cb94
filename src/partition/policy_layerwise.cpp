// The layerwise policy: progressive (plan_progressive, layer by layer on the
// predicted finish times), each layer whole on the rank where it finishes
// first.
#include "partition/layer_problem.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

Partition partition_layerwise(const PolicyContext& ctx) {
  return plan_progressive(ctx.graph, ctx.profile, [](const LayerProblem& p) {
    return single_rank_cuts(p.rows(), p.world(), best_single_rank(p));
  });
}

}  // namespace

PolicyInfo layerwise_policy() {
  PolicyInfo policy;
  policy.name = "layerwise";
  policy.help = "each layer whole on the rank where it finishes first";
  policy.seed_order = 4;
  policy.make = partition_layerwise;
  return policy;
}

}  // namespace edgeflow
