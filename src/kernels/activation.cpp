// Standalone activation on a row slice, as a flat vector: one oneDNN eltwise
// primitive where oneDNN has the function in one step; EdgeFlow's own loop
// for Erf (oneDNN 2.6 has only gelu_erf), Softsign, Floor, Ceil (none in
// 2.6), HardSigmoid and Selu (no eltwise of their own in 2.6; as post-ops
// linear + clip and elu + linear).
#include "kernels/elementwise.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

class ElementwiseKernel : public Kernel {
 public:
  ElementwiseKernel(const Activation& activation, size_t elements)
      : activation_(activation), elements_(elements) {}
  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* src = inputs.at(0);
    for (size_t i = 0; i < elements_; ++i) dst[i] = activate_value(src[i], activation_);
  }

 private:
  Activation activation_;
  size_t elements_;
};

}  // namespace

KernelPtr make_activation_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                 RowRange out) {
  return make_elementwise_activation(
      ctx, std::get<ActivationAttrs>(node.attrs).activation,
      out.size() * graph.shape_of(node.output).row_elements());
}

KernelPtr make_elementwise_activation(const OnednnContext& ctx, const Activation& activation,
                                      int64_t elements) {
  const std::vector<EltwiseParams> steps = eltwise_steps(activation);
  if (steps.size() != 1)
    return std::make_unique<ElementwiseKernel>(activation, static_cast<size_t>(elements));
  const dnnl::memory::desc md = flat_desc(elements);
  const EltwiseParams& p = steps[0];
  const dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, p.algorithm, md,
                                         p.alpha, p.beta);
  const dnnl::eltwise_forward::primitive_desc pd(desc, ctx.engine);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::eltwise_forward(pd));
  kernel->bind_input(DNNL_ARG_SRC, md, 0);
  kernel->bind_dst(DNNL_ARG_DST, md);
  return kernel;
}

}  // namespace edgeflow::kernels
