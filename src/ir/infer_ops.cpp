// Shape inference and attribute checks of the ops added for modern mobile,
// segmentation and detection CNNs: ConvTranspose, Resize, broadcasting binary
// ops, Softmax, reductions, MatMul, Transpose, Reshape and channel permutes.
#include <algorithm>
#include <cmath>
#include <set>

#include "ir/shape_internal.h"

namespace edgeflow::shape_detail {
namespace {

std::string text(const Dims& d) { return Shape(d).str(); }

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

}  // namespace

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

Shape conv_transpose_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ConvTransposeAttrs& a = attrs_of<ConvTransposeAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  const Window& w = a.window;
  check_window(node, w);
  check_tensor(node, a.weight, "weight");
  const Dims& wd = a.weight.shape().dims;
  if (wd.size() != 4) fail_node(node, "weight must be CxOxKHxKW, is " + a.weight.shape().str());
  if (a.group < 1 || a.group > kMaxGeometry)
    fail_node(node, "group " + std::to_string(a.group) + " must be positive");
  if (wd[0] != in.channels() || in.channels() % a.group != 0)
    fail_node(node, "weight " + a.weight.shape().str() + " with group " + std::to_string(a.group) +
                        " does not fit " + std::to_string(in.channels()) + " input channels");
  if (wd[2] != w.kernel_h || wd[3] != w.kernel_w)
    fail_node(node, "kernel " + dims_str(w.kernel_h, w.kernel_w) + " does not match weight " +
                        a.weight.shape().str());
  const int64_t out_channels = wd[1] * a.group;
  if (static_cast<int64_t>(a.bias.size()) != out_channels)
    fail_node(node, "bias has " + std::to_string(a.bias.size()) + " values for " +
                        std::to_string(out_channels) + " output channels");
  const int64_t op[2] = {a.output_padding_h, a.output_padding_w};
  const int64_t stride[2] = {w.stride_h, w.stride_w}, dilation[2] = {w.dilation_h, w.dilation_w};
  for (int k = 0; k < 2; ++k)
    if (op[k] < 0 || op[k] >= std::max(stride[k], dilation[k]))
      fail_node(node, "output padding " + std::to_string(op[k]) +
                          " must be below the stride or the dilation");
  const int64_t h = w.stride_h * (in.dims[2] - 1) + w.extent_h() - w.pad_top - w.pad_bottom + op[0];
  const int64_t wd_out =
      w.stride_w * (in.dims[3] - 1) + w.extent_w() - w.pad_left - w.pad_right + op[1];
  if (h < 1 || wd_out < 1)
    fail_node(node, "pads leave an empty output " + dims_str(h, wd_out));
  return Shape({1, out_channels, h, wd_out});
}

Shape resize_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ResizeAttrs& a = attrs_of<ResizeAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  if (static_cast<int>(a.mode) < 0 || a.mode > ResizeAttrs::Mode::kLinear ||
      static_cast<int>(a.coordinate) < 0 ||
      a.coordinate > ResizeAttrs::Coordinate::kTfHalfPixelForNearest ||
      static_cast<int>(a.nearest) < 0 || a.nearest > ResizeAttrs::Nearest::kSimple)
    fail_node(node, "unknown resize mode");
  const int64_t in_dims[2] = {in.dims[2], in.dims[3]}, out[2] = {a.out_h, a.out_w};
  const double scale[2] = {a.scale_h, a.scale_w};
  for (int k = 0; k < 2; ++k) {
    if (out[k] < 1 || out[k] > kMaxGeometry)
      fail_node(node, "output extent " + std::to_string(out[k]) + " is outside 1 to 2^24");
    if (a.sizes_given) continue;
    if (!(scale[k] > 0.0) || !std::isfinite(scale[k]))
      fail_node(node, "scale " + std::to_string(scale[k]) + " must be positive");
    // Compared as doubles: a huge scale must not overflow a cast to int64.
    if (double(out[k]) != std::floor(double(in_dims[k]) * scale[k]))
      fail_node(node, "output extent " + std::to_string(out[k]) + " is not floor(" +
                          std::to_string(in_dims[k]) + " * " + std::to_string(scale[k]) + ")");
  }
  return Shape({1, in.channels(), a.out_h, a.out_w});
}

