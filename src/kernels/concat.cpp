// Concat along channels on a row slice of NHWC feature maps (or of [1, K]
// vectors, along K): every output pixel is its inputs' channel runs one after
// another, copied in that order (ChannelRuns). A plain loop: oneDNN 2.6's
// concat (simple:any) took 1.5-2.6x as long on the zoo's concats (densenet121
// 3.5 ms per inference against 2.3), since it copies input by input with
// strided writes.
#include <cstring>

#include "kernels/channel_runs.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

namespace {

class ConcatKernel : public Kernel {
 public:
  explicit ConcatKernel(ChannelRuns runs) : runs_(std::move(runs)) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    runs_.for_each(inputs, dst, [](const float* src, float* out, int64_t, int64_t count) {
      std::memcpy(out, src, static_cast<size_t>(count) * sizeof(float));
    });
  }

 private:
  ChannelRuns runs_;
};

}  // namespace

KernelPtr make_concat_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                             RowRange out) {
  EF_ASSERT(!node.inputs.empty());
  return std::make_unique<ConcatKernel>(ChannelRuns(graph, node, out));
}

}  // namespace edgeflow::kernels
