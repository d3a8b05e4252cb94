// GlobalAveragePool and GlobalMaxPool (whole input): the mean or the maximum
// over H x W per channel of an NHWC map, as one pass over the pixels folding
// each pixel's channel vector into the output. Plain loops: oneDNN 2.6 has
// only its reference implementation of these reductions (ref:any), which
// took 0.3-1.9 ms per model here, for what is a read of the map at memory
// speed (tests/bench/single.sh).
#include <algorithm>

#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

namespace {

struct MeanOfPixels {
  static void fold(float& acc, float x) { acc += x; }
  static void finish(float* dst, int64_t channels, int64_t pixels) {
    const float scale = 1.0f / static_cast<float>(pixels);
    for (int64_t c = 0; c < channels; ++c) dst[c] *= scale;
  }
};

struct MaxOfPixels {
  static void fold(float& acc, float x) { acc = std::max(acc, x); }
  static void finish(float*, int64_t, int64_t) {}
};

template <typename Reduction>
class GlobalPoolKernel : public Kernel {
 public:
  GlobalPoolKernel(int64_t pixels, int64_t channels) : pixels_(pixels), channels_(channels) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* src = inputs.at(0);
    std::copy(src, src + channels_, dst);  // pixel 0
    src += channels_;
    for (int64_t p = 1; p < pixels_; ++p, src += channels_)
      for (int64_t c = 0; c < channels_; ++c) Reduction::fold(dst[c], src[c]);
    Reduction::finish(dst, channels_, pixels_);
  }

 private:
  int64_t pixels_, channels_;
};

template <typename Reduction>
KernelPtr make_global_pool_kernel(const Graph& graph, const Node& node, RowRange out) {
  const Shape& in_shape = graph.shape_of(node.inputs.at(0));
  const Shape& out_shape = graph.shape_of(node.output);
  EF_ASSERT(in_shape.is_feature_map() && out_shape.is_feature_map() && out.size() == 1);
  EF_ASSERT(out_shape.channels() == in_shape.channels());
  return std::make_unique<GlobalPoolKernel<Reduction>>(in_shape.height() * in_shape.width(),
                                                       in_shape.channels());
}

}  // namespace

KernelPtr make_global_average_pool_kernel(const OnednnContext&, const Graph& graph,
                                          const Node& node, RowRange out) {
  return make_global_pool_kernel<MeanOfPixels>(graph, node, out);
}

KernelPtr make_global_max_pool_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                      RowRange out) {
  return make_global_pool_kernel<MaxOfPixels>(graph, node, out);
}

}  // namespace edgeflow::kernels
