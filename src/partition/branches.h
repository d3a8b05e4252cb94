// The branches of fork/join blocks, for the branch-placement move of the
// whole-plan search (docs/partition.md, "Branch placement").
#pragma once

#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/ir.h"

namespace edgeflow {

// Maximal chains of layers in which each layer reads only the output of the
// one before it, and is its only reader. A chain is a branch when its first
// layer reads a value other layers read too (a fork) or its last layer's
// output is read by a layer that also reads other values (a join): an
// inception module's towers, a residual block's paths, a dense layer. Each
// chain lists its layers in topological order; chains are in the order of
// their first layer. A graph without forks and joins has none.
std::vector<std::vector<int>> find_branches(const Graph& graph);

// The branches (indices into `branches`) that start from the same fork,
// each group with at least two: an inception module's towers, a block's
// paths. Groups are in the order of their first branch.
std::vector<std::vector<int>> sibling_branches(const Graph& graph,
                                               const std::vector<std::vector<int>>& branches);

// The cuts of layer `node` in a branch placed on the ranks whose `weights`
// (one per rank) are positive, rows in proportion to the weights; a layer
// that needs its whole input goes whole to the rank of the largest weight.
// Unusable ranks get no rows.
std::vector<int64_t> placed_cuts(const Graph& graph, const ClusterProfile& profile, int node,
                                 const std::vector<double>& weights);

}  // namespace edgeflow
