// Channel gather (a channel shuffle, split, slice or gather) on a row slice,
// EdgeFlow's own: every pixel's output channels out[c] = in[source[c]] (a
// token's features, for [1, T, C] tokens: the innermost storage axis).
// Where the source channels come in runs (a slice: one run per pixel) each
// run is one copy; where they do not (a shuffle: runs of 1) a plain indexed
// loop is faster than a call per run. Row-local.
#include <algorithm>
#include <cstdint>

#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

struct Run {
  int64_t source = 0, length = 0;  // input channels [source, source + length)
};

std::vector<Run> consecutive_runs(const std::vector<int64_t>& source) {
  std::vector<Run> runs;
  for (int64_t c : source) {
    if (!runs.empty() && runs.back().source + runs.back().length == c)
      ++runs.back().length;
    else
      runs.push_back({c, 1});
  }
  return runs;
}

// Runs shorter than this on average are gathered element by element.
constexpr size_t kMinMeanRun = 8;

class ChannelGatherKernel : public Kernel {
 public:
  ChannelGatherKernel(const std::vector<int64_t>& source, int64_t in_channels, int64_t pixels)
      : runs_(consecutive_runs(source)),
        index_(source.begin(), source.end()),
        in_channels_(in_channels),
        pixels_(pixels) {
    if (runs_.size() * kMinMeanRun <= source.size()) index_.clear();
  }
  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* src = inputs.at(0);
    const int32_t* index = index_.data();
    const size_t n = index_.size();
    for (int64_t p = 0; p < pixels_; ++p, src += in_channels_) {
      if (n) {
        for (size_t c = 0; c < n; ++c) dst[c] = src[index[c]];
        dst += n;
      } else {
        for (const Run& r : runs_) dst = std::copy_n(src + r.source, r.length, dst);
      }
    }
  }

 private:
  std::vector<Run> runs_;
  std::vector<int32_t> index_;  // empty: copy by runs
  int64_t in_channels_, pixels_;
};

}  // namespace

KernelPtr make_channel_gather_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                     RowRange out) {
  // Positions per row: the width of a map, 1 for tokens (a row is one token).
  const Shape& s = graph.shape_of(node.output);
  return std::make_unique<ChannelGatherKernel>(std::get<ChannelGatherAttrs>(node.attrs).source,
                                               graph.shape_of(node.inputs[0]).features(),
                                               out.size() * (s.row_elements() / s.features()));
}

}  // namespace edgeflow::kernels
