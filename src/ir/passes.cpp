// Shape inference of one node (the original ops here, the others in
// infer_ops.cpp) and the graph validator. The rewrites are in rewrites.cpp.
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"
#include "ir/shape_internal.h"

namespace edgeflow {

namespace shape_detail {

void check_window(const Node& node, const Window& w) {
  for (int64_t v : {w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, w.dilation_h, w.dilation_w,
                    w.pad_top, w.pad_left, w.pad_bottom, w.pad_right})
    if (v > kMaxGeometry) fail_node(node, "window geometry " + std::to_string(v) + " exceeds 2^24");
  if (w.kernel_h < 1 || w.kernel_w < 1)
    fail_node(node, "kernel " + dims_str(w.kernel_h, w.kernel_w) + " is empty");
  if (w.stride_h < 1 || w.stride_w < 1)
    fail_node(node, "strides " + dims_str(w.stride_h, w.stride_w) + " must be positive");
  if (w.dilation_h < 1 || w.dilation_w < 1)
    fail_node(node, "dilations " + dims_str(w.dilation_h, w.dilation_w) + " must be positive");
  if (w.pad_top < 0 || w.pad_left < 0 || w.pad_bottom < 0 || w.pad_right < 0)
    fail_node(node, "pads must not be negative");
}

}  // namespace shape_detail

namespace {

using namespace shape_detail;

// Output extent of one spatial axis. Ceil mode follows PyTorch and ONNX
// Runtime: the last window must start inside the input or its begin padding.
int64_t window_output(const Node& node, const char* axis, int64_t in, int64_t pad_begin,
                      int64_t pad_end, int64_t extent, int64_t stride, bool ceil_mode) {
  const int64_t span = in + pad_begin + pad_end - extent;
  if (span < 0)
    fail_node(node, std::string("window of extent ") + std::to_string(extent) +
                        " exceeds the padded input " + axis + " " +
                        std::to_string(in + pad_begin + pad_end));
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

Shape window_shape(const Graph& graph, const Node& node, const Window& w, int64_t channels,
                   bool ceil_mode) {
  const Shape& in = expect_feature_map(graph, node, 0);
  check_window(node, w);
  const int64_t h = window_output(node, "height", in.dims[2], w.pad_top, w.pad_bottom, w.extent_h(),
                                  w.stride_h, ceil_mode);
  const int64_t wd = window_output(node, "width", in.dims[3], w.pad_left, w.pad_right, w.extent_w(),
                                   w.stride_w, ceil_mode);
  return Shape({1, channels, h, wd});
}

Shape conv_shape(const Graph& graph, const Node& node) {
  const ConvAttrs& a = attrs_of<ConvAttrs>(node);
  expect_inputs(node, a.residual ? 2 : 1);
  const Shape& in = expect_feature_map(graph, node, 0);
  const Dims& wd = a.weight.shape().dims;
  if (wd.size() != 4) fail_node(node, "weight must be OxIxKHxKW, is " + a.weight.shape().str());
  if (static_cast<int64_t>(a.weight.size()) != a.weight.shape().elements())
    fail_node(node, "weight holds " + std::to_string(a.weight.size()) + " values for shape " +
                        a.weight.shape().str());
  if (a.group < 1) fail_node(node, "group " + std::to_string(a.group) + " must be positive");
  if (wd[0] % a.group != 0)
    fail_node(node, "output channels " + std::to_string(wd[0]) + " are not divisible by group " +
                        std::to_string(a.group));
  if (wd[1] * a.group != in.channels())
    fail_node(node, "weight " + a.weight.shape().str() + " with group " + std::to_string(a.group) +
                        " expects " + std::to_string(wd[1] * a.group) +
                        " input channels, input has " + std::to_string(in.channels()));
  if (wd[2] != a.window.kernel_h || wd[3] != a.window.kernel_w)
    fail_node(node, "kernel " + dims_str(a.window.kernel_h, a.window.kernel_w) +
                        " does not match weight " + a.weight.shape().str());
  if (static_cast<int64_t>(a.bias.size()) != wd[0])
    fail_node(node, "bias has " + std::to_string(a.bias.size()) + " values for " +
                        std::to_string(wd[0]) + " output channels");
  const Shape out = window_shape(graph, node, a.window, wd[0], false);
  if (a.residual && !a.window.pads_within_extent())
    fail_node(node, "a fused residual needs pads smaller than the kernel " +
                        dims_str(a.window.kernel_h, a.window.kernel_w));
  if (a.residual && input_shape(graph, node, 1) != out)
    fail_node(node, "residual input " + input_shape(graph, node, 1).str() +
                        " differs from the output " + out.str());
  return out;
}

Shape pool_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const PoolAttrs& a = attrs_of<PoolAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  const Window& w = a.window;
  check_window(node, w);
  if (!w.pads_within_extent())
    fail_node(node, "pads must be smaller than the kernel " + dims_str(w.kernel_h, w.kernel_w));
  return window_shape(graph, node, w, in.channels(), a.ceil_mode);
}

// The channel concatenation of a node's feature-map inputs (of a Concat, and
// of a BatchNorm that a Concat was fused into).
Shape channel_concat_shape(const Graph& graph, const Node& node) {
  if (node.inputs.empty()) fail_node(node, "has no inputs");
  Shape out = expect_feature_map(graph, node, 0);
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const Shape& s = expect_feature_map(graph, node, i);
    if (s.dims[2] != out.dims[2] || s.dims[3] != out.dims[3])
      fail_node(node, "input '" + graph.values[node.inputs[i]].name + "' is " + s.str() +
                          ", expected height x width " + dims_str(out.dims[2], out.dims[3]));
    out.dims[1] += s.dims[1];
  }
  return out;
}

Shape concat_shape(const Graph& graph, const Node& node) {
  if (!std::holds_alternative<std::monostate>(node.attrs))
    fail_node(node, "has attributes of the wrong kind");
  return channel_concat_shape(graph, node);
}

Shape pad_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const PadAttrs& a = attrs_of<PadAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  for (int64_t p : {a.channels_begin, a.channels_end, a.top, a.bottom, a.left, a.right}) {
    if (p < 0) fail_node(node, "pads must not be negative");
    if (p > kMaxGeometry) fail_node(node, "pad " + std::to_string(p) + " exceeds 2^24");
  }
  return Shape({1, in.dims[1] + a.channels_begin + a.channels_end, in.dims[2] + a.top + a.bottom,
                in.dims[3] + a.left + a.right});
}

