// LRN: local response normalization across the channels of a map (ONNX
// LRN, AlexNet's and GoogLeNet's). Row-local.
#include <cmath>

#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const LrnAttrs& a = attrs_of<LrnAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  if (in.rank() != 4) fail_node(node, "input must be a 1xCxHxW map, is " + in.str());
  if (a.size < 1 || a.size > kMaxGeometry) fail_node(node, "size must be 1 to 2^24");
  if (!std::isfinite(a.alpha) || !std::isfinite(a.beta) || !std::isfinite(a.bias))
    fail_node(node, "alpha, beta and bias must be finite");
  return in;
}

// The sum of `size` squares and the power per element.
double flops(const Graph& graph, const Node& node) {
  const double size = static_cast<double>(std::get<LrnAttrs>(node.attrs).size);
  return (2.0 * size + 4.0) * output_elements(graph, node);
}

}  // namespace

const OpDescriptor& lrn_op() {
  static const OpDescriptor d{OpKind::kLrn, "LRN", infer_shape, never_whole, same_rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail
