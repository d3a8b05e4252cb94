// make_partition: checks the profile, runs the named policy, checks its
// answer and predicts its latency.
#include "partition/policies.h"

#include <cstdio>

#include "edgeflow/plan_simulator.h"
#include "edgeflow/error.h"

namespace edgeflow {

std::vector<std::string> partitioner_names() {
  return {"edgeflow", "lp", "exact", "single", "equal", "proportional", "layerwise", "random"};
}

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
  Partition p;
  const std::string& name = options.name;
  if (name == "edgeflow") {
    p = partition_edgeflow(graph, profile, options, &r);
  } else if (name == "random") {
    p = partition_random(graph, profile, options.seed);
  } else {
    using Policy = Partition (*)(const Graph&, const ClusterProfile&);
    static const std::pair<const char*, Policy> kPolicies[] = {
        {"lp", partition_lp},
        {"exact", partition_exact},
        {"single", partition_single},
        {"equal", partition_equal},
        {"proportional", partition_proportional},
        {"layerwise", partition_layerwise}};
    Policy policy = nullptr;
    for (const auto& [known, fn] : kPolicies)
      if (name == known) policy = fn;
    if (!policy) {
      std::string known;
      for (const auto& n : partitioner_names()) known += (known.empty() ? "" : ", ") + n;
      fail_input("--partitioner: unknown policy '" + name + "' (known: " + known + ")");
    }
    p = policy(graph, profile);
  }
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
