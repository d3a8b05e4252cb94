// find_branches (partition/branches.h).
#include "partition/branches.h"

#include <algorithm>

#include "partition/policy_helpers.h"

namespace edgeflow {

std::vector<std::vector<int>> find_branches(const Graph& graph) {
  const int nodes = static_cast<int>(graph.nodes.size());
  std::vector<int> readers(graph.values.size(), 0);
  for (const Node& node : graph.nodes)
    for (ValueId v : node.inputs) ++readers[v];
  // Node n continues the chain of its producer p when n reads only p's
  // output and is its only reader.
  auto predecessor = [&](int n) {
    const Node& node = graph.nodes[n];
    if (node.inputs.size() != 1) return -1;
    const ValueId v = node.inputs[0];
    const int p = graph.values[v].producer;
    return p >= 0 && readers[v] == 1 ? p : -1;
  };
  std::vector<int> successor(nodes, -1);
  for (int n = 0; n < nodes; ++n)
    if (const int p = predecessor(n); p >= 0) successor[p] = n;
  auto is_fork = [&](ValueId v) { return readers[v] > 1; };
  auto feeds_join = [&](ValueId v) {
    for (const Node& node : graph.nodes)
      for (ValueId in : node.inputs)
        if (in == v && node.inputs.size() > 1) return true;
    return false;
  };
  std::vector<std::vector<int>> branches;
  for (int head = 0; head < nodes; ++head) {
    if (predecessor(head) >= 0) continue;
    std::vector<int> chain{head};
    while (successor[chain.back()] >= 0) chain.push_back(successor[chain.back()]);
    bool forked = false;
    for (ValueId v : graph.nodes[head].inputs) forked |= is_fork(v);
    if (forked || feeds_join(graph.nodes[chain.back()].output)) branches.push_back(chain);
  }
  return branches;
}

std::vector<std::vector<int>> sibling_branches(const Graph& graph,
                                               const std::vector<std::vector<int>>& branches) {
  std::vector<int> readers(graph.values.size(), 0);
  for (const Node& node : graph.nodes)
    for (ValueId v : node.inputs) ++readers[v];
  std::vector<std::vector<int>> by_fork(graph.values.size());
  for (size_t b = 0; b < branches.size(); ++b)
    for (ValueId v : graph.nodes[branches[b].front()].inputs)
      if (readers[v] > 1) {
        by_fork[v].push_back(static_cast<int>(b));
        break;
      }
  std::vector<std::vector<int>> groups;
  for (std::vector<int>& group : by_fork)
    if (group.size() > 1) groups.push_back(std::move(group));
  std::sort(groups.begin(), groups.end());
  return groups;
}

std::vector<int64_t> placed_cuts(const Graph& graph, const ClusterProfile& profile, int node,
                                 const std::vector<double>& weights) {
  const Node& layer = graph.nodes[node];
  const int64_t rows = graph.shape_of(layer.output).height();
  if (needs_whole_input(layer)) {
    const int heaviest =
        static_cast<int>(std::max_element(weights.begin(), weights.end()) - weights.begin());
    return single_rank_cuts(rows, profile.world_size, heaviest);
  }
  return empty_unusable_ranks(proportional_cuts(rows, weights), profile);
}

}  // namespace edgeflow
