// The plan simulator behind simulate_plan, kept alive between runs so that
// the whole-plan optimiser can change one layer's cuts and re-simulate
// without rebuilding the flow of every value (src/partition/whole_plan.cpp).
// Its units are the schedule's (edgeflow/schedule.h) and its messages the
// flow module's (edgeflow/flow.h), as the plan's are.
#pragma once

#include <cstdint>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/flow.h"
#include "edgeflow/ir.h"
#include "edgeflow/partition_cuts.h"
#include "edgeflow/schedule.h"

namespace edgeflow {

class PlanSimulator {
 public:
  PlanSimulator(const Graph& graph, const ClusterProfile& profile, Partition partition);

  const Partition& partition() const { return flows_.partition(); }
  // Replaces the cuts of `node`; rebuilds the flows of the values it reads
  // and writes (and, through fused layers upstream, those their tiles move),
  // and the units of the layers that read or write them.
  void set_cuts(int node, const std::vector<int64_t>& cuts);
  // Marks `node` halo-first or not.
  void set_halo_first(int node, bool on);
  // Marks `node` fused or not (Partition::fused): it and the fused layers
  // upstream of it change their tiles.
  void set_fused(int node, bool on);

  // The predicted end-to-end latency of the current partition.
  double latency() { return run(nullptr); }
  // The whole prediction of the current partition.
  PlanPrediction predict();
  // Compute seconds of each rank, and summed over the ranks, in the last
  // latency() or predict().
  const std::vector<double>& rank_busy_s() const { return rank_busy_s_; }
  double busy_s() const;
  // Bytes moved between ranks per request.
  int64_t total_bytes() const { return flows_.total_bytes(); }
  // The message flows of the current partition.
  const FlowTable& flows() const { return flows_; }

 private:
  // One unit of a layer on a rank and what links it to others, kept per
  // layer between runs and rebuilt only when the flows it reads or writes
  // change (the costly part: regions and message lookups).
  struct LayerUnit {
    ScheduledUnit unit;
    std::vector<std::pair<ValueId, int>> waits;  // (value, k): messages it reads
    std::vector<std::pair<int, int>> after;      // (layer, j): local units it reads
    std::vector<int> sends;                      // k into messages(its output)
  };

  double run(PlanPrediction* detail);
  void mark_readers_and_writer(ValueId v);
  void rebuild_layer(int node);
  void build_units();

  const Graph& graph_;
  const ClusterProfile& profile_;
  FlowTable flows_;
  int world_;
  std::vector<std::vector<int>> readers_;                // [value]: layers reading it
  std::vector<std::vector<std::vector<LayerUnit>>> layer_units_;  // [node][rank]
  std::vector<char> stale_;                               // [node]: layer_units_ to rebuild

  // Buffers of run(), kept between runs. Units are numbered rank by rank,
  // each rank's in its list order.
  std::vector<ScheduledUnit> unit_;
  std::vector<const LayerUnit*> unit_links_;  // [unit]: its links
  std::vector<int> unit_rank_;
  std::vector<int> rank_first_;               // [rank]: its first unit (+ end)
  std::vector<int> node_units_;               // [2 * (node * ranks + rank)]: its units
  std::vector<int> missing_;                  // [unit]: inputs not yet there
  std::vector<std::vector<int>> dependents_;  // [unit]: local units reading its rows
  std::vector<std::vector<int>> waiters_;     // [edge]: units reading its rows
  std::vector<std::vector<int>> sent_;        // [unit]: the edges it sends
  std::vector<int> offset_;
  std::vector<double> arrival_;
  std::vector<const Message*> message_;
  std::vector<double> rank_busy_s_;
};

}  // namespace edgeflow
