// Attention: multi-head scaled dot-product attention of token tensors
// q [1, T, C], k [1, S, C], v [1, S, D]. Queries are row-local; keys and
// values are read whole.
#include <cmath>

#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

const Shape& tokens(const Graph& graph, const Node& node, size_t i, const char* role) {
  const Shape& s = input_shape(graph, node, i);
  if (s.rank() != 3 || s.dims[0] != 1)
    fail_node(node, std::string(role) + " '" + graph.values[node.inputs[i]].name +
                        "' must be 1xTxC tokens, is " + s.str());
  return s;
}

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 3);
  const AttentionAttrs& a = attrs_of<AttentionAttrs>(node);
  const Shape& q = tokens(graph, node, 0, "query");
  const Shape& k = tokens(graph, node, 1, "key");
  const Shape& v = tokens(graph, node, 2, "value");
  if (a.heads < 1 || a.heads > kMaxGeometry) fail_node(node, "heads must be at least 1");
  if (!std::isfinite(a.scale)) fail_node(node, "scale is not finite");
  if (k.dims[2] != q.dims[2])
    fail_node(node, "keys " + k.str() + " and queries " + q.str() + " differ in features");
  if (v.dims[1] != k.dims[1])
    fail_node(node, "values " + v.str() + " and keys " + k.str() + " differ in tokens");
  if (q.dims[2] % a.heads != 0 || v.dims[2] % a.heads != 0)
    fail_node(node, "features of queries (" + std::to_string(q.dims[2]) + ") and values (" +
                        std::to_string(v.dims[2]) + ") must split into " +
                        std::to_string(a.heads) + " heads");
  return Shape({1, q.dims[1], v.dims[2]});
}

RowMap rows(const Graph& graph, const Node& node, int input) {
  return input == 0 ? same_rows(graph, node, input) : whole_rows(graph, node, input);
}

// Two products of T x S x features, and the softmax over S per head.
double flops(const Graph& graph, const Node& node) {
  const Shape& q = graph.shape_of(node.inputs.at(0));
  const Shape& k = graph.shape_of(node.inputs.at(1));
  const Shape& v = graph.shape_of(node.inputs.at(2));
  const double t = static_cast<double>(q.dims[1]), s = static_cast<double>(k.dims[1]);
  const double heads = static_cast<double>(std::get<AttentionAttrs>(node.attrs).heads);
  return 2.0 * t * s * static_cast<double>(q.dims[2] + v.dims[2]) + 4.0 * t * s * heads;
}

}  // namespace

const OpDescriptor& attention_op() {
  static const OpDescriptor d{OpKind::kAttention, "Attention", infer_shape, never_whole, rows,
                              flops};
  return d;
}

}  // namespace edgeflow::op_detail
