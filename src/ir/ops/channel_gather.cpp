// ChannelGather: output channel c is input channel source[c] (a channel
// shuffle; a Split, Slice or Gather along the channels). Row-local.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ChannelGatherAttrs& a = attrs_of<ChannelGatherAttrs>(node);
  Shape out = expect_feature_map(graph, node, 0);
  if (a.source.empty()) fail_node(node, "gathers no channel");
  for (int64_t c : a.source)
    if (c < 0 || c >= out.channels())
      fail_node(node, "source channel " + std::to_string(c) + " is not one of the input's " +
                          std::to_string(out.channels()));
  out.dims[1] = static_cast<int64_t>(a.source.size());
  return out;
}

}  // namespace

const OpDescriptor& channel_gather_op() {
  static const OpDescriptor d{OpKind::kChannelGather, "ChannelGather", infer_shape, never_whole, same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
