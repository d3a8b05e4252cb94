// Row maps: which input rows a range of output rows reads, one map per op
// (docs/row-and-plan-model.md).
//
//   conv / pool, output rows [a, b):
//
//   input rows   -p ... 0 ................................ H_in ... H_in+pad
//                       [lo ............................ hi)
//   windows      [s*a-p, s*a-p+e)  ...  [s*(b-1)-p, s*(b-1)-p+e)
//
//   lo = max(0, s*a - p), hi = min(H_in, s*(b-1) - p + e); whatever part of a
//   window lies outside [0, H_in) is padding (or the ceil-mode overhang).
//
//   conv transpose: input row i writes output rows [i*s - p, i*s - p + e), so
//   output rows [a, b) read lo = ceil((a + p - e + 1) / s), hi = floor((b - 1 + p) / s) + 1.
//
//   resize: the source rows the first and the last output row interpolate
//   from (the coordinate map is monotone).
//
//   broadcasting ops: an input whose H is 1 while the output's is not is read
//   whole ([0, 1)) by every slice; MatMul reads its second operand whole.
#include <algorithm>

#include "edgeflow/error.h"
#include "ir/ops/op_internal.h"

namespace edgeflow {
namespace {

// [begin, end) clamped into [0, height], never inverted.
RowRange clamp_rows(int64_t begin, int64_t end, int64_t height) {
  const int64_t lo = std::clamp<int64_t>(begin, 0, height);
  return RowRange{lo, std::clamp<int64_t>(end, lo, height)};
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

// Storage equals ONNX order: every rank but 4, and maps with C == 1 or H*W == 1.
bool plain_storage(const Shape& s) {
  return s.rank() != 4 || s.dims[1] == 1 || s.dims[2] * s.dims[3] == 1;
}

}  // namespace

bool reshape_is_row_local(const Shape& in, const Shape& out) {
  if (in.height() != out.height()) return false;
  return in == out || (plain_storage(in) && plain_storage(out));
}

bool needs_whole_input(const Node& node) { return op_descriptor(node.op).reads_whole_input(node); }

RowRange RowMap::rows_read(RowRange out) const {
  if (out.empty()) return RowRange{};
  switch (kind) {
    case Kind::kWhole: return RowRange{0, in_height};
    case Kind::kWindow:
      return clamp_rows(stride * out.begin - offset, stride * (out.end - 1) - offset + extent,
                        in_height);
    case Kind::kTransposedWindow:
      return clamp_rows(ceil_div(out.begin + offset - extent + 1, stride),
                        floor_div(out.end - 1 + offset, stride) + 1, in_height);
    case Kind::kResize: {
      const ResizeTap first = resize_tap(*resize, out.begin, in_height, out_height, resize->scale_h);
      const ResizeTap last = resize_tap(*resize, out.end - 1, in_height, out_height, resize->scale_h);
      return clamp_rows(std::min(first.i0, first.i1), std::max(last.i0, last.i1) + 1, in_height);
    }
    case Kind::kBlocks:
      return clamp_rows(out.begin / stride * extent, ceil_div(out.end, stride) * extent,
                        in_height);
  }
  EF_ASSERT(false && "unknown row map kind");
  return RowRange{};
}

RowMap row_map(const Graph& graph, const Node& node, int input_index) {
  EF_ASSERT(input_index >= 0 && input_index < static_cast<int>(node.inputs.size()));
  const OpDescriptor& op = op_descriptor(node.op);
  if (op.reads_whole_input(node)) return op_detail::whole_rows(graph, node, input_index);
  return op.row_map(graph, node, input_index);
}

RowRange required_input_rows(const Graph& graph, const Node& node, int input_index,
                             RowRange out) {
  return row_map(graph, node, input_index).rows_read(out);
}

}  // namespace edgeflow
