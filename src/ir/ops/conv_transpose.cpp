// ConvTranspose: a transposed 2-D convolution.
#include <algorithm>

#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
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

// Input row i writes output rows [i*s - p, i*s - p + extent).
RowMap rows(const Graph& graph, const Node& node, int input) {
  const Window& w = std::get<ConvTransposeAttrs>(node.attrs).window;
  RowMap m = window_rows(graph, node, input, w);
  m.kind = RowMap::Kind::kTransposedWindow;
  return m;
}

double flops(const Graph& graph, const Node& node) {
  const auto& a = std::get<ConvTransposeAttrs>(node.attrs);
  return 2.0 * input_elements(graph, node, 0) * static_cast<double>(a.weight.size()) /
         static_cast<double>(a.weight.shape().dims.at(0));
}

}  // namespace

const OpDescriptor& conv_transpose_op() {
  static const OpDescriptor d{OpKind::kConvTranspose, "ConvTranspose", infer_shape, never_whole, rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail
