// GlobalAveragePool (whole input): mean over H x W per channel of an NHWC
// map, as one pass over the pixels adding each pixel's channel vector into
// the output. A plain loop: oneDNN 2.6 has only its reference implementation
// of this reduction (ref:any), which took 0.3-1.9 ms per model here, for
// what is a read of the map at memory speed (tests/bench/single.sh).
#include <algorithm>

#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

namespace {

class GlobalAveragePoolKernel : public Kernel {
 public:
  GlobalAveragePoolKernel(int64_t pixels, int64_t channels)
      : pixels_(pixels), channels_(channels) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* src = inputs.at(0);
    std::fill(dst, dst + channels_, 0.0f);
    for (int64_t p = 0; p < pixels_; ++p, src += channels_)
      for (int64_t c = 0; c < channels_; ++c) dst[c] += src[c];
    const float scale = 1.0f / static_cast<float>(pixels_);
    for (int64_t c = 0; c < channels_; ++c) dst[c] *= scale;
  }

 private:
  int64_t pixels_, channels_;
};

}  // namespace

KernelPtr make_global_average_pool_kernel(const OnednnContext&, const Graph& graph,
                                          const Node& node, RowRange out) {
  const Shape& in_shape = graph.shape_of(node.inputs.at(0));
  const Shape& out_shape = graph.shape_of(node.output);
  EF_ASSERT(in_shape.is_feature_map() && out_shape.is_feature_map() && out.size() == 1);
  EF_ASSERT(out_shape.channels() == in_shape.channels());
  return std::make_unique<GlobalAveragePoolKernel>(in_shape.height() * in_shape.width(),
                                                   in_shape.channels());
}

}  // namespace edgeflow::kernels
