// Row maps: which input rows a range of output rows reads (DESIGN.md section 2).
//
//   conv / pool, output rows [a, b):
//
//   input rows   -p ... 0 ................................ H_in ... H_in+pad
//                       [lo ............................ hi)
//   windows      [s*a-p, s*a-p+e)  ...  [s*(b-1)-p, s*(b-1)-p+e)
//
//   lo = max(0, s*a - p), hi = min(H_in, s*(b-1) - p + e); whatever part of a
//   window lies outside [0, H_in) is padding (or the ceil-mode overhang).
#include <algorithm>

#include "edgeflow/error.h"
#include "edgeflow/ir.h"

namespace edgeflow {
namespace {

// [begin, end) clamped into [0, height], never inverted.
RowRange clamp_rows(int64_t begin, int64_t end, int64_t height) {
  const int64_t lo = std::clamp<int64_t>(begin, 0, height);
  return RowRange{lo, std::clamp<int64_t>(end, lo, height)};
}

RowRange window_rows(const Window& w, int64_t in_height, RowRange out) {
  const int64_t first = w.stride_h * out.begin - w.pad_top;
  const int64_t last_end = w.stride_h * (out.end - 1) - w.pad_top + w.extent_h();
  return clamp_rows(first, last_end, in_height);
}

}  // namespace

bool needs_whole_input(const Node& node) {
  switch (node.op) {
    case OpKind::kGemm:
    case OpKind::kFlatten:
    case OpKind::kGlobalAveragePool:
      return true;
    default:
      return false;
  }
}

RowRange required_input_rows(const Graph& graph, const Node& node, int input_index,
                             RowRange out) {
  EF_ASSERT(input_index >= 0 && input_index < static_cast<int>(node.inputs.size()));
  if (out.empty()) return RowRange{};
  const int64_t in_height = graph.shape_of(node.inputs[input_index]).height();
  if (needs_whole_input(node)) return RowRange{0, in_height};
  switch (node.op) {
    case OpKind::kConv:
      return window_rows(std::get<ConvAttrs>(node.attrs).window, in_height, out);
    case OpKind::kPool:
      return window_rows(std::get<PoolAttrs>(node.attrs).window, in_height, out);
    case OpKind::kPad: {
      const int64_t top = std::get<PadAttrs>(node.attrs).top;
      return clamp_rows(out.begin - top, out.end - top, in_height);
    }
    default:  // elementwise, Concat, Activation, BatchNorm: the same rows
      return clamp_rows(out.begin, out.end, in_height);
  }
}

}  // namespace edgeflow
