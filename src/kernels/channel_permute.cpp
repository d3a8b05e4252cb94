// Channel permute (a channel shuffle) on a row slice, EdgeFlow's own: every
// pixel's C floats gathered as out[c] = in[source[c]]. Row-local.
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

class ChannelPermuteKernel : public Kernel {
 public:
  ChannelPermuteKernel(std::vector<int64_t> source, int64_t pixels)
      : source_(std::move(source)), pixels_(pixels) {}
  void run(const std::vector<const float*>& inputs, float* dst) override {
    const int64_t channels = static_cast<int64_t>(source_.size());
    const float* src = inputs.at(0);
    for (int64_t p = 0; p < pixels_; ++p, src += channels, dst += channels)
      for (int64_t c = 0; c < channels; ++c) dst[c] = src[source_[c]];
  }

 private:
  std::vector<int64_t> source_;
  int64_t pixels_;
};

}  // namespace

KernelPtr make_channel_permute_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                      RowRange out) {
  const Shape& s = graph.shape_of(node.output);
  return std::make_unique<ChannelPermuteKernel>(std::get<ChannelPermuteAttrs>(node.attrs).source,
                                                out.size() * s.width());
}

}  // namespace edgeflow::kernels
