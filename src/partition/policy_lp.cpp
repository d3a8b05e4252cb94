// The lp policy: progressive (plan_progressive, layer by layer on the
// predicted finish times), each layer's cuts from the per-layer LP on
// lp_solve (lp_layer.cpp).
#include "partition/layer_problem.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

Partition partition_lp(const PolicyContext& ctx) {
  return plan_progressive(ctx.graph, ctx.profile,
                          [](const LayerProblem& p) { return solve_layer_lp(p); });
}

}  // namespace

PolicyInfo lp_policy() {
  PolicyInfo policy;
  policy.name = "lp";
  policy.help = "layer by layer, each by the per-layer LP (lp_solve)";
  policy.seed_order = 5;
  policy.make = partition_lp;
  return policy;
}

}  // namespace edgeflow
