// Whole-graph checks before any conversion: node names, unsupported ops (all
// of them in one error), duplicate and undefined tensor names, and a stable
// topological order (the file's node order is not trusted); and after it, the
// forms that import but run only once a rewrite has removed them.
#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <set>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

constexpr size_t kMaxListed = 20;

}  // namespace

void name_nodes(onnx::GraphProto& graph) {
  std::set<std::string> taken;
  for (const onnx::NodeProto& n : graph.node()) taken.insert(n.name());
  std::set<std::string> used;
  for (int i = 0; i < graph.node_size(); ++i) {
    onnx::NodeProto& n = *graph.mutable_node(i);
    std::string name = n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
    if (used.count(name) || (n.name().empty() && taken.count(name))) {
      const std::string base = name;
      for (int k = 2; used.count(name) || taken.count(name); ++k)
        name = base + "_" + std::to_string(k);
    }
    used.insert(name);
    n.set_name(name);
  }
}

namespace {

// Why `node` cannot be converted at `opset`, or "" when it can.
std::string unsupported_reason(const onnx::NodeProto& node, int64_t opset) {
  const OpSupport* op = find_op(node);
  if (!op) return "unsupported";
  if (op->part_of(opset)) return "";
  if (opset < op->first_opset)
    return "from opset " + std::to_string(op->first_opset) + " on";
  return "removed after opset " + std::to_string(op->last_opset);
}

}  // namespace

void check_supported_ops(const onnx::GraphProto& graph, int64_t opset) {
  std::vector<std::string> listed;
  std::set<std::string> ops;
  size_t count = 0;
  for (const onnx::NodeProto& n : graph.node()) {
    const std::string reason = unsupported_reason(n, opset);
    if (reason.empty()) continue;
    ++count;
    std::string label = node_label(n);
    ops.insert(label.substr(label.find(" (") + 2, label.size() - label.find(" (") - 3));
    if (reason != "unsupported") {
      label.pop_back();  // the ')'
      label += ": " + reason + ", the model is opset " + std::to_string(opset) + ")";
    }
    if (listed.size() < kMaxListed) listed.push_back(label);
  }
  if (!count) return;
  std::string message = "onnx: unsupported ops: ";
  for (size_t i = 0; i < listed.size(); ++i) message += (i ? ", " : "") + listed[i];
  if (count > listed.size()) {
    message += ", and " + std::to_string(count - listed.size()) + " more nodes (ops: ";
    bool first = true;
    for (const std::string& op : ops) {
      message += (first ? "" : ", ") + op;
      first = false;
    }
    message += ")";
  }
  fail_input(message);
}

void check_runnable_forms(const Graph& graph) {
  std::string listed;
  for (const Node& n : graph.nodes) {
    const auto* ln = std::get_if<LayerNormAttrs>(&n.attrs);
    const Shape& shape = graph.shape_of(n.output);
    if (!ln || layer_norm_axis_is_innermost(ln->axis, shape.rank())) continue;
    listed += std::string(listed.empty() ? "" : ", ") + "node '" + n.name + "' (" +
              shape.str() + ")";
  }
  if (listed.empty()) return;
  fail_input("onnx: LayerNormalization over the last axis of a rank-4 tensor runs only on a "
             "channels-last map, a Transpose (0,2,3,1) of an NCHW map (ConvNeXt's and Swin's "
             "layers); not so: " + listed);
}

std::vector<int> check_and_sort(const onnx::GraphProto& graph) {
  const int n = graph.node_size();
  // Where each name comes from: -1 for graph inputs and initializers.
  std::map<std::string, int> producer;
  for (const onnx::ValueInfoProto& v : graph.input()) producer[v.name()] = -1;
  for (const onnx::TensorProto& t : graph.initializer()) producer[t.name()] = -1;
  for (const onnx::SparseTensorProto& t : graph.sparse_initializer())
    producer[t.values().name()] = -1;
  for (int i = 0; i < n; ++i) {
    const onnx::NodeProto& node = graph.node(i);
    if (node.output_size() == 0 || node.output(0).empty()) fail_node(node, "has no output");
    for (const std::string& out : node.output()) {
      if (out.empty()) continue;
      auto [it, inserted] = producer.emplace(out, i);
      if (inserted) continue;
      if (it->second < 0)
        fail_node(node, "output '" + out + "' has the name of a graph input or initializer");
      fail_node(node,
                "output '" + out + "' is also produced by " + node_label(graph.node(it->second)));
    }
  }
  std::vector<std::vector<int>> successors(n);
  std::vector<int> indegree(n, 0);
  for (int i = 0; i < n; ++i) {
    const onnx::NodeProto& node = graph.node(i);
    for (const std::string& in : node.input()) {
      if (in.empty()) continue;
      auto it = producer.find(in);
      if (it == producer.end()) fail_node(node, "input '" + in + "' is not defined");
      if (it->second >= 0) {
        successors[it->second].push_back(i);
        ++indegree[i];
      }
    }
  }
  for (const onnx::ValueInfoProto& v : graph.output())
    if (!producer.count(v.name()))
      fail_input("onnx: graph output '" + v.name() + "' is not produced by any node");

  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (indegree[i] == 0) ready.push(i);
  std::vector<int> order;
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int s : successors[i])
      if (--indegree[s] == 0) ready.push(s);
  }
  if (static_cast<int>(order.size()) == n) return order;

  // Walk back through unsorted predecessors until a node repeats: it lies on a
  // cycle, and the walk from its first visit is the cycle (reversed).
  std::vector<int> walk;
  std::vector<int> seen(n, -1);
  int at = 0;
  while (indegree[at] == 0) ++at;
  while (seen[at] < 0) {
    seen[at] = static_cast<int>(walk.size());
    walk.push_back(at);
    for (const std::string& in : graph.node(at).input()) {
      auto it = producer.find(in);
      if (!in.empty() && it->second >= 0 && indegree[it->second] > 0) {
        at = it->second;
        break;
      }
    }
  }
  // Reversed, the walk runs along the data flow and ends at `at`; start there.
  std::vector<int> cycle(walk.begin() + seen[at], walk.end());
  std::reverse(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), cycle.end() - 1, cycle.end());
  constexpr size_t kMaxPath = 8;
  std::string path;
  for (size_t k = 0; k < cycle.size() && k < kMaxPath; ++k)
    path += "'" + graph.node(cycle[k]).name() + "' -> ";
  if (cycle.size() > kMaxPath)
    path += "... (" + std::to_string(cycle.size()) + " nodes in all) -> ";
  path += "'" + graph.node(cycle.front()).name() + "'";
  fail_input("onnx: " + node_label(graph.node(at)) + " is on a cycle: " + path);
}

}  // namespace edgeflow::onnx_import
