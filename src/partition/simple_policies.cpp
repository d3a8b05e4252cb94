// The simple policies: single (rank 0 does all), equal (rows split evenly),
// random (random cut points, zero-row ranks included; for tests).
#include <algorithm>
#include <random>

#include "edgeflow/error.h"
#include "edgeflow/partition.h"

namespace edgeflow {
namespace {

// Whole-input layers go to the rank that owns most of their input's rows,
// so the gather moves the fewest bytes.
int rank_for_whole_layer(const Graph& graph, const Partition& p, const Node& node) {
  const ValueId in = node.inputs.at(0);
  const int producer = graph.values.at(in).producer;
  if (producer < 0) return 0;
  int best = 0;
  int64_t best_rows = -1;
  for (int r = 0; r < p.world_size; ++r) {
    const int64_t rows = p.rows(producer, r).size();
    if (rows > best_rows) best = r, best_rows = rows;
  }
  return best;
}

template <typename CutsFn>
Partition build(const Graph& graph, int world_size, CutsFn spatial_cuts) {
  Partition p;
  p.world_size = world_size;
  p.cuts.reserve(graph.nodes.size());
  for (const Node& node : graph.nodes) {
    const int64_t H = graph.shape_of(node.output).height();
    if (needs_whole_input(node))
      p.cuts.push_back(single_rank_cuts(H, world_size, rank_for_whole_layer(graph, p, node)));
    else
      p.cuts.push_back(spatial_cuts(H));
  }
  return p;
}

}  // namespace

std::vector<std::string> partitioner_names() { return {"single", "equal", "random"}; }

Partition make_partition(const Graph& graph, int world_size, const PartitionerOptions& options) {
  EF_ASSERT(world_size >= 1);
  if (options.name == "single")
    return build(graph, world_size,
                 [&](int64_t H) { return single_rank_cuts(H, world_size, 0); });
  if (options.name == "equal")
    return build(graph, world_size, [&](int64_t H) {
      return proportional_cuts(H, std::vector<double>(world_size, 1.0));
    });
  if (options.name == "random") {
    std::mt19937_64 rng(options.seed);
    return build(graph, world_size, [&](int64_t H) {
      std::uniform_int_distribution<int64_t> row(0, H);
      std::vector<int64_t> cuts(world_size + 1);
      for (int i = 1; i < world_size; ++i) cuts[i] = row(rng);
      cuts[world_size] = H;
      std::sort(cuts.begin(), cuts.end());
      return cuts;
    });
  }
  std::string known;
  for (const auto& n : partitioner_names()) known += (known.empty() ? "" : ", ") + n;
  fail_input("--partitioner: unknown policy '" + options.name + "' (known: " + known + ")");
}

}  // namespace edgeflow
