// DepthToSpace and SpaceToDepth (DepthSpaceAttrs): channels to blocks of
// pixels and back. DepthToSpace's output rows in blocks of b read one input
// row each (RowMap::kBlocks); SpaceToDepth's output row r reads input rows
// [r*b, r*b + b) (a window of extent and stride b).
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

const Shape& checked_map(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const DepthSpaceAttrs& a = attrs_of<DepthSpaceAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  if (in.rank() != 4) fail_node(node, "input must be a 1xCxHxW map, is " + in.str());
  if (a.block < 1 || a.block > 4096) fail_node(node, "blocksize must be 1 to 4096");
  return in;
}

Shape depth_to_space_shape(const Graph& graph, const Node& node) {
  const Shape& in = checked_map(graph, node);
  const int64_t b = std::get<DepthSpaceAttrs>(node.attrs).block;
  if (in.dims[1] % (b * b) != 0)
    fail_node(node, "channels " + std::to_string(in.dims[1]) + " are not a multiple of " +
                        std::to_string(b * b) + " (blocksize squared)");
  return Shape({1, in.dims[1] / (b * b), in.dims[2] * b, in.dims[3] * b});
}

Shape space_to_depth_shape(const Graph& graph, const Node& node) {
  const Shape& in = checked_map(graph, node);
  const DepthSpaceAttrs& a = std::get<DepthSpaceAttrs>(node.attrs);
  if (a.crd) fail_node(node, "mode CRD is DepthToSpace's only");
  if (in.dims[2] % a.block != 0 || in.dims[3] % a.block != 0)
    fail_node(node, "blocksize " + std::to_string(a.block) + " does not divide " + in.str());
  return Shape({1, in.dims[1] * a.block * a.block, in.dims[2] / a.block, in.dims[3] / a.block});
}

RowMap depth_to_space_rows(const Graph& graph, const Node& node, int input) {
  RowMap m = whole_rows(graph, node, input);
  m.kind = RowMap::Kind::kBlocks;
  m.stride = std::get<DepthSpaceAttrs>(node.attrs).block, m.extent = 1;
  return m;
}

RowMap space_to_depth_rows(const Graph& graph, const Node& node, int input) {
  RowMap m = whole_rows(graph, node, input);
  m.kind = RowMap::Kind::kWindow;
  m.stride = m.extent = std::get<DepthSpaceAttrs>(node.attrs).block, m.offset = 0;
  return m;
}

}  // namespace

const OpDescriptor& depth_to_space_op() {
  static const OpDescriptor d{OpKind::kDepthToSpace, "DepthToSpace", depth_to_space_shape,
                              never_whole, depth_to_space_rows, flops_per_element};
  return d;
}

const OpDescriptor& space_to_depth_op() {
  static const OpDescriptor d{OpKind::kSpaceToDepth, "SpaceToDepth", space_to_depth_shape,
                              never_whole, space_to_depth_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
