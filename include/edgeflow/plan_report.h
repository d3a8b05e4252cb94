// Explaining a plan: for each layer its op, output rows, rows per rank,
// predicted start and finish per rank and the bytes its rows cross between
// ranks, then the predicted end-to-end latency; as a text table, as JSON,
// and the DAG as Graphviz DOT with each layer's rows per rank.
#pragma once

#include <string>

#include "edgeflow/cost.h"
#include "edgeflow/io.h"
#include "edgeflow/ir.h"
#include "edgeflow/partition.h"

namespace edgeflow {

// The plan as a text table, one line per layer (the graph input first), and
// a last line with the predicted end-to-end latency and the traffic.
std::string plan_table(const Graph& graph, const Partition& partition,
                       const PlanPrediction& prediction);

// The same as a JSON object:
//   {"world_size":N, "latency_ms":x, "bytes":B, "messages":M,
//    "input":{"rows":H,"bytes_out":b},
//    "layers":[{"name","op","rows","rows_per_rank":[..],"cuts":[..],
//               "start_ms":[..],"finish_ms":[..],"bytes_out":b}, ...],
//    "links":[{"src","dst","bytes"}, ...]}   (pairs that carry bytes)
// start_ms / finish_ms are null for ranks without rows.
JsonObject plan_json_object(const Graph& graph, const Partition& partition,
                            const PlanPrediction& prediction);
std::string plan_json(const Graph& graph, const Partition& partition,
                      const PlanPrediction& prediction);

// The DAG in Graphviz DOT: a node per layer labelled with its name, op,
// output rows and rows per rank; an edge per producer -> consumer; the graph
// input and outputs as their own nodes.
std::string plan_dot(const Graph& graph, const Partition& partition);

// Writes plan_dot to `path`; an Error (kBadInput) naming the file if it
// cannot be written.
void write_plan_dot(const std::string& path, const Graph& graph, const Partition& partition);

}  // namespace edgeflow
