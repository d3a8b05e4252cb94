// Shared pieces of shape inference (src/ir only): errors naming the node,
// input and attribute checks, and ONNX broadcasting.
#pragma once

#include <string>
#include <variant>

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

// Shape inference of the ops of infer_ops.cpp.
Shape conv_transpose_shape(const Graph& graph, const Node& node);
Shape resize_shape(const Graph& graph, const Node& node);
Shape binary_shape(const Graph& graph, const Node& node);
Shape softmax_shape(const Graph& graph, const Node& node);
Shape reduce_shape(const Graph& graph, const Node& node);
Shape matmul_shape(const Graph& graph, const Node& node);
Shape transpose_shape(const Graph& graph, const Node& node);
Shape reshape_shape(const Graph& graph, const Node& node);
Shape channel_permute_shape(const Graph& graph, const Node& node);

}  // namespace edgeflow::shape_detail
