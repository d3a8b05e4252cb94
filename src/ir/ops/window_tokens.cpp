// WindowPartition and WindowReverse (WindowTokensAttrs): a map [1, C, H, W]
// and its pixels as tokens [1, H*W, C] ordered window by window. A band of
// window_h map rows holds the windows of W*window_h consecutive tokens, so
// either way rows map in blocks (RowMap::kBlocks): a slice of tokens reads
// the map rows of the window bands it touches, a slice of map rows the
// tokens of its bands.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

void check_windows(const Node& node, const WindowTokensAttrs& a) {
  if (a.window_h < 1 || a.window_w < 1 || a.height < 1 || a.width < 1 ||
      a.height > kMaxGeometry || a.width > kMaxGeometry || a.height % a.window_h != 0 ||
      a.width % a.window_w != 0)
    fail_node(node, "windows of " + std::to_string(a.window_h) + "x" +
                        std::to_string(a.window_w) + " do not tile a " + std::to_string(a.height) +
                        "x" + std::to_string(a.width) + " map");
}

Shape partition_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const WindowTokensAttrs& a = attrs_of<WindowTokensAttrs>(node);
  check_windows(node, a);
  const Shape& in = input_shape(graph, node, 0);
  if (in.rank() != 4 || in.dims[2] != a.height || in.dims[3] != a.width)
    fail_node(node, "input must be a 1xCx" + std::to_string(a.height) + "x" +
                        std::to_string(a.width) + " map, is " + in.str());
  return Shape({1, a.height * a.width, in.dims[1]});
}

Shape reverse_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const WindowTokensAttrs& a = attrs_of<WindowTokensAttrs>(node);
  check_windows(node, a);
  const Shape& in = input_shape(graph, node, 0);
  if (in.rank() != 3 || in.dims[1] != a.height * a.width)
    fail_node(node, "input must be 1x" + std::to_string(a.height * a.width) + "xC tokens, is " +
                        in.str());
  return Shape({1, in.dims[2], a.height, a.width});
}

RowMap blocks(const Graph& graph, const Node& node, int input, int64_t out_block,
              int64_t in_block) {
  RowMap m = whole_rows(graph, node, input);
  m.kind = RowMap::Kind::kBlocks;
  m.stride = out_block, m.extent = in_block;
  return m;
}

// Output tokens in bands of width*window_h read map rows in bands of window_h.
RowMap partition_rows(const Graph& graph, const Node& node, int input) {
  const auto& a = std::get<WindowTokensAttrs>(node.attrs);
  return blocks(graph, node, input, a.width * a.window_h, a.window_h);
}

RowMap reverse_rows(const Graph& graph, const Node& node, int input) {
  const auto& a = std::get<WindowTokensAttrs>(node.attrs);
  return blocks(graph, node, input, a.window_h, a.width * a.window_h);
}

}  // namespace

const OpDescriptor& window_partition_op() {
  static const OpDescriptor d{OpKind::kWindowPartition, "WindowPartition", partition_shape,
                              never_whole, partition_rows, flops_per_element};
  return d;
}

const OpDescriptor& window_reverse_op() {
  static const OpDescriptor d{OpKind::kWindowReverse, "WindowReverse", reverse_shape,
                              never_whole, reverse_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
