// The simple policies: single (the fastest rank does all), equal (rows split
// evenly), proportional (rows in proportion to measured speed, links
// ignored), random (random cut points, zero-row ranks included; for tests).
#include <algorithm>
#include <random>

#include "edgeflow/error.h"
#include "partition/policies.h"

namespace edgeflow {
namespace {

template <typename CutsFn>
Partition build(const Graph& graph, const ClusterProfile& profile, CutsFn spatial_cuts) {
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
      p.cuts.push_back(spatial_cuts(static_cast<int>(l), H));
  }
  return p;
}

}  // namespace

std::vector<int64_t> expand_cuts(const std::vector<int64_t>& compact,
                                 const ClusterProfile& profile) {
  const int n = profile.world_size;
  std::vector<int64_t> cuts(n + 1, 0);
  size_t t = 0;
  for (int i = 0; i < n; ++i) {
    cuts[i] = compact[t];
    if (profile.is_usable(i)) ++t;
    cuts[i + 1] = compact[t];
  }
  EF_ASSERT(t + 1 == compact.size());
  return cuts;
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

int fastest_rank(const Graph& graph, const ClusterProfile& profile) {
  int best = -1;
  double best_s = 0.0;
  for (int r = 0; r < profile.world_size; ++r) {
    if (!profile.is_usable(r)) continue;
    double s = 0.0;
    for (size_t l = 0; l < graph.nodes.size(); ++l)
      s += profile.compute[l][r].seconds(graph.shape_of(graph.nodes[l].output).height());
    if (best < 0 || s < best_s) best = r, best_s = s;
  }
  EF_ASSERT(best >= 0);
  return best;
}

// The whole model on the usable rank that answers first: its compute plus
// bringing it the input from rank 0 and the outputs back. Among equal
// devices that is rank 0; the fastest device only where it gains more than
// the transfers cost (on 10 Mbit/s links, moving googlenet's input takes 0.5 s).
Partition partition_single(const Graph& graph, const ClusterProfile& profile) {
  Partition best;
  double best_s = 0.0;
  for (int rank = 0; rank < profile.world_size; ++rank) {
    if (!profile.is_usable(rank)) continue;
    Partition p;
    p.world_size = profile.world_size;
    for (const Node& node : graph.nodes)
      p.cuts.push_back(single_rank_cuts(graph.shape_of(node.output).height(), p.world_size, rank));
    const double s = simulate_plan(graph, p, profile).latency_s;
    if (best.cuts.empty() || s < best_s) best = std::move(p), best_s = s;
  }
  EF_ASSERT(!best.cuts.empty());
  return best;
}

Partition partition_equal(const Graph& graph, const ClusterProfile& profile) {
  std::vector<double> weights(profile.world_size);
  for (int r = 0; r < profile.world_size; ++r) weights[r] = profile.is_usable(r) ? 1.0 : 0.0;
  return build(graph, profile, [&](int, int64_t H) { return proportional_cuts(H, weights); });
}

Partition partition_proportional(const Graph& graph, const ClusterProfile& profile) {
  return build(graph, profile, [&](int l, int64_t H) {
    std::vector<double> weights(profile.world_size, 0.0);
    for (int r = 0; r < profile.world_size; ++r)
      if (profile.is_usable(r)) weights[r] = 1.0 / std::max(profile.compute[l][r].alpha_s, 1e-15);
    return proportional_cuts(H, weights);
  });
}

Partition partition_random(const Graph& graph, const ClusterProfile& profile, uint64_t seed) {
  int usable = 0;
  for (int r = 0; r < profile.world_size; ++r) usable += profile.is_usable(r);
  std::mt19937_64 rng(seed);
  return build(graph, profile, [&](int, int64_t H) {
    std::uniform_int_distribution<int64_t> row(0, H);
    std::vector<int64_t> cuts(usable + 1);
    for (int i = 1; i < usable; ++i) cuts[i] = row(rng);
    cuts[usable] = H;
    std::sort(cuts.begin(), cuts.end());
    return expand_cuts(cuts, profile);
  });
}

}  // namespace edgeflow
