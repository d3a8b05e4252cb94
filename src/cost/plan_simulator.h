// The plan simulator behind simulate_plan, kept alive between runs so that
// the whole-plan optimiser can change one layer's cuts and re-simulate
// without rebuilding the flow of every value (src/partition/whole_plan.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/ir.h"
#include "edgeflow/partition.h"

namespace edgeflow {

// One message of a plan: rows of `value` that `src` computes and `dst` reads.
struct PlanEdge {
  ValueId value = -1;
  int src = 0, dst = 0;
  RowRange rows;
  int64_t bytes = 0;
};

class PlanSimulator {
 public:
  PlanSimulator(const Graph& graph, const ClusterProfile& profile, Partition partition);

  const Partition& partition() const { return part_; }
  // Replaces the cuts of `node`; rebuilds the edges of the values it reads and writes.
  void set_cuts(int node, const std::vector<int64_t>& cuts);

  // The predicted end-to-end latency of the current partition.
  double latency() { return run(nullptr); }
  // The whole prediction of the current partition.
  PlanPrediction predict();
  // Bytes moved between ranks per request.
  int64_t total_bytes() const;
  // The edges of value v, in the order build_plans numbers them
  // (destination, run of rows, source).
  const std::vector<PlanEdge>& edges(ValueId v) const { return edges_[v]; }

 private:
  struct Use {
    int node;
    int input;
  };
  RowRange produced(ValueId v, int rank) const;
  void rebuild(ValueId v);
  double run(PlanPrediction* detail);

  const Graph& graph_;
  const ClusterProfile& profile_;
  Partition part_;
  int world_;
  std::vector<std::vector<Use>> uses_;        // [value]: (consumer, input index)
  std::vector<bool> is_output_;               // [value]
  std::vector<std::vector<PlanEdge>> edges_;  // [value]
  std::vector<std::vector<int>> dst_begin_;   // [value][dst]: first edge to dst (+ end)
  std::vector<std::vector<int>> by_src_;      // [value]: edge indices grouped by source
  std::vector<std::vector<int>> src_begin_;   // [value][src]: offsets into by_src_
  std::vector<int64_t> row_bytes_;            // [value]

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
  std::vector<const PlanEdge*> edge_;
};

}  // namespace edgeflow
