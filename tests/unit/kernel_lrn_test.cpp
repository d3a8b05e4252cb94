// LRN kernel vs the reference: odd sizes (oneDNN's across-channels LRN) and
// even ones (EdgeFlow's loop, a window one channel longer upwards), sizes
// beyond the channel count, whole and on row slices; and a hand-computed case.
#include <cmath>

#include "kernel_check.h"

namespace edgeflow::test {
namespace {

TEST(KernelLrn, OddAndEvenSizesMatchReferenceWholeAndSliced) {
  std::mt19937 rng(91);
  for (int config = 0; config < 24; ++config) {
    LrnAttrs a;
    a.size = uniform_int(rng, 1, 8);
    a.alpha = random_values(1, rng, 1e-4f, 1.0f)[0];
    a.beta = random_values(1, rng, 0.25f, 1.0f)[0];
    a.bias = random_values(1, rng, 0.5f, 2.0f)[0];
    const Shape in = map_shape(uniform_int(rng, 1, 20), uniform_int(rng, 1, 12),
                               uniform_int(rng, 1, 9));
    const Graph g = inferred_graph(OpKind::kLrn, {in}, a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g) + " size " +
                 std::to_string(a.size));
    expect_kernel_matches_reference(g, rng, -3.0f, 3.0f);
  }
}

// Two channels, size 2: channel 0 sums channels 0 and 1, channel 1 only itself.
TEST(KernelLrn, AnEvenWindowReachesOneChannelUp) {
  LrnAttrs a{2, 1.0f, 1.0f, 1.0f};
  const Graph g = inferred_graph(OpKind::kLrn, {map_shape(2, 1, 1)}, a);
  const Tensor x(Shape({1, 2, 1, 1}), std::vector<float>{1.0f, 2.0f});
  const std::vector<float> out = run_stitched(g, {x}, {{0, 1}});
  EXPECT_NEAR(out[0], 1.0f / (1.0f + 0.5f * 5.0f), 1e-6f);
  EXPECT_NEAR(out[1], 2.0f / (1.0f + 0.5f * 4.0f), 1e-6f);
}

}  // namespace
}  // namespace edgeflow::test
