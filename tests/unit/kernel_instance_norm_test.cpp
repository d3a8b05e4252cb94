// InstanceNorm kernel vs the reference on maps of many shapes (a whole unit:
// one slice), and each channel's output statistics by hand.
#include <cmath>

#include "kernel_check.h"

namespace edgeflow::test {
namespace {

Graph instance_norm_graph(const Shape& in, std::mt19937& rng) {
  InstanceNormAttrs a;
  a.epsilon = 1e-5f;
  a.scale = random_values(static_cast<size_t>(in.dims[1]), rng, 0.5f, 2.0f);
  a.shift = random_values(static_cast<size_t>(in.dims[1]), rng);
  return inferred_graph(OpKind::kInstanceNorm, {in}, a);
}

TEST(KernelInstanceNorm, MatchesReferenceOnManyMaps) {
  std::mt19937 rng(95);
  for (int config = 0; config < 20; ++config) {
    const Graph g = instance_norm_graph(
        map_shape(uniform_int(rng, 1, 24), uniform_int(rng, 1, 14), uniform_int(rng, 1, 14)), rng);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng, -3.0f, 5.0f);
  }
}

// With scale 1 and shift 0, every channel comes out with mean 0 and variance 1.
TEST(KernelInstanceNorm, EachChannelGetsMeanZeroAndUnitVariance) {
  std::mt19937 rng(96);
  InstanceNormAttrs a;
  a.epsilon = 0.0f;
  a.scale.assign(4, 1.0f);
  a.shift.assign(4, 0.0f);
  const Graph g = inferred_graph(OpKind::kInstanceNorm, {map_shape(4, 6, 7)}, a);
  const std::vector<Tensor> inputs = random_inputs(g, rng, 2.0f, 9.0f);
  const std::vector<float> out = run_stitched(g, inputs, {{0, 6}});
  for (int64_t c = 0; c < 4; ++c) {
    double sum = 0.0, squares = 0.0;
    for (int64_t p = 0; p < 42; ++p) {
      sum += out[p * 4 + c];
      squares += double(out[p * 4 + c]) * out[p * 4 + c];
    }
    EXPECT_NEAR(sum / 42.0, 0.0, 1e-5) << c;
    EXPECT_NEAR(squares / 42.0, 1.0, 1e-4) << c;
  }
}

}  // namespace
}  // namespace edgeflow::test
