// The progressive policies (DESIGN.md section 3): layer by layer in
// topological order, each layer planned on the finish times the model
// predicts for its inputs and the times the ranks are free again (units of
// parallel branches queue on the same rank). Whole-input layers go to the
// rank where they finish first.
#include "partition/layer_problem.h"
#include "partition/policies.h"

namespace edgeflow {

Partition partition_layerwise(const Graph& graph, const ClusterProfile& profile) {
  return plan_progressive(graph, profile, [&](const LayerProblem& p) {
    return single_rank_cuts(p.rows(), p.world(), best_single_rank(p));
  });
}

Partition partition_lp(const Graph& graph, const ClusterProfile& profile) {
  return plan_progressive(graph, profile, [](const LayerProblem& p) { return solve_layer_lp(p); });
}

Partition partition_exact(const Graph& graph, const ClusterProfile& profile) {
  return plan_progressive(graph, profile,
                          [](const LayerProblem& p) { return solve_layer_exact(p); });
}

}  // namespace edgeflow
