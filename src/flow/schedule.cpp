// The units of a partition and their order on each rank (edgeflow/schedule.h).
#include "edgeflow/schedule.h"

namespace edgeflow {
namespace {

// Splits `rows` at the runs other ranks read: those runs first, in row
// order, then the rows between them.
void append_halo_first(const FlowTable& flows, int node, int rank, RowRange rows,
                       std::vector<ScheduledUnit>* out) {
  const ValueId v = flows.graph().nodes[node].output;
  std::vector<RowRange> sent;
  for (int k : flows.messages_from(v, rank)) sent.push_back(flows.messages(v)[k].region.rows);
  merge_runs(&sent);
  if (sent.empty() || (sent.size() == 1 && sent.front() == rows)) {
    out->push_back(ScheduledUnit{node, rows});
    return;
  }
  for (RowRange r : sent) out->push_back(ScheduledUnit{node, r});
  int64_t at = rows.begin;
  for (RowRange r : sent) {
    if (r.begin > at) out->push_back(ScheduledUnit{node, RowRange{at, r.begin}});
    at = r.end;
  }
  if (at < rows.end) out->push_back(ScheduledUnit{node, RowRange{at, rows.end}});
}

}  // namespace

void append_node_units(const FlowTable& flows, int node, int rank,
                       std::vector<ScheduledUnit>* out) {
  const RowRange rows = flows.computed_rows(node, rank);
  if (rows.empty()) return;
  if (flows.partition().is_halo_first(node))
    append_halo_first(flows, node, rank, rows, out);
  else
    out->push_back(ScheduledUnit{node, rows});
}

void append_rank_units(const FlowTable& flows, int rank, std::vector<ScheduledUnit>* out) {
  const int nodes = static_cast<int>(flows.graph().nodes.size());
  for (int node = 0; node < nodes; ++node) append_node_units(flows, node, rank, out);
}

Region unit_input_region(const FlowTable& flows, const ScheduledUnit& unit, int rank, int input) {
  if (unit.rows == flows.computed_rows(unit.node, rank))
    return flows.required(unit.node, input, rank);
  const Graph& graph = flows.graph();
  const Node& node = graph.nodes[unit.node];
  return rows_region(graph.shape_of(node.inputs[input]),
                     required_input_rows(graph, node, input, unit.rows));
}

}  // namespace edgeflow
