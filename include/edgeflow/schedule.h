// The units of a partition and the order each rank lists them in: one
// schedule for the plan builder (it writes these lists as the ranks' units),
// the runtime (it runs them) and the plan simulator (it replays them).
//
// The rule, everywhere: whenever a rank is free it runs the first unit of its
// list whose inputs are all there (received, or computed by its own earlier
// units), of whichever request; a ready unit never waits behind one that is
// not (docs/row-and-plan-model.md, "Units and their order").
//
// A rank's list holds its layers in graph order. A layer marked halo-first
// (Partition::halo_first) is split: the runs of its rows that other ranks
// read come first, each a unit of its own, then the rows only it reads, so
// its rows leave as soon as they are computed and the neighbours start while
// it finishes.
//
//   rank 1, layer rows [14, 28); rank 0 reads [14, 15), rank 2 reads [27, 28)
//   units: [14, 15)  [27, 28)  [15, 27)
#pragma once

#include <vector>

#include "edgeflow/flow.h"

namespace edgeflow {

// One unit: rows of one layer, computed by one rank.
struct ScheduledUnit {
  int node = -1;
  RowRange rows;
};

// Appends rank `rank`'s units, in the order it lists them, to `out`.
void append_rank_units(const FlowTable& flows, int rank, std::vector<ScheduledUnit>* out);
// The same for one layer: its units on `rank` (none, one, or with
// halo-first its runs), in list order. A rank's list is these, layer by layer.
void append_node_units(const FlowTable& flows, int node, int rank,
                       std::vector<ScheduledUnit>* out);

// The region of input `input` that `unit` on `rank` reads.
Region unit_input_region(const FlowTable& flows, const ScheduledUnit& unit, int rank, int input);

// Calls visit(k) for each index k into flows.messages(v) of a message that
// `unit` on `rank` sends (v: the unit's output): those whose rows it computes.
template <typename F>
void for_each_message_sent(const FlowTable& flows, const ScheduledUnit& unit, int rank,
                           F&& visit) {
  const ValueId v = flows.graph().nodes[unit.node].output;
  for (int k : flows.messages_from(v, rank)) {
    const RowRange rows = flows.messages(v)[k].region.rows;
    if (rows.begin >= unit.rows.begin && rows.end <= unit.rows.end) visit(k);
  }
}

}  // namespace edgeflow
