// make_partition: checks the profile, runs the named policy from the
// registry, checks its answer and predicts its latency.
#include "edgeflow/policy_registry.h"

#include <cstdio>

#include "edgeflow/plan_simulator.h"
#include "edgeflow/error.h"

namespace edgeflow {

Partition make_partition(const Graph& graph, const ClusterProfile& profile,
                         const PartitionerOptions& options, PartitionReport* report) {
  validate_profile(graph, profile);
  PartitionReport local;
  PartitionReport& r = report ? *report : local;
  r = PartitionReport{};
  for (int rank = 0; rank < profile.world_size; ++rank)
    if (!profile.is_usable(rank))
      r.warnings.push_back("partition: rank " + std::to_string(rank) +
                           " is marked unusable in the cluster profile and gets no rows" +
                           (rank == 0 ? " (it still feeds the input and gathers the output)" : ""));
  Partition p = policy_named(options.name).make(PolicyContext{graph, profile, options, r});
  validate_partition(graph, p);
  r.predicted_latency_s = PlanSimulator(graph, profile, p).latency();
  if (!report)
    for (const std::string& w : r.warnings)
      std::fprintf(stderr, "edgeflow: warning: %s\n", w.c_str());
  return p;
}

Partition make_partition(const Graph& graph, int world_size, const PartitionerOptions& options) {
  EF_ASSERT(world_size >= 1);
  return make_partition(
      graph, synthetic_profile(graph, synthetic_cluster("homogeneous", world_size)), options);
}

}  // namespace edgeflow
