// LRN across channels on a row slice: oneDNN's lrn_across_channels on the
// NHWC rows for an odd size (its window is centred, as ONNX's is then);
// EdgeFlow's own loop for an even size, whose ONNX window reaches one channel
// further up than down.
#include <algorithm>
#include <cmath>

#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

class EvenLrnKernel : public Kernel {
 public:
  EvenLrnKernel(const LrnAttrs& a, int64_t pixels, int64_t channels)
      : a_(a), pixels_(pixels), channels_(channels) {}
  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* src = inputs.at(0);
    const int64_t down = (a_.size - 1) / 2, up = a_.size - 1 - down;
    const float scale = a_.alpha / static_cast<float>(a_.size);
    for (int64_t p = 0; p < pixels_; ++p) {
      const float* x = src + p * channels_;
      float* y = dst + p * channels_;
      for (int64_t c = 0; c < channels_; ++c) {
        float sum = 0.0f;
        for (int64_t k = std::max<int64_t>(0, c - down); k <= std::min(channels_ - 1, c + up); ++k)
          sum += x[k] * x[k];
        y[c] = x[c] / std::pow(a_.bias + scale * sum, a_.beta);
      }
    }
  }

 private:
  LrnAttrs a_;
  int64_t pixels_, channels_;
};

}  // namespace

KernelPtr make_lrn_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                          RowRange out) {
  const LrnAttrs& a = std::get<LrnAttrs>(node.attrs);
  Dims dims = graph.shape_of(node.output).dims;
  dims[2] = out.size();
  if (a.size % 2 == 0) return std::make_unique<EvenLrnKernel>(a, dims[2] * dims[3], dims[1]);
  const dnnl::memory::desc md = storage_desc(dims);
  const dnnl::lrn_forward::desc desc(dnnl::prop_kind::forward_inference,
                                     dnnl::algorithm::lrn_across_channels, md, a.size, a.alpha,
                                     a.beta, a.bias);
  const dnnl::lrn_forward::primitive_desc pd(desc, ctx.engine);
  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::lrn_forward(pd));
  kernel->bind_input(DNNL_ARG_SRC, md, 0);
  kernel->bind_dst(DNNL_ARG_DST, md);
  return kernel;
}

}  // namespace edgeflow::kernels
