// Resize: nearest or linear resampling of H and W (Resize, Upsample).
#include <cmath>

#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ResizeAttrs& a = attrs_of<ResizeAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  if (static_cast<int>(a.mode) < 0 || a.mode > ResizeAttrs::Mode::kLinear ||
      static_cast<int>(a.coordinate) < 0 ||
      a.coordinate > ResizeAttrs::Coordinate::kTfHalfPixelForNearest ||
      static_cast<int>(a.nearest) < 0 || a.nearest > ResizeAttrs::Nearest::kSimple)
    fail_node(node, "unknown resize mode");
  const int64_t in_dims[2] = {in.dims[2], in.dims[3]}, out[2] = {a.out_h, a.out_w};
  const double scale[2] = {a.scale_h, a.scale_w};
  for (int k = 0; k < 2; ++k) {
    if (out[k] < 1 || out[k] > kMaxGeometry)
      fail_node(node, "output extent " + std::to_string(out[k]) + " is outside 1 to 2^24");
    if (a.sizes_given) continue;
    if (!(scale[k] > 0.0) || !std::isfinite(scale[k]))
      fail_node(node, "scale " + std::to_string(scale[k]) + " must be positive");
    // Compared as doubles: a huge scale must not overflow a cast to int64.
    if (double(out[k]) != std::floor(double(in_dims[k]) * scale[k]))
      fail_node(node, "output extent " + std::to_string(out[k]) + " is not floor(" +
                          std::to_string(in_dims[k]) + " * " + std::to_string(scale[k]) + ")");
  }
  return Shape({1, in.channels(), a.out_h, a.out_w});
}

// The source rows of the first and the last output row (the coordinate map
// is monotone).
RowMap rows(const Graph& graph, const Node& node, int input) {
  RowMap m = whole_rows(graph, node, input);
  m.kind = RowMap::Kind::kResize;
  m.resize = &std::get<ResizeAttrs>(node.attrs);
  return m;
}

double flops(const Graph& graph, const Node& node) { return 4.0 * output_elements(graph, node); }

}  // namespace

const OpDescriptor& resize_op() {
  static const OpDescriptor d{OpKind::kResize, "Resize", infer_shape, never_whole, rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail
