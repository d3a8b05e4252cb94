// The exact policy: progressive (plan_progressive, layer by layer on the
// predicted finish times), each layer at its integer optimum
// (exact_layer.cpp).
#include "partition/layer_problem.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

Partition partition_exact(const PolicyContext& ctx) {
  return plan_progressive(ctx.graph, ctx.profile,
                          [](const LayerProblem& p) { return solve_layer_exact(p); });
}

}  // namespace

PolicyInfo exact_policy() {
  PolicyInfo policy;
  policy.name = "exact";
  policy.help = "layer by layer, each at its integer optimum";
  policy.seed_order = 6;
  policy.make = partition_exact;
  return policy;
}

}  // namespace edgeflow
