// The plan simulator behind simulate_plan, kept alive between runs so that
// the whole-plan optimiser can change one layer's cuts and re-simulate
// without rebuilding the flow of every value (src/partition/whole_plan.cpp).
// Its messages are the flow module's (edgeflow/flow.h), as the plan's are.
#pragma once

#include <cstdint>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/flow.h"
#include "edgeflow/ir.h"
#include "edgeflow/partition_cuts.h"

namespace edgeflow {

class PlanSimulator {
 public:
  PlanSimulator(const Graph& graph, const ClusterProfile& profile, Partition partition);

  const Partition& partition() const { return flows_.partition(); }
  // Replaces the cuts of `node`; rebuilds the flows of the values it reads and writes.
  void set_cuts(int node, const std::vector<int64_t>& cuts) { flows_.set_cuts(node, cuts); }

  // The predicted end-to-end latency of the current partition.
  double latency() { return run(nullptr); }
  // The whole prediction of the current partition.
  PlanPrediction predict();
  // Bytes moved between ranks per request.
  int64_t total_bytes() const { return flows_.total_bytes(); }
  // The message flows of the current partition.
  const FlowTable& flows() const { return flows_; }

 private:
  double run(PlanPrediction* detail);

  const Graph& graph_;
  const ClusterProfile& profile_;
  FlowTable flows_;
  int world_;

  // Buffers of run(), kept between runs.
  struct RankState {
    std::vector<int> units;  // nodes with rows on the rank, in order
    size_t next = 0;         // the next unit not yet scheduled
    double free_at = 0.0;    // when the last scheduled unit finishes
    int pending = -1;        // its messages with no arrival time yet (-1: not counted)
    std::vector<int> waits;  // messages the next unit reads
  };
  std::vector<RankState> ranks_;
  std::vector<int> awaited_by_;  // [edge]: the rank whose next unit counts it as pending, or -1
  std::vector<int> offset_;
  std::vector<double> arrival_;
  std::vector<const Message*> message_;
};

}  // namespace edgeflow
