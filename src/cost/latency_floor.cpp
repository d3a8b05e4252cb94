// latency_floor and busiest_link_s (edgeflow/latency_floor.h).
#include "edgeflow/latency_floor.h"

#include <algorithm>
#include <limits>

namespace edgeflow {
namespace {

std::vector<int> usable_ranks(const ClusterProfile& profile) {
  std::vector<int> ranks;
  for (int r = 0; r < profile.world_size; ++r)
    if (profile.is_usable(r)) ranks.push_back(r);
  return ranks;
}

// Rows of `node`'s output.
int64_t rows_of(const Graph& graph, int node) {
  return graph.shape_of(graph.nodes[node].output).height();
}

// The fastest `node` can run: split over `ranks` by per-row cost, but at
// least one unit's cost; whole on its fastest rank when it needs its whole
// input.
double fastest_layer_s(const Graph& graph, const ClusterProfile& profile,
                       const std::vector<int>& ranks, int node) {
  const int64_t rows = rows_of(graph, node);
  if (rows == 0) return 0.0;
  double one_unit = std::numeric_limits<double>::infinity();
  double whole = std::numeric_limits<double>::infinity();
  double rows_per_s = 0.0;
  for (int r : ranks) {
    const ComputeCost& c = profile.compute[node][r];
    // A sampled unit may cost less than the curve through its height.
    one_unit = std::min(one_unit, c.samples().empty() ? c.seconds(1) : c.least_per_row_s());
    whole = std::min(whole, c.seconds(RowRange{0, rows}));
    rows_per_s += c.least_per_row_s() > 0 ? 1.0 / c.least_per_row_s()
                                         : std::numeric_limits<double>::infinity();
  }
  if (needs_whole_input(graph.nodes[node])) return whole;
  return std::max(one_unit, static_cast<double>(rows) / rows_per_s);
}

}  // namespace

LatencyFloor latency_floor(const Graph& graph, const ClusterProfile& profile) {
  const std::vector<int> ranks = usable_ranks(profile);
  const int layers = static_cast<int>(graph.nodes.size());
  LatencyFloor floor;
  // Weights in proportion to each rank's speed over the whole graph.
  std::vector<double> w(profile.world_size, 0.0);
  double total = 0.0;
  for (int r : ranks) {
    double whole_s = 0.0;
    for (int l = 0; l < layers; ++l)
      whole_s += profile.compute[l][r].least_per_row_s() * rows_of(graph, l);
    w[r] = whole_s > 0 ? 1.0 / whole_s : 0.0;
    total += w[r];
  }
  if (total > 0)
    for (int l = 0; l < layers; ++l) {
      double cheapest = std::numeric_limits<double>::infinity();
      for (int r : ranks)
        cheapest = std::min(cheapest, w[r] / total * profile.compute[l][r].least_per_row_s());
      floor.capacity_s += cheapest * static_cast<double>(rows_of(graph, l));
    }
  // Nodes are in topological order.
  std::vector<double> done(graph.values.size(), 0.0);
  for (int l = 0; l < layers; ++l) {
    const Node& node = graph.nodes[l];
    double ready = 0.0;
    for (ValueId v : node.inputs) ready = std::max(ready, done[v]);
    done[node.output] = ready + fastest_layer_s(graph, profile, ranks, l);
  }
  for (ValueId v : graph.outputs) floor.critical_path_s = std::max(floor.critical_path_s, done[v]);
  return floor;
}

double busiest_link_s(const ClusterProfile& profile,
                      const std::vector<std::vector<int64_t>>& bytes) {
  const int n = profile.world_size;
  std::vector<double> up(n, 0.0), down(n, 0.0);
  double busiest = 0.0;
  for (int s = 0; s < n && s < static_cast<int>(bytes.size()); ++s)
    for (int d = 0; d < n && d < static_cast<int>(bytes[s].size()); ++d) {
      if (s == d || bytes[s][d] == 0) continue;
      const double t = profile.links[s][d].occupancy_s(bytes[s][d]);
      up[s] += t;
      down[d] += t;
      busiest = std::max(busiest, t);
    }
  if (profile.link_queues)
    for (int r = 0; r < n; ++r) busiest = std::max({busiest, up[r], down[r]});
  return busiest;
}

}  // namespace edgeflow
