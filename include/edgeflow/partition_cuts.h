// A partition as plain data: every layer's output rows given to the ranks.
// Rank i computes rows [cuts[i], cuts[i+1]) of the layer, with
// 0 = cuts[0] <= ... <= cuts[n] = H. Layers that need their whole input run
// on one rank (all rows there). The flow module, the cost model, the
// policies and the plan builder all read this one type (docs/row-and-plan-model.md).
#pragma once

#include <cstdint>
#include <vector>

#include "edgeflow/ir.h"

namespace edgeflow {

struct Partition {
  int world_size = 1;
  std::vector<std::vector<int64_t>> cuts;  // per node: world_size + 1 cut points
  // Per node (empty: none): the layer's rows that other ranks read are
  // computed and sent first, each run a unit of its own (edgeflow/schedule.h).
  // Never a whole-input layer: its kernel computes all rows at once.
  std::vector<char> halo_first;
  // Per node (empty: none): a fused layer is computed, on every rank, for the
  // rows that rank's units read from it as well as its own, so its readers
  // never wait for its halos (FlowTable::computed_rows). A run of fused
  // layers ending in an unfused one is a fused stack: its halos move once,
  // into the first layer, and the overlap is recomputed instead of sent.
  // Never a whole-input layer.
  std::vector<char> fused;

  bool is_halo_first(int node) const {
    return !halo_first.empty() && halo_first.at(node) != 0;
  }
  bool is_fused(int node) const { return !fused.empty() && fused.at(node) != 0; }

  RowRange rows(int node, int rank) const {
    return RowRange{cuts.at(node).at(rank), cuts.at(node).at(rank + 1)};
  }
  // The rank that owns output row r of `node`.
  int owner(int node, int64_t r) const;
};

// A layer may be halo-first (Partition::halo_first) unless it needs its
// whole input: its kernel computes all rows at once.
inline bool can_be_halo_first(const Node& node) { return !needs_whole_input(node); }
// A layer may be fused into its readers (Partition::fused) unless it needs
// its whole input: a wider tile of it would be all of it.
inline bool can_be_fused(const Node& node) { return !needs_whole_input(node); }

// Checks that `p` fits `graph` (monotone cuts covering each layer, whole-input
// layers on one rank); throws Error naming the layer otherwise.
void validate_partition(const Graph& graph, const Partition& p);

// Cut points giving `rows` to ranks in proportion to `weights` (rounded so
// the sum is exact); zero weights get zero rows.
std::vector<int64_t> proportional_cuts(int64_t rows, const std::vector<double>& weights);

// Cut points giving all `rows` to `rank`.
std::vector<int64_t> single_rank_cuts(int64_t rows, int world_size, int rank);

}  // namespace edgeflow
