// Constant Pad on a row slice, direct (no oneDNN op fits): output row r copies
// input row r - top where it exists, else it is all `value`. Within a row,
// W and C pads (negative pads crop) reduce to one copied block of channels per
// copied column:
//
//   out row:  [value ... | col iw: value.. in[iw][c0..c1) ..value | ... value]
#include <algorithm>
#include <cstring>

#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

// The part [begin, end) of an output axis of `out_size` that copies input
// index i - pad_begin of an input axis of `in_size`.
RowRange copied_span(int64_t pad_begin, int64_t in_size, int64_t out_size) {
  const int64_t begin = std::clamp<int64_t>(pad_begin, 0, out_size);
  return RowRange{begin, std::clamp<int64_t>(pad_begin + in_size, begin, out_size)};
}

class PadKernel : public Kernel {
 public:
  PadKernel(const PadAttrs& pad, const Shape& in, const Shape& out, RowRange in_rows,
            RowRange out_rows)
      : value_(pad.value),
        in_row_elements_(in.row_elements()),
        out_row_elements_(out.row_elements()),
        in_channels_(in.channels()),
        out_channels_(out.channels()),
        channel_begin_(pad.channels_begin),
        left_(pad.left),
        rows_(copied_span(pad.top, in.height(), out.height())),
        cols_(copied_span(pad.left, in.width(), out.width())),
        channels_(copied_span(pad.channels_begin, in.channels(), out.channels())),
        in_first_row_(in_rows.begin),
        out_rows_(out_rows),
        top_(pad.top) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    std::fill(dst, dst + out_rows_.size() * out_row_elements_, value_);
    const int64_t first = std::max(out_rows_.begin, rows_.begin);
    const int64_t last = std::min(out_rows_.end, rows_.end);
    const size_t bytes = static_cast<size_t>(channels_.size()) * sizeof(float);
    for (int64_t r = first; r < last; ++r) {
      const float* in_row = inputs.at(0) + (r - top_ - in_first_row_) * in_row_elements_;
      float* out_row = dst + (r - out_rows_.begin) * out_row_elements_;
      for (int64_t ow = cols_.begin; ow < cols_.end; ++ow) {
        const float* src = in_row + (ow - left_) * in_channels_ + channels_.begin - channel_begin_;
        std::memcpy(out_row + ow * out_channels_ + channels_.begin, src, bytes);
      }
    }
  }

 private:
  float value_;
  int64_t in_row_elements_, out_row_elements_, in_channels_, out_channels_;
  int64_t channel_begin_, left_;
  RowRange rows_, cols_, channels_;  // output spans that copy input
  int64_t in_first_row_;
  RowRange out_rows_;
  int64_t top_;
};

}  // namespace

KernelPtr make_pad_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                          RowRange out) {
  const Shape& in_shape = graph.shape_of(node.inputs.at(0));
  const Shape& out_shape = graph.shape_of(node.output);
  EF_ASSERT(in_shape.is_feature_map() && out_shape.is_feature_map());
  return std::make_unique<PadKernel>(std::get<PadAttrs>(node.attrs), in_shape, out_shape,
                                     required_input_rows(graph, node, 0, out), out);
}

}  // namespace edgeflow::kernels
