// Concat along channels on a row slice of NHWC feature maps (or of [1, K]
// vectors, along K): every output
// pixel is its inputs' channel vectors one after another, so the kernel walks
// the pixels and copies each input's run of channels in turn (reading every
// input and writing the output front to back). A plain loop: oneDNN 2.6's
// concat (simple:any) took 1.5-2.6x as long on the zoo's concats (densenet121
// 3.5 ms per inference), since it copies input by input with strided writes.
#include <cstring>
#include <vector>

#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

namespace {

// Below this many floats per run one thread copies (waking others costs more).
constexpr int64_t kParallelFloats = int64_t{1} << 15;

class ConcatKernel : public Kernel {
 public:
  ConcatKernel(std::vector<int64_t> channels, int64_t pixels)
      : channels_(std::move(channels)), pixels_(pixels) {
    for (int64_t c : channels_) out_channels_ += c;
  }

  void run(const std::vector<const float*>& inputs, float* dst) override {
    EF_ASSERT(inputs.size() == channels_.size());
    const int64_t count = static_cast<int64_t>(channels_.size());
#pragma omp parallel for schedule(static) if (pixels_ * out_channels_ >= kParallelFloats)
    for (int64_t p = 0; p < pixels_; ++p) {
      float* out = dst + p * out_channels_;
      for (int64_t i = 0; i < count; ++i) {
        const int64_t c = channels_[i];
        std::memcpy(out, inputs[i] + p * c, static_cast<size_t>(c) * sizeof(float));
        out += c;
      }
    }
  }

 private:
  std::vector<int64_t> channels_;  // of each input
  int64_t pixels_;                 // rows x width of the slice
  int64_t out_channels_ = 0;
};

}  // namespace

KernelPtr make_concat_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                             RowRange out) {
  EF_ASSERT(!node.inputs.empty());
  const Shape& out_shape = graph.shape_of(node.output);
  std::vector<int64_t> channels;
  for (ValueId in : node.inputs) {
    const Shape& s = graph.shape_of(in);
    EF_ASSERT(s.rank() == out_shape.rank() && (s.rank() == 2 || s.rank() == 4));
    channels.push_back(s.dims[1]);
  }
  // A [1, K] vector is one "pixel" of K channels.
  const int64_t pixels = out_shape.is_feature_map() ? out.size() * out_shape.width() : 1;
  return std::make_unique<ConcatKernel>(std::move(channels), pixels);
}

}  // namespace edgeflow::kernels
