// One layer's partition problem in the progressive model (docs/partition.md):
// the layer's inputs are already partitioned and each rank's part of them is
// done at a known time; rank i computing output rows [a, b) starts when it is
// free (R_i) and every other rank's rows it reads have arrived, and finishes
//
//   T_i = max(R_i, max_{m, j != i, o > 0} T_{m,j} + L_{j,i} + o * row_bytes_m / B_{j,i})
//         + alpha_i * (b - a) + beta_i
//
// where o is the number of input m's rows in [lo, hi) (what [a, b) reads)
// that rank j computes. A graph output also travels to rank 0, which gathers
// it. The layer's cost is the latest T_i of the ranks that get rows.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/ir.h"
#include "edgeflow/partition.h"

namespace edgeflow {

constexpr double kInfeasible = std::numeric_limits<double>::infinity();

// The input rows output rows [a, b) read, as an affine map before clamping
// to [0, H_in): lo = scale * a + lo_offset, hi = scale * b + hi_offset.
// Derived from the op's RowMap (edgeflow/ir.h): exact for its affine kinds
// (window and whole reads; a test holds it against required_input_rows for
// every op), a linear fit of the monotone ones (ConvTranspose, Resize),
// which the exact cost then evaluates through the RowMap itself.
struct AffineRowMap {
  double scale = 1.0;
  double lo_offset = 0.0;
  double hi_offset = 0.0;
  int64_t in_height = 0;
  bool exact = true;
};
AffineRowMap affine_row_map(const Graph& graph, const Node& node, int input_index);

// One input of the layer: who computes which of its rows, and when.
struct LayerInput {
  int input_index = 0;
  AffineRowMap map;
  std::vector<int64_t> cuts;    // world + 1 cut points of the input's rows
  std::vector<double> ready_s;  // [rank]: when the rank's rows of the input are done
  int64_t row_bytes = 0;
};

class LayerProblem {
 public:
  LayerProblem(const Graph& graph, int node, const ClusterProfile& profile,
               std::vector<LayerInput> inputs, std::vector<double> free_s);

  int world() const { return world_; }
  int64_t rows() const { return rows_; }
  int node() const { return node_; }
  const Node& layer() const { return graph_.nodes[node_]; }
  const std::string& name() const { return layer().name; }
  const ClusterProfile& profile() const { return profile_; }
  const std::vector<LayerInput>& inputs() const { return inputs_; }
  double free_s(int rank) const { return free_[rank]; }
  bool usable(int rank) const { return profile_.is_usable(rank); }
  const ComputeCost& compute(int rank) const { return profile_.compute[node_][rank]; }
  // Graph outputs travel to rank 0: bytes per output row (0 otherwise).
  int64_t delivery_row_bytes() const { return delivery_row_bytes_; }

  // When rank i, computing rows [a, b) (a < b), has started and finished its unit.
  double start(int i, int64_t a, int64_t b) const;
  double finish(int i, int64_t a, int64_t b) const {
    return finish_from(i, start(i, a, b), {a, b});
  }
  // What the layer's cost counts for rank i: its finish, plus the trip to
  // rank 0 for a graph output. kInfeasible for an unusable rank.
  double objective(int i, int64_t a, int64_t b) const;
  // The layer's cost for `cuts`: the latest objective of the ranks with rows.
  double cost(const std::vector<int64_t>& cuts) const;
  // The same with the sum of the objectives, to break ties.
  void cost(const std::vector<int64_t>& cuts, double* worst, double* sum) const;

 private:
  double finish_from(int i, double start, RowRange rows) const;

  const Graph& graph_;
  const ClusterProfile& profile_;
  int node_;
  int world_;
  int64_t rows_;
  std::vector<LayerInput> inputs_;
  std::vector<double> free_;
  int64_t delivery_row_bytes_ = 0;
};

// The progressive planner's state after some layers: every planned layer's
// cuts and its units' predicted finish times, and when each rank is free.
struct ProgressiveState {
  Partition partition;                      // cuts of the planned layers (others empty)
  std::vector<std::vector<double>> finish;  // [node][rank]
  std::vector<double> free_s;               // [rank]
};

// A fresh state: nothing planned, every rank free at time 0.
ProgressiveState initial_state(const Graph& graph, int world);

// The problem of layer `node`, whose inputs `state` has planned.
LayerProblem make_layer_problem(const Graph& graph, const ClusterProfile& profile, int node,
                                const ProgressiveState& state);

// Records `cuts` as layer `node`'s partition in `state`, with its finish times.
void commit_layer(const LayerProblem& problem, const std::vector<int64_t>& cuts,
                  ProgressiveState* state);

// The usable rank where the whole layer (all rows on one rank) finishes first
// (by objective; ties to the lower rank).
int best_single_rank(const LayerProblem& problem);

// The layer's integer optimum, min over cut points of cost(): bisection on
// the finish time, with rows taken greedily rank by rank (docs/partition.md).
std::vector<int64_t> solve_layer_exact(const LayerProblem& problem);

// Counters of the LP search, for tests and benchmarks.
struct LpStats {
  int64_t solves = 0;    // lp_solve runs (a retry under another scaling counts)
  int64_t patterns = 0;  // distinct dependency patterns tried
};

// The LP approximation (lp_solve): cut points relaxed to reals under a fixed
// dependency pattern, patterns improved by local moves, rounded by an exact
// windowed search, judged by cost(). Throws Error naming the layer if
// lp_solve fails.
std::vector<int64_t> solve_layer_lp(const LayerProblem& problem, LpStats* stats = nullptr);

// A whole plan, layer by layer in topological order (each layer planned on
// the finish times the model predicts for the layers before it): whole-input
// layers go to best_single_rank, the others get solver(problem).
template <typename Solver>
Partition plan_progressive(const Graph& graph, const ClusterProfile& profile, Solver solver) {
  ProgressiveState state = initial_state(graph, profile.world_size);
  for (int l = 0; l < static_cast<int>(graph.nodes.size()); ++l) {
    const LayerProblem problem = make_layer_problem(graph, profile, l, state);
    std::vector<int64_t> cuts;
    if (needs_whole_input(graph.nodes[l]))
      cuts = single_rank_cuts(problem.rows(), profile.world_size, best_single_rank(problem));
    else
      cuts = solver(problem);
    commit_layer(problem, cuts, &state);
  }
  return state.partition;
}

}  // namespace edgeflow
