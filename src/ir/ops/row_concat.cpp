// RowConcat: node inputs and constant blocks joined along the row axis.
// Row-local: output rows read the rows of the blocks they fall in.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

// The shape of block k (an input's or a constant's).
const Shape& block_shape(const Graph& graph, const Node& node, size_t k) {
  const RowConcatAttrs& a = std::get<RowConcatAttrs>(node.attrs);
  const int64_t part = a.parts[k];
  if (part >= 0) return input_shape(graph, node, static_cast<size_t>(part));
  return a.constants[static_cast<size_t>(-1 - part)].shape();
}

Shape infer_shape(const Graph& graph, const Node& node) {
  const RowConcatAttrs& a = attrs_of<RowConcatAttrs>(node);
  if (a.parts.empty()) fail_node(node, "joins no block");
  std::vector<int> input_uses(node.inputs.size(), 0), constant_uses(a.constants.size(), 0);
  for (int64_t part : a.parts) {
    if (part >= static_cast<int64_t>(node.inputs.size()) ||
        -1 - part >= static_cast<int64_t>(a.constants.size()))
      fail_node(node, "block " + std::to_string(part) + " is neither an input nor a constant");
    ++(part >= 0 ? input_uses[part] : constant_uses[-1 - part]);
  }
  for (int u : input_uses)
    if (u != 1) fail_node(node, "every input must be one block");
  for (int u : constant_uses)
    if (u != 1) fail_node(node, "every constant must be one block");
  for (const Tensor& c : a.constants) check_tensor(node, c, "constant block");
  Shape out = block_shape(graph, node, 0);
  if (out.rank() != 3 && out.rank() != 4)
    fail_node(node, "blocks must have rank 3 or 4, are " + out.str());
  const size_t row_axis = out.rank() - 2;
  for (size_t k = 1; k < a.parts.size(); ++k) {
    const Shape& b = block_shape(graph, node, k);
    Shape same = b;
    if (b.rank() == out.rank()) same.dims[row_axis] = out.dims[row_axis];
    if (same != out)
      fail_node(node, "block " + std::to_string(k) + " is " + b.str() +
                          ", which does not join " + out.str() + " along the rows");
    out.dims[row_axis] += b.dims[row_axis];
  }
  return out;
}

// Input i is the block starting at output row `first`: output row r reads
// its row r - first.
RowMap rows(const Graph& graph, const Node& node, int input) {
  const RowConcatAttrs& a = std::get<RowConcatAttrs>(node.attrs);
  int64_t first = 0;
  for (size_t k = 0; k < a.parts.size() && a.parts[k] != input; ++k)
    first += block_shape(graph, node, k).height();
  RowMap m = whole_rows(graph, node, input);
  m.kind = RowMap::Kind::kWindow;
  m.stride = 1, m.offset = first, m.extent = 1;
  return m;
}

}  // namespace

const OpDescriptor& row_concat_op() {
  static const OpDescriptor d{OpKind::kRowConcat, "RowConcat", infer_shape, never_whole, rows,
                              flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
