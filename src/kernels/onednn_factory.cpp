// The oneDNN kernel factory: owns the CPU engine and stream, sets the OpenMP
// thread count once, and dispatches make() to the op's maker (kernel_table.cpp).
#include <omp.h>

#include "edgeflow/error.h"
#include "kernels/kernel_table.h"

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
      return kernels::op_kernels(node.op).make(ctx_, graph, node, out);
    } catch (const dnnl::error& e) {
      fail_runtime("kernels: " + kernels::describe(node, out) + ": oneDNN: " + e.what());
    }
  }

 private:
  OnednnContext ctx_;
};

}  // namespace

std::unique_ptr<KernelFactory> make_onednn_factory(int threads) {
  return std::make_unique<OnednnFactory>(threads);
}

}  // namespace edgeflow
