// Conv: a 2-D convolution, with a folded BatchNorm, a fused activation and
// optionally a fused residual Add (input 1, added before the activation).
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
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

RowMap rows(const Graph& graph, const Node& node, int input) {
  if (input > 0) return same_rows(graph, node, input);  // the residual
  return window_rows(graph, node, input, std::get<ConvAttrs>(node.attrs).window);
}

double flops(const Graph& graph, const Node& node) {
  const auto& a = std::get<ConvAttrs>(node.attrs);
  const Shape& in = graph.shape_of(node.inputs.at(0));
  const double per_output =
      static_cast<double>(in.channels() / a.group) * a.window.kernel_h * a.window.kernel_w;
  const double out = output_elements(graph, node);
  return 2.0 * out * per_output + (a.residual ? out : 0.0);
}

}  // namespace

const OpDescriptor& conv_op() {
  static const OpDescriptor d{OpKind::kConv, "Conv", infer_shape, never_whole, rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail
