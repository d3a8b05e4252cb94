// Helpers the partition policies share (see policy_helpers.h).
#include "partition/policy_helpers.h"

#include "edgeflow/error.h"

namespace edgeflow {

int usable_rank_count(const ClusterProfile& profile) {
  int usable = 0;
  for (int r = 0; r < profile.world_size; ++r) usable += profile.is_usable(r);
  return usable;
}

std::vector<int64_t> empty_unusable_ranks(std::vector<int64_t> cuts,
                                          const ClusterProfile& profile) {
  const int n = profile.world_size;
  int last = n - 1;
  while (last > 0 && !profile.is_usable(last)) --last;
  for (int i = 0; i < last; ++i)
    if (!profile.is_usable(i)) cuts[i + 1] = cuts[i];
  for (int i = last + 1; i <= n; ++i) cuts[i] = cuts[n];
  return cuts;
}

double whole_graph_compute_s(const Graph& graph, const ClusterProfile& profile, int rank) {
  double s = 0.0;
  for (size_t l = 0; l < graph.nodes.size(); ++l) {
    const int64_t rows = graph.shape_of(graph.nodes[l].output).height();
    s += profile.compute[l][rank].seconds(RowRange{0, rows});
  }
  return s;
}

int fastest_rank(const Graph& graph, const ClusterProfile& profile) {
  int best = -1;
  double best_s = 0.0;
  for (int r = 0; r < profile.world_size; ++r) {
    if (!profile.is_usable(r)) continue;
    const double s = whole_graph_compute_s(graph, profile, r);
    if (best < 0 || s < best_s) best = r, best_s = s;
  }
  EF_ASSERT(best >= 0);
  return best;
}

int rank_for_whole_layer(const Graph& graph, const ClusterProfile& profile, const Partition& p,
                         const Node& node) {
  const int producer = graph.values.at(node.inputs.at(0)).producer;
  int best = -1;
  int64_t best_rows = -1;
  for (int r = 0; r < p.world_size; ++r) {
    if (!profile.is_usable(r)) continue;
    const int64_t rows = producer < 0 ? (r == 0 ? 1 : 0) : p.rows(producer, r).size();
    if (rows > best_rows) best = r, best_rows = rows;
  }
  if (best_rows <= 0) return fastest_rank(graph, profile);
  return best;
}

Partition split_layers_by(const Graph& graph, const ClusterProfile& profile,
                          const LayerCutsRule& rule) {
  Partition p;
  p.world_size = profile.world_size;
  p.cuts.reserve(graph.nodes.size());
  for (size_t l = 0; l < graph.nodes.size(); ++l) {
    const Node& node = graph.nodes[l];
    const int64_t H = graph.shape_of(node.output).height();
    if (needs_whole_input(node))
      p.cuts.push_back(
          single_rank_cuts(H, p.world_size, rank_for_whole_layer(graph, profile, p, node)));
    else
      p.cuts.push_back(rule(static_cast<int>(l), H));
  }
  return p;
}

}  // namespace edgeflow
