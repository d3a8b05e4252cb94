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
#include "edgeflow/ir.h"

namespace edgeflow {
namespace {

// [begin, end) clamped into [0, height], never inverted.
RowRange clamp_rows(int64_t begin, int64_t end, int64_t height) {
  const int64_t lo = std::clamp<int64_t>(begin, 0, height);
  return RowRange{lo, std::clamp<int64_t>(end, lo, height)};
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

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
    case OpKind::kConv:
    case OpKind::kPool:
    case OpKind::kAdd:
    case OpKind::kConcat:
    case OpKind::kActivation:
    case OpKind::kBatchNorm:
    case OpKind::kPad:
    case OpKind::kConvTranspose:
    case OpKind::kResize:
    case OpKind::kBinary:
    case OpKind::kMatMul:
    case OpKind::kChannelPermute:
      return false;
  }
  EF_ASSERT(false && "unknown op");
  return false;
}

namespace {

RowMap whole(int64_t in_height, int64_t out_height) {
  RowMap m;
  m.kind = RowMap::Kind::kWhole;
  m.in_height = in_height, m.out_height = out_height;
  return m;
}

RowMap window(RowMap::Kind kind, int64_t stride, int64_t offset, int64_t extent,
              int64_t in_height, int64_t out_height) {
  RowMap m;
  m.kind = kind;
  m.stride = stride, m.offset = offset, m.extent = extent;
  m.in_height = in_height, m.out_height = out_height;
  return m;
}

RowMap window_map(const Window& w, int64_t in_height, int64_t out_height) {
  return window(RowMap::Kind::kWindow, w.stride_h, w.pad_top, w.extent_h(), in_height, out_height);
}

// The same rows, or all (one) rows of an input broadcast along H.
RowMap elementwise(int64_t in_height, int64_t out_height) {
  if (in_height != out_height) return whole(in_height, out_height);
  return window(RowMap::Kind::kWindow, 1, 0, 1, in_height, out_height);
}

}  // namespace

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
  }
  EF_ASSERT(false && "unknown row map kind");
  return RowRange{};
}

RowMap row_map(const Graph& graph, const Node& node, int input_index) {
  EF_ASSERT(input_index >= 0 && input_index < static_cast<int>(node.inputs.size()));
  const int64_t in_h = graph.shape_of(node.inputs[input_index]).height();
  const int64_t out_h = graph.shape_of(node.output).height();
  if (needs_whole_input(node)) return whole(in_h, out_h);
  switch (node.op) {
    case OpKind::kConv:  // input 1, a fused residual, is elementwise
      if (input_index > 0) return elementwise(in_h, out_h);
      return window_map(std::get<ConvAttrs>(node.attrs).window, in_h, out_h);
    case OpKind::kPool: return window_map(std::get<PoolAttrs>(node.attrs).window, in_h, out_h);
    case OpKind::kConvTranspose: {
      const Window& w = std::get<ConvTransposeAttrs>(node.attrs).window;
      return window(RowMap::Kind::kTransposedWindow, w.stride_h, w.pad_top, w.extent_h(), in_h,
                    out_h);
    }
    case OpKind::kResize: {
      RowMap m = whole(in_h, out_h);
      m.kind = RowMap::Kind::kResize;
      m.resize = &std::get<ResizeAttrs>(node.attrs);
      return m;
    }
    case OpKind::kPad:
      return window(RowMap::Kind::kWindow, 1, std::get<PadAttrs>(node.attrs).top, 1, in_h, out_h);
    case OpKind::kMatMul:  // the second operand is read whole
      if (matmul_operand(std::get<MatMulAttrs>(node.attrs), input_index) == 1)
        return whole(in_h, out_h);
      return elementwise(in_h, out_h);
    case OpKind::kGlobalAveragePool:
    case OpKind::kFlatten:
    case OpKind::kGemm:
    case OpKind::kTranspose:
      return whole(in_h, out_h);
    case OpKind::kAdd:
    case OpKind::kConcat:
    case OpKind::kActivation:
    case OpKind::kBatchNorm:
    case OpKind::kBinary:
    case OpKind::kSoftmax:  // over another axis than rows (else whole, above)
    case OpKind::kReduce:   // likewise
    case OpKind::kReshape:  // row-local (else whole, above)
    case OpKind::kChannelPermute:
      return elementwise(in_h, out_h);
  }
  EF_ASSERT(false && "unknown op");
  return whole(in_h, out_h);
}

RowRange required_input_rows(const Graph& graph, const Node& node, int input_index,
                             RowRange out) {
  return row_map(graph, node, input_index).rows_read(out);
}

}  // namespace edgeflow