Shape binary_shape(const Graph& graph, const Node& node) {
  const BinaryAttrs& a = attrs_of<BinaryAttrs>(node);
  if (static_cast<int>(a.kind) < 0 || a.kind > BinaryAttrs::Kind::kPow)
    fail_node(node, "unknown binary op");
  const std::vector<Dims> d = operand_dims(graph, node, a.constant_index, a.constant);
  const Dims out = broadcast_dims(node, d[0], d[1]);
  if (a.constant_index >= 0 && a.constant.shape().rank() != out.size())
    fail_node(node, "constant operand " + a.constant.shape().str() + " is not of rank " +
                        std::to_string(out.size()));
  return Shape(out);
}

Shape softmax_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const SoftmaxAttrs& a = attrs_of<SoftmaxAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  check_end_axis(node, a.axis, in.rank(), "axis");
  return in;
}

Shape reduce_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ReduceAttrs& a = attrs_of<ReduceAttrs>(node);
  if (static_cast<int>(a.kind) < 0 || a.kind > ReduceAttrs::Kind::kSum)
    fail_node(node, "unknown reduction");
  Shape out = input_shape(graph, node, 0);
  if (a.axes.empty()) fail_node(node, "has no axes");
  for (size_t i = 0; i < a.axes.size(); ++i) {
    check_end_axis(node, a.axes[i], out.rank(), "axis");
    if (i > 0 && a.axes[i] <= a.axes[i - 1]) fail_node(node, "axes are not sorted and distinct");
    out.dims[out.rank() + a.axes[i]] = 1;
  }
  return out;
}

Shape matmul_shape(const Graph& graph, const Node& node) {
  const MatMulAttrs& a = attrs_of<MatMulAttrs>(node);
  const std::vector<Dims> d = operand_dims(graph, node, a.constant_index, a.constant);
  const Dims& x = d[0];
  const Dims& y = d[1];
  if (x.size() < 2 || y.size() < 2)
    fail_node(node, "operands " + text(x) + " and " + text(y) + " must have rank 2 or more");
  if (x.back() != y[y.size() - 2])
    fail_node(node, "operands " + text(x) + " and " + text(y) + " do not multiply");
  Dims out = broadcast_dims(node, Dims(x.begin(), x.end() - 2), Dims(y.begin(), y.end() - 2));
  out.push_back(x[x.size() - 2]);
  out.push_back(y.back());
  return Shape(out);
}

Shape transpose_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const TransposeAttrs& a = attrs_of<TransposeAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  std::set<int64_t> seen;
  for (int64_t p : a.perm)
    if (p < 0 || p >= static_cast<int64_t>(in.rank()) || !seen.insert(p).second)
      fail_node(node, "perm is not a permutation of the input's " + std::to_string(in.rank()) +
                          " dims");
  if (a.perm.size() != in.rank()) fail_node(node, "perm has the wrong length");
  Dims out;
  for (int64_t p : a.perm) out.push_back(in.dims[p]);
  return Shape(out);
}

Shape reshape_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ReshapeAttrs& a = attrs_of<ReshapeAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  const Shape out(a.dims);
  int64_t n = 1;
  for (int64_t d : a.dims) {
    if (d < 1 || d > kMaxElements || n * d > kMaxElements)
      fail_node(node, "target " + out.str() + " is empty or too large");
    n *= d;
  }
  if (n != in.elements())
    fail_node(node, "cannot reshape " + in.str() + " to " + out.str());
  if (a.row_local != reshape_is_row_local(in, out))
    fail_node(node, "row-locality flag does not match the shapes");
  return out;
}

Shape channel_permute_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ChannelPermuteAttrs& a = attrs_of<ChannelPermuteAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  std::vector<bool> seen(static_cast<size_t>(in.channels()), false);
  if (static_cast<int64_t>(a.source.size()) != in.channels())
    fail_node(node, "permutes " + std::to_string(a.source.size()) + " channels of " +
                        std::to_string(in.channels()));
  for (int64_t c : a.source) {
    if (c < 0 || c >= in.channels() || seen[c])
      fail_node(node, "source channels are not a permutation");
    seen[c] = true;
  }
  return in;
}

}  // namespace edgeflow::shape_detail