Shape gemm_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const GemmAttrs& a = attrs_of<GemmAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  if (in.rank() != 2 || in.dims[0] != 1) fail_node(node, "input must be 1xK, is " + in.str());
  const Dims& wd = a.weight.shape().dims;
  if (wd.size() != 2 || wd[1] != in.dims[1])
    fail_node(node, "weight " + a.weight.shape().str() + " does not fit input " + in.str() +
                        " (expected Nx" + std::to_string(in.dims[1]) + ")");
  if (static_cast<int64_t>(a.weight.size()) != a.weight.shape().elements())
    fail_node(node, "weight holds " + std::to_string(a.weight.size()) + " values for shape " +
                        a.weight.shape().str());
  if (static_cast<int64_t>(a.bias.size()) != wd[0])
    fail_node(node, "bias has " + std::to_string(a.bias.size()) + " values for " +
                        std::to_string(wd[0]) + " outputs");
  return Shape({1, wd[0]});
}

void validate_structure(const Graph& graph) {
  const int values = static_cast<int>(graph.values.size());
  const int nodes = static_cast<int>(graph.nodes.size());
  auto in_range = [&](ValueId v) { return v >= 0 && v < values; };
  if (!in_range(graph.input)) fail_input("the graph input refers to no value");
  const Value& input = graph.values[graph.input];
  if (input.producer != -1) fail_input("the graph input '" + input.name + "' has a producer");
  if (input.shape.rank() != 4 || input.shape.dims[0] != 1)
    fail_input("the graph input '" + input.name + "' must be 1xCxHxW, is " + input.shape.str());
  int64_t elements = 1;
  for (int64_t d : input.shape.dims) {
    if (d < 1 || d > kMaxElements || elements * d > kMaxElements)
      fail_input("the graph input '" + input.name +
                 "' is empty or has more than 2^31 elements: " + input.shape.str());
    elements *= d;
  }
  if (graph.outputs.empty()) fail_input("the graph has no outputs");
  for (ValueId v : graph.outputs) {
    if (!in_range(v))
      fail_input("a graph output refers to no value (id " + std::to_string(v) + ")");
    if (graph.values[v].producer < 0)
      fail_input("graph output '" + graph.values[v].name + "' is produced by no node");
  }
  for (int v = 0; v < values; ++v) {
    const int p = graph.values[v].producer;
    if (p < -1 || p >= nodes || (p >= 0 && graph.nodes[p].output != v))
      fail_input("value '" + graph.values[v].name + "' names the wrong producer");
  }
  std::set<std::string> names;
  for (int i = 0; i < nodes; ++i) {
    const Node& n = graph.nodes[i];
    if (n.name.empty())
      fail_input("node " + std::to_string(i) + " (" + op_name(n.op) + ") has no name");
    if (!names.insert(n.name).second) fail_node(n, "has the name of another node");
    if (!in_range(n.output)) fail_node(n, "output refers to no value");
    if (graph.values[n.output].producer != i)
      fail_node(n, "output '" + graph.values[n.output].name + "' names another producer");
    for (ValueId v : n.inputs) {
      if (!in_range(v)) fail_node(n, "an input refers to no value (id " + std::to_string(v) + ")");
      const int p = graph.values[v].producer;
      if (p < 0 && v != graph.input)
        fail_node(n, "input '" + graph.values[v].name + "' is produced by no node");
      if (p >= i)
        fail_node(n, "input '" + graph.values[v].name +
                         "' is produced later (nodes are not in topological order)");
    }
  }
}

