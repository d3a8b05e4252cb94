// Checks and shape arithmetic shared by the ops' shape inference (src/ir/ops/).
#include <algorithm>
#include <cmath>

#include "ir/shape_internal.h"

namespace edgeflow::shape_detail {
namespace {

std::string text(const Dims& d) { return Shape(d).str(); }

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

}  // namespace

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

Shape global_pool_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  attrs_of<std::monostate>(node);
  return Shape({1, expect_feature_map(graph, node, 0).channels(), 1, 1});
}

// The channel concatenation of a node's feature-map inputs (of a Concat, and
// of a BatchNorm that a Concat was fused into).
namespace {

// [1, K] vectors joined along K (the shards of a Gemm, shard_gemms).
Shape vector_concat_shape(const Graph& graph, const Node& node) {
  Shape out({1, 0});
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const Shape& s = graph.shape_of(node.inputs[i]);
    if (s.rank() != 2 || s.dims[0] != 1)
      fail_node(node, "input '" + graph.values[node.inputs[i]].name + "' is " + s.str() +
                          ", expected a 1xK vector like the first");
    out.dims[1] += s.dims[1];
  }
  return out;
}

}  // namespace

Shape channel_concat_shape(const Graph& graph, const Node& node) {
  if (node.inputs.empty()) fail_node(node, "has no inputs");
  if (graph.shape_of(node.inputs[0]).rank() == 2) return vector_concat_shape(graph, node);
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

// Axes counted from the end, as SoftmaxAttrs/ReduceAttrs hold them.
void check_end_axis(const Node& node, int64_t axis, size_t rank, const char* what) {
  if (axis >= 0 || axis < -static_cast<int64_t>(rank))
    fail_node(node, std::string(what) + " " + std::to_string(axis) +
                        " is outside [-rank, 0) for rank " + std::to_string(rank));
}

// The shapes of a two-operand op's operands: node inputs, and the constant
// at constant_index.
std::vector<Dims> operand_dims(const Graph& graph, const Node& node, int constant_index,
                               const Tensor& constant) {
  if (constant_index < -1 || constant_index > 1)
    fail_node(node, "constant index " + std::to_string(constant_index) + " is not -1, 0 or 1");
  expect_inputs(node, constant_index < 0 ? 2 : 1);
  std::vector<Dims> dims;
  size_t next = 0;
  for (int k = 0; k < 2; ++k) {
    if (k == constant_index) {
      check_tensor(node, constant, "constant operand");
      if (constant.shape().rank() == 0) fail_node(node, "the constant operand has no dims");
      dims.push_back(constant.shape().dims);
    } else {
      dims.push_back(input_shape(graph, node, next++).dims);
    }
  }
  if (constant_index < 0 && !constant.shape().dims.empty())
    fail_node(node, "holds a constant but names no operand for it");
  return dims;
}

void check_tensor(const Node& node, const Tensor& t, const char* what) {
  int64_t n = 1;
  for (int64_t d : t.shape().dims) {
    if (d < 1 || d > kMaxElements || n * d > kMaxElements)
      fail_node(node, std::string(what) + " " + t.shape().str() + " is empty or too large");
    n *= d;
  }
  if (static_cast<int64_t>(t.size()) != n)
    fail_node(node, std::string(what) + " holds " + std::to_string(t.size()) +
                        " values for shape " + t.shape().str());
}

void check_activation(const Node& node, const Activation& a) {
  if (static_cast<int>(a.kind) < 0 || a.kind > Activation::kLastKind)
    fail_node(node, "unknown activation kind " + std::to_string(static_cast<int>(a.kind)));
  for (float v : {a.alpha, a.beta})
    if (!std::isfinite(v)) fail_node(node, "activation parameter is not finite");
  if (a.kind == Activation::Kind::kClip && (std::isnan(a.min) || std::isnan(a.max)))
    fail_node(node, "Clip bound is NaN");
}

Dims broadcast_dims(const Node& node, const Dims& a, const Dims& b) {
  Dims out(std::max(a.size(), b.size()), 1);
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t x = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const int64_t y = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (x != y && x != 1 && y != 1)
      fail_node(node, "shapes " + text(a) + " and " + text(b) + " do not broadcast");
    out[i] = x == 1 ? y : x;
  }
  return out;
}

}  // namespace edgeflow::shape_detail
