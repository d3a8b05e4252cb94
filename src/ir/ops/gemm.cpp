// Gemm: y = x * W^T + b on a [1, K] vector, then an activation.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
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

double flops(const Graph&, const Node& node) {
  return 2.0 * static_cast<double>(std::get<GemmAttrs>(node.attrs).weight.size());
}

}  // namespace

const OpDescriptor& gemm_op() {
  static const OpDescriptor d{OpKind::kGemm, "Gemm", infer_shape, always_whole, whole_rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail
