// ChannelGather: output feature c is input feature source[c] (a channel
// shuffle; a Split, Slice or Gather along the channels of a map or the last
// axis of tokens). Row-local.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ChannelGatherAttrs& a = attrs_of<ChannelGatherAttrs>(node);
  Shape out = input_shape(graph, node, 0);
  if (out.rank() != 4 && out.rank() != 3)
    fail_node(node, "input must be a 1xCxHxW map or 1xTxC tokens, is " + out.str());
  if (a.source.empty()) fail_node(node, "gathers no feature");
  for (int64_t c : a.source)
    if (c < 0 || c >= out.features())
      fail_node(node, "source feature " + std::to_string(c) + " is not one of the input's " +
                          std::to_string(out.features()));
  out.dims[out.feature_axis()] = static_cast<int64_t>(a.source.size());
  return out;
}

}  // namespace

const OpDescriptor& channel_gather_op() {
  static const OpDescriptor d{OpKind::kChannelGather, "ChannelGather", infer_shape, never_whole, same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
