// Execution units and forwarding tables: turns a graph and a partition into
// one RankPlan per rank (the Protobuf schema in src/plan/plan.proto), and the
// IR in and out of the plan's wire form.
//
//   layer l, rank i computes rows [x_{i-1}, x_i)      unit (l, i, rows)
//   its consumers on rank j read rows [lo, hi)       input requirement
//   rows it owns that j reads travel as one message  edge (value, i -> j)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/partition_cuts.h"
#include "plan.pb.h"

namespace edgeflow {

// Builds the plans of every rank for `partition` of `graph`. Plans refer to
// the graph's layers and values by index; the graph itself travels once, in
// its own message (encode_graph).
std::vector<planpb::RankPlan> build_plans(const Graph& graph, const Partition& partition);

// Bytes each rank sends each other rank per request: bytes[src][dst].
std::vector<std::vector<int64_t>> planned_bytes(const Graph& graph,
                                                const std::vector<planpb::RankPlan>& plans);

// The IR in its wire form, with all weights or (with_weights false) none.
void encode_graph(const Graph& graph, bool with_weights, planpb::Graph* out);
// The IR back from its wire form; malformed input throws Error naming the field.
Graph decode_graph(const planpb::Graph& in);

// For each unit of `plan` (by index), the units of the same rank whose rows
// it reads: with its receives, what it waits for (the runtime runs a unit as
// soon as both are complete, edgeflow/schedule.h). Throws Error (bad input)
// naming the unit when it reads a row that none of these, nor the request
// itself (the graph input on rank 0), provides, waits for an edge the rank
// never receives, or computes rows another unit of its layer computes too.
std::vector<std::vector<int>> local_dependencies(const planpb::RankPlan& plan, const Graph& graph);

// Checks a decoded plan against its own graph (indices, row ranges, buffer
// bounds) so that a worker never trusts a malformed plan; throws Error.
void validate_plan(const planpb::RankPlan& plan, const Graph& graph);

}  // namespace edgeflow
