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

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

RowRange transposed_window_rows(const Window& w, int64_t in_height, RowRange out) {
  const int64_t lo = ceil_div(out.begin + w.pad_top - w.extent_h() + 1, w.stride_h);
  const int64_t hi = floor_div(out.end - 1 + w.pad_top, w.stride_h) + 1;
  return clamp_rows(lo, hi, in_height);
}

RowRange resize_rows(const ResizeAttrs& r, int64_t in_height, int64_t out_height, RowRange out) {
  const ResizeTap first = resize_tap(r, out.begin, in_height, out_height, r.scale_h);
  const ResizeTap last = resize_tap(r, out.end - 1, in_height, out_height, r.scale_h);
  return clamp_rows(std::min(first.i0, first.i1), std::max(last.i0, last.i1) + 1, in_height);
}

// The operand of a MatMul that node input `input_index` is (0: A, 1: B).
int matmul_operand(const MatMulAttrs& m, int input_index) {
  return m.constant_index == 0 ? 1 : input_index;
}

bool is_whole_softmax(const SoftmaxAttrs& s) {
  return s.coerced ? s.axis <= kRowAxisFromEnd : s.axis == kRowAxisFromEnd;
}

// Storage equals ONNX order: every rank but 4, and maps with C == 1 or H*W == 1.
bool plain_storage(const Shape& s) {
  return s.rank() != 4 || s.dims[1] == 1 || s.dims[2] * s.dims[3] == 1;
}

}  // namespace

bool reshape_is_row_local(const Shape& in, const Shape& out) {
  if (in.height() != out.height()) return false;
  return in == out || (plain_storage(in) && plain_storage(out));
}

bool needs_whole_input(const Node& node) {
  switch (node.op) {
    case OpKind::kGemm:
    case OpKind::kFlatten:
    case OpKind::kGlobalAveragePool:
    case OpKind::kTranspose:
      return true;
    case OpKind::kReshape:
      return !std::get<ReshapeAttrs>(node.attrs).row_local;
    case OpKind::kSoftmax:
      return is_whole_softmax(std::get<SoftmaxAttrs>(node.attrs));
    case OpKind::kReduce: {
      const auto& axes = std::get<ReduceAttrs>(node.attrs).axes;
      return std::find(axes.begin(), axes.end(), kRowAxisFromEnd) != axes.end();
    }
    default:
      return false;
  }
}

RowRange required_input_rows(const Graph& graph, const Node& node, int input_index,
                             RowRange out) {
  EF_ASSERT(input_index >= 0 && input_index < static_cast<int>(node.inputs.size()));
  if (out.empty()) return RowRange{};
  const int64_t in_height = graph.shape_of(node.inputs[input_index]).height();
  const int64_t out_height = graph.shape_of(node.output).height();
  if (needs_whole_input(node)) return RowRange{0, in_height};
  switch (node.op) {
    case OpKind::kConv:  // input 1, a fused residual, is elementwise (below)
      if (input_index == 0)
        return window_rows(std::get<ConvAttrs>(node.attrs).window, in_height, out);
      break;
    case OpKind::kPool:
      return window_rows(std::get<PoolAttrs>(node.attrs).window, in_height, out);
    case OpKind::kConvTranspose:
      return transposed_window_rows(std::get<ConvTransposeAttrs>(node.attrs).window, in_height,
                                    out);
    case OpKind::kResize:
      return resize_rows(std::get<ResizeAttrs>(node.attrs), in_height, out_height, out);
    case OpKind::kPad: {
      const int64_t top = std::get<PadAttrs>(node.attrs).top;
      return clamp_rows(out.begin - top, out.end - top, in_height);
    }
    case OpKind::kMatMul:
      if (matmul_operand(std::get<MatMulAttrs>(node.attrs), input_index) == 1)
        return RowRange{0, in_height};
      break;
    default:
      break;
  }
  // Elementwise, Concat, Activation, BatchNorm, ...: the same rows, or all
  // (one) rows of an input broadcast along H.
  if (in_height != out_height) return RowRange{0, in_height};
  return clamp_rows(out.begin, out.end, in_height);
}

}  // namespace edgeflow
