// Tile (TileAttrs): the input repeated along its dims. Repeating the rows
// reads every input row (kWhole); otherwise output rows read their own.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const TileAttrs& a = attrs_of<TileAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  if (a.repeats.size() != in.rank())
    fail_node(node, "has " + std::to_string(a.repeats.size()) + " repeats for the rank-" +
                        std::to_string(in.rank()) + " input " + in.str());
  if (a.repeats[0] != 1) fail_node(node, "repeats N (batch 1 only)");
  Shape out = in;
  double elements = 1;
  for (size_t i = 0; i < in.rank(); ++i) {
    if (a.repeats[i] < 1 || a.repeats[i] > kMaxElements)
      fail_node(node, "repeat " + std::to_string(a.repeats[i]) + " of dim " + std::to_string(i) +
                          " is not in 1..2^31");
    out.dims[i] *= a.repeats[i];
    elements *= double(out.dims[i]);
  }
  if (elements > double(kMaxElements))
    fail_node(node, "output " + out.str() + " holds more than 2^31 elements");
  return out;
}

RowMap rows(const Graph& graph, const Node& node, int input) {
  const Shape& in = graph.shape_of(node.inputs.at(input));
  return in.height() == graph.shape_of(node.output).height() ? same_rows(graph, node, input)
                                                             : whole_rows(graph, node, input);
}

}  // namespace

const OpDescriptor& tile_op() {
  static const OpDescriptor d{OpKind::kTile, "Tile", infer_shape, never_whole, rows,
                              flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
