// A partition gives every layer's output rows to the ranks: rank i computes
// rows [cuts[i], cuts[i+1]) of the layer, with 0 = cuts[0] <= ... <= cuts[n] = H.
// Layers that need their whole input run on one rank (all rows there).
// Policies that make partitions live behind one interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "edgeflow/ir.h"

namespace edgeflow {

struct Partition {
  int world_size = 1;
  std::vector<std::vector<int64_t>> cuts;  // per node: world_size + 1 cut points

  RowRange rows(int node, int rank) const {
    return RowRange{cuts.at(node).at(rank), cuts.at(node).at(rank + 1)};
  }
  // The rank that owns output row r of `node`.
  int owner(int node, int64_t r) const;
};

// Checks that `p` fits `graph` (monotone cuts covering each layer, whole-input
// layers on one rank); throws Error naming the layer otherwise.
void validate_partition(const Graph& graph, const Partition& p);

// Cut points giving `rows` to ranks in proportion to `weights` (rounded so
// the sum is exact); zero weights get zero rows.
std::vector<int64_t> proportional_cuts(int64_t rows, const std::vector<double>& weights);

// Cut points giving all `rows` to `rank`.
std::vector<int64_t> single_rank_cuts(int64_t rows, int world_size, int rank);

struct PartitionerOptions {
  std::string name = "equal";  // single | equal | random
  uint64_t seed = 1;           // random
};

// Makes a partition of `graph` over `world_size` ranks with the named policy.
Partition make_partition(const Graph& graph, int world_size, const PartitionerOptions& options);

// Names of the policies make_partition knows, for --help and errors.
std::vector<std::string> partitioner_names();

}  // namespace edgeflow
