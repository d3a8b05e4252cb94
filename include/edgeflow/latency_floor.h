// How fast any plan could be on a cluster profile: the floor a measured
// latency is judged against (the cluster bench, the run summary). Both parts
// are lower bounds of every partition's compute, whatever its cuts, units or
// schedule; links are left to busiest_link_s, which bounds one plan.
#pragma once

#include <cstdint>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/ir.h"

namespace edgeflow {

struct LatencyFloor {
  // All rows of all layers spread over the usable ranks as evenly as their
  // per-row costs allow (fixed per-unit costs left out): no rank can finish
  // its share sooner. For any weights w_r >= 0 summing to 1, the latency is
  // at least sum over layers of rows * min_r w_r * alpha_r (a weighted mean
  // of the ranks' loads); w follows the ranks' speeds.
  double capacity_s = 0.0;
  // The longest path through the DAG with each layer as fast as it can be:
  // split over every usable rank at once (by per-row cost; at least one
  // unit's fixed cost), or for a layer that needs its whole input, whole on
  // the rank that runs it fastest. The compute that cannot be split.
  double critical_path_s = 0.0;

  double compute_s() const { return capacity_s > critical_path_s ? capacity_s : critical_path_s; }
};

LatencyFloor latency_floor(const Graph& graph, const ClusterProfile& profile);

// The time the busiest link direction (a rank's uplink or downlink, with
// profile.link_queues; else the busiest pair) spends carrying `bytes`
// ([src][dst] per request, as PlanPrediction::bytes): a floor for the plan
// that moves them.
double busiest_link_s(const ClusterProfile& profile, const std::vector<std::vector<int64_t>>& bytes);

}  // namespace edgeflow