// The shape, unless one of its dims or its element count is out of bounds, or
// it is not a tensor the runtime can hold (rank 2 to 4, N = 1).
Shape bounded(const Node& node, Shape shape) {
  if (shape.rank() < 2 || shape.rank() > 4 || shape.dims[0] != 1)
    fail_node(node, "output " + shape.str() +
                        " is not supported: computed tensors have rank 2 to 4 and N = 1");
  int64_t elements = 1;
  for (int64_t d : shape.dims) {
    if (d < 1 || d > kMaxElements || elements * d > kMaxElements)
      fail_node(node, "output " + shape.str() + " is empty or has more than 2^31 elements");
    elements *= d;
  }
  return shape;
}

Shape infer_unbounded(const Graph& graph, const Node& node) {
  switch (node.op) {
    case OpKind::kConv: return conv_shape(graph, node);
    case OpKind::kPool: return pool_shape(graph, node);
    case OpKind::kGlobalAveragePool: {
      expect_inputs(node, 1);
      attrs_of<std::monostate>(node);
      return Shape({1, expect_feature_map(graph, node, 0).channels(), 1, 1});
    }
    case OpKind::kAdd: {
      expect_inputs(node, 2);
      attrs_of<AddAttrs>(node);
      const Shape& a = input_shape(graph, node, 0);
      const Shape& b = input_shape(graph, node, 1);
      if (a != b) fail_node(node, "inputs differ in shape: " + a.str() + " and " + b.str());
      return a;
    }
    case OpKind::kConcat: return concat_shape(graph, node);
    case OpKind::kActivation: {
      expect_inputs(node, 1);
      const Activation& a = attrs_of<ActivationAttrs>(node).activation;
      if (a.none()) fail_node(node, "has no activation");
      check_activation(node, a);
      return input_shape(graph, node, 0);
    }
    case OpKind::kBatchNorm: {  // of its inputs' channel concatenation
      const BatchNormAttrs& a = attrs_of<BatchNormAttrs>(node);
      const Shape in = channel_concat_shape(graph, node);
      if (node.inputs.size() > 1 && !a.activation.none() &&
          a.activation.kind != Activation::Kind::kRelu)
        fail_node(node, std::string("with a fused Concat allows no activation but Relu, has ") +
                            activation_name(a.activation.kind));
      if (static_cast<int64_t>(a.scale.size()) != in.channels() ||
          static_cast<int64_t>(a.shift.size()) != in.channels())
        fail_node(node, "scale/shift have " + std::to_string(a.scale.size()) + "/" +
                            std::to_string(a.shift.size()) + " values for " +
                            std::to_string(in.channels()) + " channels");
      return in;
    }
    case OpKind::kPad: return pad_shape(graph, node);
    case OpKind::kFlatten: {
      expect_inputs(node, 1);
      attrs_of<std::monostate>(node);
      const Shape& in = expect_feature_map(graph, node, 0);
      return Shape({1, in.elements()});
    }
    case OpKind::kGemm: return gemm_shape(graph, node);
    case OpKind::kConvTranspose: return conv_transpose_shape(graph, node);
    case OpKind::kResize: return resize_shape(graph, node);
    case OpKind::kBinary: return binary_shape(graph, node);
    case OpKind::kSoftmax: return softmax_shape(graph, node);
    case OpKind::kReduce: return reduce_shape(graph, node);
    case OpKind::kMatMul: return matmul_shape(graph, node);
    case OpKind::kTranspose: return transpose_shape(graph, node);
    case OpKind::kReshape: return reshape_shape(graph, node);
    case OpKind::kChannelPermute: return channel_permute_shape(graph, node);
  }
  fail_node(node, "unknown op");
}

}  // namespace

Shape infer_output_shape(const Graph& graph, const Node& node) {
  Shape shape = bounded(node, infer_unbounded(graph, node));
  if (const Activation* a = fused_activation(node)) {
    check_activation(node, *a);
    if (!a->fusable())
      fail_node(node, std::string("activation ") + activation_name(a->kind) + " cannot be fused");
  }
  return shape;
}

void validate_graph(const Graph& graph) {
  try {
    validate_structure(graph);
    for (const Node& n : graph.nodes) {
      const Shape expected = infer_output_shape(graph, n);
      const Value& out = graph.values[n.output];
      if (out.shape != expected)
        fail_node(n, "output '" + out.name + "' is stored as " + out.shape.str() +
                         ", the op gives " + expected.str());
    }
  } catch (const Error& e) {
    fail_input(std::string("invalid graph: ") + e.what());
  }
}

}  // namespace edgeflow
