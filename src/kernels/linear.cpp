// A Linear layer (is_linear_layer: a MatMul by a constant [K, N] of tokens
// [1, T, K] or a vector [1, K], with its folded bias and activation) on a row
// slice: y = act(x W + b). Two oneDNN forms, the faster one per geometry
// (fastest_kernel):
//   - a 1x1 convolution of the tokens seen as an NHWC map {1, K, rows, 1}
//     (the same bytes), weights reordered once into the conv's layout, the
//     activation a vectorized post-op;
//   - a matmul with packed weights and the bias inside, the activation a
//     separate in-place eltwise (as a matmul post-op, oneDNN 2.6's gemm:jit
//     ran GELU at 10 ms a call on vit_b_16's MLP, a third of the layer).
// On this AVX2 host the conv won on vit_b_16's layers (see the bench).
#include <omp.h>

#include "edgeflow/error.h"
#include "kernels/kernel_choice.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

namespace {

// The primitive, then the activation in place on its output.
class MatMulThenActivation : public Kernel {
 public:
  MatMulThenActivation(KernelPtr matmul, KernelPtr activation)
      : matmul_(std::move(matmul)), activation_(std::move(activation)) {}
  void run(const std::vector<const float*>& inputs, float* dst) override {
    matmul_->run(inputs, dst);
    if (activation_) activation_->run({dst}, dst);
  }

 private:
  KernelPtr matmul_, activation_;
};

struct LinearGeometry {
  int64_t rows, k, n;
};

KernelPtr conv_form(const OnednnContext& ctx, const MatMulAttrs& m, const LinearGeometry& g) {
  const memory::desc src_md({1, g.k, g.rows, 1}, memory::data_type::f32, memory::format_tag::nhwc);
  const memory::desc dst_md({1, g.n, g.rows, 1}, memory::data_type::f32, memory::format_tag::nhwc);
  const memory::desc user_wei_md({g.n, g.k, 1, 1}, memory::data_type::f32,
                                 memory::format_tag::ihwo);  // [K, N] is I x O
  const memory::desc any_wei_md({g.n, g.k, 1, 1}, memory::data_type::f32, memory::format_tag::any);
  const memory::desc bias_md({g.n}, memory::data_type::f32, memory::format_tag::a);
  const dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md, any_wei_md,
      bias_md, dst_md, {1, 1}, {0, 0}, {0, 0}, {0, 0});
  const dnnl::convolution_forward::primitive_desc pd(desc, activation_attr(m.activation),
                                                     ctx.engine);
  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::convolution_forward(pd));
  kernel->bind_input(DNNL_ARG_SRC, src_md, 0);
  kernel->bind_constant(DNNL_ARG_WEIGHTS,
                        reordered_constant(ctx, user_wei_md, m.constant.data(), pd.weights_desc()));
  const std::vector<float> bias = m.bias.empty() ? std::vector<float>(g.n, 0.0f) : m.bias;
  kernel->bind_constant(DNNL_ARG_BIAS, constant_memory(ctx, bias_md, bias.data()));
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  return kernel;
}

KernelPtr matmul_form(const OnednnContext& ctx, const MatMulAttrs& m, const LinearGeometry& g) {
  const memory::desc src_md({g.rows, g.k}, memory::data_type::f32, memory::format_tag::ab);
  const memory::desc dst_md({g.rows, g.n}, memory::data_type::f32, memory::format_tag::ab);
  const memory::desc user_wei_md({g.k, g.n}, memory::data_type::f32, memory::format_tag::ab);
  const memory::desc any_wei_md({g.k, g.n}, memory::data_type::f32, memory::format_tag::any);
  const memory::desc bias_md({1, g.n}, memory::data_type::f32, memory::format_tag::ab);
  const dnnl::matmul::primitive_desc pd(
      dnnl::matmul::desc(src_md, any_wei_md, m.bias.empty() ? memory::desc() : bias_md, dst_md),
      ctx.engine);
  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::matmul(pd));
  kernel->bind_input(DNNL_ARG_SRC, src_md, 0);
  kernel->bind_constant(DNNL_ARG_WEIGHTS,
                        reordered_constant(ctx, user_wei_md, m.constant.data(), pd.weights_desc()));
  if (!m.bias.empty())
    kernel->bind_constant(DNNL_ARG_BIAS, constant_memory(ctx, bias_md, m.bias.data()));
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  KernelPtr activation;
  if (!m.activation.none())
    activation = make_elementwise_activation(ctx, m.activation, g.rows * g.n);
  return std::make_unique<MatMulThenActivation>(std::move(kernel), std::move(activation));
}

}  // namespace

KernelPtr make_linear_kernel(const OnednnContext& ctx, const Graph&, const Node& node,
                             RowRange out) {
  const MatMulAttrs& m = std::get<MatMulAttrs>(node.attrs);
  const LinearGeometry g{out.size(), m.constant.shape().dims[0], m.constant.shape().dims[1]};
  const std::vector<KernelCandidate> candidates = {
      {"oneDNN 1x1 convolution", [&] { return conv_form(ctx, m, g); }},
      {"oneDNN matmul", [&] { return matmul_form(ctx, m, g); }}};
  const std::string key = "linear," + std::to_string(g.rows) + "," + std::to_string(g.k) + "," +
                          std::to_string(g.n) + "," + activation_name(m.activation.kind) +
                          ",threads " + std::to_string(omp_get_max_threads());
  return fastest_kernel(candidates, key, {static_cast<size_t>(g.rows * g.k)},
                        static_cast<size_t>(g.rows * g.n));
}

}  // namespace edgeflow::kernels
