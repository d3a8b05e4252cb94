// Attention: multi-head scaled dot-product attention of token tensors
// q [1, T, C], k [1, S, C], v [1, S, D]. Queries are row-local; keys and
// values are read whole, or, windowed (block > 0), in the blocks the queries
// fall in.
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
  const int64_t t = q.dims[1], s = k.dims[1];
  if (a.block < 0 || (a.block > 0 && (t != s || t % a.block != 0)))
    fail_node(node, "blocks of " + std::to_string(a.block) + " tokens need as many queries as "
                    "keys, a multiple of it (has " + std::to_string(t) + " and " +
                    std::to_string(s) + ")");
  if (!a.bias.empty()) {
    check_tensor(node, a.bias, "bias");
    const int64_t tb = a.block > 0 ? a.block : t, sb = a.block > 0 ? a.block : s;
    const int64_t blocks = a.block > 0 ? t / a.block : 1;
    const Dims& b = a.bias.shape().dims;
    if (b.size() != 4 || (b[0] != 1 && b[0] != blocks) || b[1] != a.heads || b[2] != tb ||
        b[3] != sb)
      fail_node(node, "bias " + a.bias.shape().str() + " is not [1 or " +
                          std::to_string(blocks) + ", " + std::to_string(a.heads) + ", " +
                          std::to_string(tb) + ", " + std::to_string(sb) + "]");
  }
  return Shape({1, t, v.dims[2]});
}

RowMap rows(const Graph& graph, const Node& node, int input) {
  if (input == 0) return same_rows(graph, node, input);
  const int64_t block = std::get<AttentionAttrs>(node.attrs).block;
  RowMap m = whole_rows(graph, node, input);
  if (block > 0) m.kind = RowMap::Kind::kBlocks, m.stride = m.extent = block;
  return m;
}

// Two products of T x S x features, and the softmax over S per head (S the
// block size when windowed).
double flops(const Graph& graph, const Node& node) {
  const Shape& q = graph.shape_of(node.inputs.at(0));
  const Shape& k = graph.shape_of(node.inputs.at(1));
  const Shape& v = graph.shape_of(node.inputs.at(2));
  const AttentionAttrs& a = std::get<AttentionAttrs>(node.attrs);
  const double t = static_cast<double>(q.dims[1]);
  const double s = static_cast<double>(a.block > 0 ? a.block : k.dims[1]);
  const double heads = static_cast<double>(a.heads);
  return 2.0 * t * s * static_cast<double>(q.dims[2] + v.dims[2]) + 4.0 * t * s * heads;
}

}  // namespace

const OpDescriptor& attention_op() {
  static const OpDescriptor d{OpKind::kAttention, "Attention", infer_shape, never_whole, rows,
                              flops};
  return d;
}

}  // namespace edgeflow::op_detail
