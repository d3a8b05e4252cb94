// LayerNorm kernels vs the reference: over the channels of maps (the axis a
// channels-last layer normalizes once its Transposes are gone) and the last
// dim of [1, T, C] tokens and [1, K] vectors, whole and as row slices; and a
// hand-computed case.
#include <cmath>

#include "kernel_check.h"

namespace edgeflow::test {
namespace {

Graph layer_norm_graph(const Shape& x, int64_t axis, std::mt19937& rng) {
  LayerNormAttrs a;
  a.axis = axis;
  a.epsilon = uniform_int(rng, 0, 1) ? 1e-6f : 1e-5f;
  const size_t n = static_cast<size_t>(x.dims[x.rank() + axis]);
  a.scale = random_values(n, rng, 0.5f, 1.5f);
  a.shift = random_values(n, rng, -0.5f, 0.5f);
  return inferred_graph(OpKind::kLayerNorm, {x}, a);
}

TEST(KernelLayerNorm, NormalizesTheInnermostAxisOfMapsTokensAndVectors) {
  std::mt19937 rng(17);
  for (int config = 0; config < 60; ++config) {
    const int kind = static_cast<int>(uniform_int(rng, 0, 5));
    const Shape x = kind < 4   ? random_map_shape(rng)
                    : kind < 5 ? Shape({1, uniform_int(rng, 1, 12), uniform_int(rng, 1, 40)})
                               : Shape({1, uniform_int(rng, 1, 64)});
    const Graph g = layer_norm_graph(x, x.rank() == 4 ? -3 : -1, rng);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng, -3.0f, 3.0f);
  }
}

TEST(KernelLayerNorm, EachPixelsChannelsGetMeanZeroAndUnitVarianceThenTheAffineMap) {
  LayerNormAttrs a;
  a.axis = -3;
  a.epsilon = 0.0f;
  a.scale = {2.0f, 1.0f};
  a.shift = {0.0f, 10.0f};
  const Graph g = inferred_graph(OpKind::kLayerNorm, {map_shape(2, 1, 2)}, a);
  // NHWC: pixel 0 (c0 1, c1 3) -> (-1, 1); pixel 1 (c0 5, c1 -5) -> (1, -1).
  const Tensor x(map_shape(2, 1, 2), std::vector<float>{1, 3, 5, -5});
  std::vector<float> out(4);
  onednn_factory().make(g, g.nodes[0], {0, 1})->run({x.data()}, out.data());
  const std::vector<float> want{-2, 11, 2, 9};
  for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], want[i], 1e-5) << i;
  const Tensor ref = reference_forward(g, g.nodes[0], {&x});
  for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(ref.data()[i], want[i], 1e-6) << i;
}

}  // namespace
}  // namespace edgeflow::test
