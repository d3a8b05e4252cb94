// Whole-input kernels vs the reference: GlobalAveragePool, GlobalMaxPool,
// Flatten (NHWC to NCHW order) and Gemm on a [1, K] vector, each asked for
// its full output.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

TEST(KernelGlobalAveragePool, MatchesReference) {
  std::mt19937 rng(51);
  for (int config = 0; config < 30; ++config) {
    const Graph g = global_average_pool_graph(random_map_shape(rng));
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelGlobalMaxPool, MatchesReference) {
  std::mt19937 rng(57);
  for (int config = 0; config < 30; ++config) {
    const Graph g = global_max_pool_graph(random_map_shape(rng));
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelGlobalMaxPool, TakesTheLargestOfEachChannel) {
  const Graph g = global_max_pool_graph(map_shape(2, 2, 1));
  // NHWC: (h0: c0 c1) (h1: c0 c1); channel 0 holds -3 and -1, channel 1 5 and 2.
  Tensor x(g.input_shape(), {-3.0f, 5.0f, -1.0f, 2.0f});
  const Tensor y = reference_forward(g, g.nodes[0], {&x});
  EXPECT_EQ(y.values(), std::vector<float>({-1.0f, 5.0f}));
}

TEST(KernelFlatten, NhwcToNchwOrderMatchesReference) {
  std::mt19937 rng(52);
  for (int config = 0; config < 30; ++config) {
    const Shape in =
        coin(rng, 0.15) ? vector_shape(uniform_int(rng, 1, 100)) : random_map_shape(rng);
    const Graph g = flatten_graph(in);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelFlatten, OrderIsNchw) {
  const Graph g = flatten_graph(map_shape(2, 1, 2));
  // NHWC storage: (w0: c0 c1) (w1: c0 c1) = 1 2 3 4 -> NCHW: c0: 1 3, c1: 2 4.
  const Tensor x(map_shape(2, 1, 2), std::vector<float>{1, 2, 3, 4});
  std::vector<float> out(4);
  onednn_factory().make(g, g.nodes[0], {0, 1})->run({x.data()}, out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 3, 2, 4}));
  EXPECT_EQ(reference_forward(g, g.nodes[0], {&x}).values(), out);
}

TEST(KernelGemm, MatchesReference) {
  std::mt19937 rng(53);
  for (int config = 0; config < 30; ++config) {
    const int64_t k = uniform_int(rng, 1, 400);
    const int64_t n = uniform_int(rng, 1, 60);
    GemmAttrs gemm;
    gemm.weight = random_weights(Shape({n, k}), k, rng);
    gemm.bias = random_values(static_cast<size_t>(n), rng);
    gemm.activation = random_activation(rng);
    const Graph g = gemm_graph(k, std::move(gemm));
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

}  // namespace
}  // namespace edgeflow::test
