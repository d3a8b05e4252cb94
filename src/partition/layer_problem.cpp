// The per-layer cost model of the progressive planner and its state.
#include "partition/layer_problem.h"

#include <algorithm>

#include "edgeflow/error.h"

namespace edgeflow {

AffineRowMap affine_row_map(const Graph& graph, const Node& node, int input_index) {
  const RowMap rows = row_map(graph, node, input_index);
  AffineRowMap m;
  m.in_height = rows.in_height;
  switch (rows.kind) {
    case RowMap::Kind::kWhole:
      m.scale = 0.0, m.lo_offset = 0.0, m.hi_offset = static_cast<double>(m.in_height);
      return m;
    case RowMap::Kind::kWindow:  // lo = s*a - p, hi = s*(b-1) - p + e
      m.scale = static_cast<double>(rows.stride);
      m.lo_offset = -static_cast<double>(rows.offset);
      m.hi_offset = static_cast<double>(-rows.offset + rows.extent - rows.stride);
      return m;
    case RowMap::Kind::kTransposedWindow:
    case RowMap::Kind::kResize:
    case RowMap::Kind::kBlocks:
      break;
  }
  // Monotone maps: whole if the first and the last row read everything,
  // else a line through the middle row's reads with slope H_in / H.
  const int64_t H = rows.out_height;
  const RowRange all{0, m.in_height};
  if (rows.rows_read({0, 1}) == all && rows.rows_read({H - 1, H}) == all) {
    m.scale = 0.0, m.lo_offset = 0.0, m.hi_offset = static_cast<double>(m.in_height);
    return m;
  }
  const int64_t mid = H / 2;
  const RowRange r = rows.rows_read({mid, mid + 1});
  m.exact = false;
  m.scale = static_cast<double>(m.in_height) / static_cast<double>(H);
  m.lo_offset = static_cast<double>(r.begin) - m.scale * static_cast<double>(mid);
  m.hi_offset = static_cast<double>(r.end) - m.scale * static_cast<double>(mid + 1);
  return m;
}

LayerProblem::LayerProblem(const Graph& graph, int node, const ClusterProfile& profile,
                           std::vector<LayerInput> inputs, std::vector<double> free_s)
    : graph_(graph),
      profile_(profile),
      node_(node),
      world_(profile.world_size),
      rows_(graph.shape_of(graph.nodes.at(node).output).height()),
      inputs_(std::move(inputs)),
      free_(std::move(free_s)) {
  EF_ASSERT(static_cast<int>(free_.size()) == world_);
  const ValueId out = graph.nodes[node].output;
  if (std::find(graph.outputs.begin(), graph.outputs.end(), out) != graph.outputs.end())
    delivery_row_bytes_ = graph.shape_of(out).row_elements() * static_cast<int64_t>(sizeof(float));
}

double LayerProblem::start(int i, int64_t a, int64_t b) const {
  double s = free_[i];
  for (const LayerInput& in : inputs_) {
    const AffineRowMap& m = in.map;
    int64_t lo = 0, hi = 0;
    if (m.exact) {  // integer scale and offsets: exact in double
      lo = std::clamp<int64_t>(static_cast<int64_t>(m.scale * a + m.lo_offset), 0, m.in_height);
      hi = std::clamp<int64_t>(static_cast<int64_t>(m.scale * b + m.hi_offset), lo, m.in_height);
    } else {
      const RowRange need = required_input_rows(graph_, layer(), in.input_index, {a, b});
      lo = need.begin, hi = need.end;
    }
    if (hi <= lo) continue;
    const auto& c = in.cuts;
    int j = static_cast<int>(std::upper_bound(c.begin(), c.end(), lo) - c.begin()) - 1;
    for (; j < world_ && c[j] < hi; ++j) {
      if (j == i) continue;
      const int64_t o = std::min(hi, c[j + 1]) - std::max(lo, c[j]);
      if (o <= 0) continue;
      s = std::max(s, in.ready_s[j] + profile_.links[j][i].seconds(o * in.row_bytes));
    }
  }
  return s;
}

double LayerProblem::finish_from(int i, double start, RowRange rows) const {
  return start + compute(i).seconds(rows);
}

double LayerProblem::objective(int i, int64_t a, int64_t b) const {
  if (!usable(i)) return kInfeasible;
  double f = finish(i, a, b);
  if (delivery_row_bytes_ > 0 && i != 0)
    f += profile_.links[i][0].seconds((b - a) * delivery_row_bytes_);
  return f;
}

double LayerProblem::cost(const std::vector<int64_t>& cuts) const {
  double worst = 0, sum = 0;
  cost(cuts, &worst, &sum);
  return worst;
}

void LayerProblem::cost(const std::vector<int64_t>& cuts, double* worst, double* sum) const {
  *worst = 0.0;
  *sum = 0.0;
  for (int i = 0; i < world_; ++i) {
    if (cuts[i + 1] <= cuts[i]) continue;
    const double f = objective(i, cuts[i], cuts[i + 1]);
    *worst = std::max(*worst, f);
    *sum += f;
  }
}

ProgressiveState initial_state(const Graph& graph, int world) {
  ProgressiveState s;
  s.partition.world_size = world;
  s.partition.cuts.assign(graph.nodes.size(), {});
  s.finish.assign(graph.nodes.size(), std::vector<double>(world, 0.0));
  s.free_s.assign(world, 0.0);
  return s;
}

LayerProblem make_layer_problem(const Graph& graph, const ClusterProfile& profile, int node,
                                const ProgressiveState& state) {
  const Node& n = graph.nodes.at(node);
  const int world = profile.world_size;
  std::vector<LayerInput> inputs;
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const ValueId v = n.inputs[i];
    LayerInput in;
    in.input_index = static_cast<int>(i);
    in.map = affine_row_map(graph, n, static_cast<int>(i));
    in.row_bytes = graph.shape_of(v).row_elements() * static_cast<int64_t>(sizeof(float));
    const int producer = graph.values[v].producer;
    if (producer < 0) {
      in.cuts = single_rank_cuts(graph.shape_of(v).height(), world, 0);
      in.ready_s.assign(world, 0.0);
    } else {
      EF_ASSERT(producer < node && !state.partition.cuts[producer].empty());
      in.cuts = state.partition.cuts[producer];
      in.ready_s = state.finish[producer];
    }
    inputs.push_back(std::move(in));
  }
  return LayerProblem(graph, node, profile, std::move(inputs), state.free_s);
}

void commit_layer(const LayerProblem& problem, const std::vector<int64_t>& cuts,
                  ProgressiveState* state) {
  const int node = problem.node();
  EF_ASSERT(static_cast<int>(cuts.size()) == problem.world() + 1);
  state->partition.cuts[node] = cuts;
  for (int i = 0; i < problem.world(); ++i) {
    if (cuts[i + 1] <= cuts[i]) continue;
    const double f = problem.finish(i, cuts[i], cuts[i + 1]);
    state->finish[node][i] = f;
    state->free_s[i] = f;
  }
}

int best_single_rank(const LayerProblem& problem) {
  int best = -1;
  double best_t = kInfeasible;
  for (int i = 0; i < problem.world(); ++i) {
    if (!problem.usable(i)) continue;
    const double t = problem.objective(i, 0, problem.rows());
    if (best < 0 || t < best_t) best = i, best_t = t;
  }
  EF_ASSERT(best >= 0);
  return best;
}

}  // namespace edgeflow
