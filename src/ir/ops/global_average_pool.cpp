// GlobalAveragePool: the mean of every channel over H and W.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  attrs_of<std::monostate>(node);
  return Shape({1, expect_feature_map(graph, node, 0).channels(), 1, 1});
}

double flops(const Graph& graph, const Node& node) { return input_elements(graph, node, 0); }

}  // namespace

const OpDescriptor& global_average_pool_op() {
  static const OpDescriptor d{OpKind::kGlobalAveragePool, "GlobalAveragePool", infer_shape, always_whole, whole_rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail
