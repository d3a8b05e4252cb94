// Shared pieces of shape inference (src/ir only): errors naming the node,
// input and attribute checks, window and concat shapes, ONNX broadcasting
// (shape_checks.cpp). Each op's own inference is in its src/ir/ops/ file.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/ir.h"

namespace edgeflow::shape_detail {

// Bounds that keep shape arithmetic far from int64 overflow.
constexpr int64_t kMaxGeometry = int64_t(1) << 24;  // kernel, stride, dilation, pad
constexpr int64_t kMaxElements = int64_t(1) << 31;  // elements of one tensor

inline std::string node_label(const Node& node) {
  return "node '" + node.name + "' (" + op_name(node.op) + ")";
}

[[noreturn]] inline void fail_node(const Node& node, const std::string& message) {
  fail_input(node_label(node) + ": " + message);
}

inline std::string dims_str(int64_t a, int64_t b) {
  return std::to_string(a) + "x" + std::to_string(b);
}

inline const Shape& input_shape(const Graph& graph, const Node& node, size_t i) {
  const ValueId v = node.inputs[i];
  if (v < 0 || v >= static_cast<ValueId>(graph.values.size()))
    fail_node(node,
              "input " + std::to_string(i) + " refers to no value (id " + std::to_string(v) + ")");
  return graph.values[v].shape;
}

inline void expect_inputs(const Node& node, size_t count) {
  if (node.inputs.size() != count)
    fail_node(node, "expects " + std::to_string(count) + " input(s), has " +
                        std::to_string(node.inputs.size()));
}

inline const Shape& expect_feature_map(const Graph& graph, const Node& node, size_t i) {
  const Shape& s = input_shape(graph, node, i);
  if (s.rank() != 4 || s.dims[0] != 1)
    fail_node(node, "input '" + graph.values[node.inputs[i]].name +
                        "' must be a 1xCxHxW feature map, is " + s.str());
  return s;
}

template <typename T>
const T& attrs_of(const Node& node) {
  const T* a = std::get_if<T>(&node.attrs);
  if (!a) fail_node(node, "has attributes of the wrong kind");
  return *a;
}

void check_window(const Node& node, const Window& w);
// The activation slot of a node that can carry one (a fused activation), or nullptr.
Activation* activation_slot(Node& node);
const Activation* fused_activation(const Node& node);
// The weight tensor holds as many values as its shape says.
void check_tensor(const Node& node, const Tensor& t, const char* what);
void check_activation(const Node& node, const Activation& a);

// ONNX (numpy) broadcasting of two shapes; fails naming the node.
Dims broadcast_dims(const Node& node, const Dims& a, const Dims& b);

// The output of a conv or pool window over input 0, a feature map.
Shape window_shape(const Graph& graph, const Node& node, const Window& w, int64_t channels,
                   bool ceil_mode);
// The 1xCx1x1 output of a global pool of input 0, a feature map; no attributes.
Shape global_pool_shape(const Graph& graph, const Node& node);
// The channel concatenation of a node's feature-map inputs (of a Concat, and
// of a BatchNorm that a Concat was fused into), or of its [1, K] vectors.
Shape channel_concat_shape(const Graph& graph, const Node& node);
// Fails unless `axis` (counted from the end) is in [-rank, 0).
void check_end_axis(const Node& node, int64_t axis, size_t rank, const char* what);
// The dims of a two-operand op's operands: node inputs, and the constant at
// constant_index (-1: none).
std::vector<Dims> operand_dims(const Graph& graph, const Node& node, int constant_index,
                               const Tensor& constant);

}  // namespace edgeflow::shape_detail
