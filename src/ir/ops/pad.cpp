// Pad: constant padding of C, H and W (negative pads crop).
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
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

// Output row r is input row r - top.
RowMap rows(const Graph& graph, const Node& node, int input) {
  RowMap m = same_rows(graph, node, input);
  m.kind = RowMap::Kind::kWindow, m.stride = 1, m.extent = 1;
  m.offset = std::get<PadAttrs>(node.attrs).top;
  return m;
}

}  // namespace

const OpDescriptor& pad_op() {
  static const OpDescriptor d{OpKind::kPad, "Pad", infer_shape, never_whole, rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
