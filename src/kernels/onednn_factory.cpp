// The oneDNN kernel factory: owns the CPU engine and stream, sets the OpenMP
// thread count once, and dispatches make() to the per-op makers.
#include <omp.h>

#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow {
namespace {

using kernels::KernelPtr;
using kernels::OnednnContext;

class OnednnFactory : public KernelFactory {
 public:
  explicit OnednnFactory(int threads) {
    EF_ASSERT(threads >= 1);
    omp_set_num_threads(threads);
    ctx_.engine = dnnl::engine(dnnl::engine::kind::cpu, 0);
    ctx_.stream = dnnl::stream(ctx_.engine);
  }

  KernelPtr make(const Graph& graph, const Node& node, RowRange out) override {
    const int64_t height = graph.shape_of(node.output).height();
    EF_ASSERT(!out.empty() && out.begin >= 0 && out.end <= height);
    EF_ASSERT(!needs_whole_input(node) || (out.begin == 0 && out.end == height));
    try {
      return make_for_op(graph, node, out);
    } catch (const dnnl::error& e) {
      fail_runtime("kernels: " + kernels::describe(node, out) + ": oneDNN: " + e.what());
    }
  }

 private:
  KernelPtr make_for_op(const Graph& graph, const Node& node, RowRange out) {
    switch (node.op) {
      case OpKind::kConv: return kernels::make_conv_kernel(ctx_, graph, node, out);
      case OpKind::kPool: return kernels::make_pool_kernel(ctx_, graph, node, out);
      case OpKind::kGlobalAveragePool:
        return kernels::make_global_average_pool_kernel(ctx_, graph, node, out);
      case OpKind::kAdd: return kernels::make_add_kernel(ctx_, graph, node, out);
      case OpKind::kConcat: return kernels::make_concat_kernel(ctx_, graph, node, out);
      case OpKind::kActivation: return kernels::make_activation_kernel(ctx_, graph, node, out);
      case OpKind::kBatchNorm: return kernels::make_batch_norm_kernel(ctx_, graph, node, out);
      case OpKind::kPad: return kernels::make_pad_kernel(ctx_, graph, node, out);
      case OpKind::kFlatten: return kernels::make_flatten_kernel(ctx_, graph, node, out);
      case OpKind::kGemm: return kernels::make_gemm_kernel(ctx_, graph, node, out);
      case OpKind::kConvTranspose:
        return kernels::make_conv_transpose_kernel(ctx_, graph, node, out);
      case OpKind::kResize: return kernels::make_resize_kernel(ctx_, graph, node, out);
      case OpKind::kBinary: return kernels::make_binary_kernel(ctx_, graph, node, out);
      case OpKind::kSoftmax: return kernels::make_softmax_kernel(ctx_, graph, node, out);
      case OpKind::kReduce: return kernels::make_reduce_kernel(ctx_, graph, node, out);
      case OpKind::kMatMul: return kernels::make_matmul_kernel(ctx_, graph, node, out);
      case OpKind::kTranspose: return kernels::make_transpose_kernel(ctx_, graph, node, out);
      case OpKind::kReshape: return kernels::make_reshape_kernel(ctx_, graph, node, out);
      case OpKind::kChannelPermute:
        return kernels::make_channel_permute_kernel(ctx_, graph, node, out);
    }
    EF_ASSERT(false && "unknown op");
    return nullptr;
  }

  OnednnContext ctx_;
};

}  // namespace

std::unique_ptr<KernelFactory> make_onednn_factory(int threads) {
  return std::make_unique<OnednnFactory>(threads);
}

}  // namespace edgeflow
