// ChannelPermute: output channel c is input channel source[c] (a channel
// shuffle, from a Reshape -> Transpose -> Reshape that only regroups channels).
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ChannelPermuteAttrs& a = attrs_of<ChannelPermuteAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  std::vector<bool> seen(static_cast<size_t>(in.channels()), false);
  if (static_cast<int64_t>(a.source.size()) != in.channels())
    fail_node(node, "permutes " + std::to_string(a.source.size()) + " channels of " +
                        std::to_string(in.channels()));
  for (int64_t c : a.source) {
    if (c < 0 || c >= in.channels() || seen[c])
      fail_node(node, "source channels are not a permutation");
    seen[c] = true;
  }
  return in;
}

}  // namespace

const OpDescriptor& channel_permute_op() {
  static const OpDescriptor d{OpKind::kChannelPermute, "ChannelPermute", infer_shape, never_whole, same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
