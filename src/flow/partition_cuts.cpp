// Partition checks and the cut-point arithmetic shared by every policy.
#include "edgeflow/partition_cuts.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "edgeflow/error.h"

namespace edgeflow {

int Partition::owner(int node, int64_t r) const {
  const auto& c = cuts.at(node);
  for (int i = 0; i < world_size; ++i)
    if (r >= c[i] && r < c[i + 1]) return i;
  EF_ASSERT(false && "row outside the layer");
  return -1;
}

void validate_partition(const Graph& graph, const Partition& p) {
  if (p.cuts.size() != graph.nodes.size())
    fail_input("partition: has " + std::to_string(p.cuts.size()) + " layers, the model has " +
               std::to_string(graph.nodes.size()));
  if (!p.halo_first.empty() && p.halo_first.size() != graph.nodes.size())
    fail_input("partition: marks " + std::to_string(p.halo_first.size()) +
               " layers halo-first, the model has " + std::to_string(graph.nodes.size()));
  if (!p.fused.empty() && p.fused.size() != graph.nodes.size())
    fail_input("partition: marks " + std::to_string(p.fused.size()) +
               " layers fused, the model has " + std::to_string(graph.nodes.size()));
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const Node& node = graph.nodes[n];
    const auto& c = p.cuts[n];
    const int64_t H = graph.shape_of(node.output).height();
    const std::string where = "partition: layer '" + node.name + "'";
    if (static_cast<int>(c.size()) != p.world_size + 1)
      fail_input(where + ": expected " + std::to_string(p.world_size + 1) + " cut points");
    if (c.front() != 0 || c.back() != H)
      fail_input(where + ": cuts must run from 0 to " + std::to_string(H));
    if (!std::is_sorted(c.begin(), c.end())) fail_input(where + ": cuts are not monotone");
    if (!can_be_halo_first(node) && p.is_halo_first(static_cast<int>(n)))
      fail_input(where + ": a whole-input layer cannot be halo-first (its kernel computes all "
                         "rows at once)");
    if (!can_be_fused(node) && p.is_fused(static_cast<int>(n)))
      fail_input(where + ": a whole-input layer cannot be fused into its readers (its tile "
                         "would be all of it)");
    if (needs_whole_input(node)) {
      int holders = 0;
      for (int i = 0; i < p.world_size; ++i) holders += c[i + 1] > c[i];
      if (holders != 1) fail_input(where + ": a whole-input layer must run on one rank");
    }
  }
}

std::vector<int64_t> proportional_cuts(int64_t rows, const std::vector<double>& weights) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  EF_ASSERT(total > 0.0);
  std::vector<int64_t> cuts(weights.size() + 1, 0);
  double acc = 0.0;
  for (size_t i = 0; i < weights.size(); ++i) {
    acc += weights[i];
    cuts[i + 1] = weights[i] > 0.0 ? static_cast<int64_t>(std::llround(rows * acc / total))
                                   : cuts[i];
  }
  cuts.back() = rows;
  for (size_t i = 1; i < cuts.size(); ++i) cuts[i] = std::max(cuts[i], cuts[i - 1]);
  return cuts;
}

std::vector<int64_t> single_rank_cuts(int64_t rows, int world_size, int rank) {
  std::vector<int64_t> cuts(world_size + 1, 0);
  for (int i = rank + 1; i <= world_size; ++i) cuts[i] = rows;
  return cuts;
}

}  // namespace edgeflow
