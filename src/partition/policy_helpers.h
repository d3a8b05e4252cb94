// Helpers the partition policies share: which ranks may get rows, where a
// whole-input layer goes, and a partition built layer by layer from a rule
// for the layers that split by rows.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/ir.h"
#include "edgeflow/partition.h"

namespace edgeflow {

// The number of ranks the profile lets have rows.
int usable_rank_count(const ClusterProfile& profile);

// `cuts` (world_size + 1 cut points) with every unusable rank's range made
// empty: its rows go to the next usable rank, and those after the last
// usable rank to that rank. Reads only cuts[0], cuts[world_size] and the
// ends of the usable ranks' ranges but the last.
std::vector<int64_t> empty_unusable_ranks(std::vector<int64_t> cuts,
                                          const ClusterProfile& profile);

// The compute time of the whole graph on `rank`, every layer whole there.
double whole_graph_compute_s(const Graph& graph, const ClusterProfile& profile, int rank);

// The usable rank with the least total compute time for the whole graph.
int fastest_rank(const Graph& graph, const ClusterProfile& profile);

// The usable rank that computes most of `node`'s first input in the
// partition `p` made so far (rank 0 for the graph input; the fastest usable
// rank when no usable rank holds any of it).
int rank_for_whole_layer(const Graph& graph, const ClusterProfile& profile, const Partition& p,
                         const Node& node);

// Cut points of a layer that splits by rows, from its index and its height.
using LayerCutsRule = std::function<std::vector<int64_t>(int layer, int64_t rows)>;

// A partition whose row-split layers get `rule`'s cuts (asked in layer
// order) and whose whole-input layers go to rank_for_whole_layer.
Partition split_layers_by(const Graph& graph, const ClusterProfile& profile,
                          const LayerCutsRule& rule);

}  // namespace edgeflow
