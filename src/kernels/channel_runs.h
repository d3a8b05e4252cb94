// The walk shared by kernels whose output is the channel concatenation of
// their NHWC inputs (Concat, a BatchNorm with a fused Concat): pixel by pixel,
// each input's run of channels in turn, reading every input and writing the
// output front to back. OpenMP splits the pixels of large slices.
#pragma once

#include <cstdint>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/ir.h"

namespace edgeflow::kernels {

class ChannelRuns {
 public:
  // The inputs of `node` concatenated along channels, over output rows `out`
  // (a [1, K] vector is one pixel of K channels).
  ChannelRuns(const Graph& graph, const Node& node, RowRange out) {
    const Shape& y = graph.shape_of(node.output);
    for (ValueId in : node.inputs) {
      const Shape& s = graph.shape_of(in);
      EF_ASSERT(s.rank() == y.rank() && (s.rank() == 2 || s.rank() == 4));
      channels_.push_back(s.dims[1]);
      out_channels_ += s.dims[1];
    }
    EF_ASSERT(out_channels_ == y.dims[1]);
    pixels_ = y.is_feature_map() ? out.size() * y.width() : 1;
  }

  // Calls run(src, dst, first_channel, count) for every pixel and input: the
  // input's `count` channels at `src` go to output channels [first_channel,
  // first_channel + count) at `dst`.
  template <typename Run>
  void for_each(const std::vector<const float*>& inputs, float* dst, const Run& run) const {
    EF_ASSERT(inputs.size() == channels_.size());
    const int64_t count = static_cast<int64_t>(channels_.size());
#pragma omp parallel for schedule(static) if (pixels_ * out_channels_ >= kParallelFloats)
    for (int64_t p = 0; p < pixels_; ++p) {
      float* out = dst + p * out_channels_;
      int64_t first = 0;
      for (int64_t i = 0; i < count; ++i) {
        const int64_t c = channels_[i];
        run(inputs[i] + p * c, out + first, first, c);
        first += c;
      }
    }
  }

 private:
  // Below this many floats per slice one thread does it (waking others costs more).
  static constexpr int64_t kParallelFloats = int64_t{1} << 15;

  std::vector<int64_t> channels_;  // of each input
  int64_t out_channels_ = 0;
  int64_t pixels_ = 0;  // rows x width of the slice
};

}  // namespace edgeflow::kernels
