// Row-local kernels vs the reference: Add (with fused activation), standalone
// activations of every kind, standalone BatchNorm; feature maps sliced, [1, K]
// vectors whole.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

// Mostly feature maps, sometimes a [1, K] vector.
Shape random_map_or_vector(std::mt19937& rng) {
  return coin(rng, 0.2) ? vector_shape(uniform_int(rng, 1, 300)) : random_map_shape(rng);
}

TEST(KernelAdd, MatchesReferenceWholeAndSliced) {
  std::mt19937 rng(21);
  for (int config = 0; config < 40; ++config) {
    const Shape shape = random_map_or_vector(rng);
    const Graph g = add_graph(shape, random_activation(rng));
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelActivation, ReluAndClipMatchReferenceWholeAndSliced) {
  std::mt19937 rng(22);
  for (int config = 0; config < 40; ++config) {
    Activation act = random_activation(rng);
    if (act.none()) act.kind = Activation::Kind::kRelu;
    const Graph g = activation_graph(random_map_or_vector(rng), act);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelActivation, EveryKindMatchesReferenceWholeAndSliced) {
  std::mt19937 rng(24);
  for (int k = 1; k <= static_cast<int>(Activation::kLastKind); ++k) {
    Activation act;
    act.kind = static_cast<Activation::Kind>(k);
    act.min = -0.3f, act.max = 0.4f;  // Clip
    act.alpha = k == static_cast<int>(Activation::Kind::kPow) ? 2.5f : 0.2f;
    act.beta = 0.5f;
    for (int config = 0; config < 6; ++config) {
      const Graph g = activation_graph(random_map_or_vector(rng), act);
      SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
      // Sqrt, Pow and Log want positive inputs; the rest see both signs.
      const bool positive = act.kind == Activation::Kind::kSqrt ||
                            act.kind == Activation::Kind::kPow || act.kind == Activation::Kind::kLog;
      expect_kernel_matches_reference(g, rng, positive ? 0.1f : -4.0f, 4.0f);
    }
  }
}

TEST(KernelActivation, PowWithAnIntegerExponentTakesNegativeBases) {
  std::mt19937 rng(25);
  Activation cube;
  cube.kind = Activation::Kind::kPow;
  cube.alpha = 3.0f;
  const Graph g = activation_graph(map_shape(3, 9, 7), cube);
  expect_kernel_matches_reference(g, rng, -2.0f, 2.0f);
}

TEST(KernelBatchNorm, MatchesReferenceWholeAndSliced) {
  std::mt19937 rng(23);
  for (int config = 0; config < 40; ++config) {
    const Shape shape = random_map_or_vector(rng);
    BatchNormAttrs bn;
    bn.scale = random_values(static_cast<size_t>(shape.dims[1]), rng, -2.0f, 2.0f);
    bn.shift = random_values(static_cast<size_t>(shape.dims[1]), rng);
    bn.activation = random_activation(rng);
    const Graph g = batch_norm_graph(shape, std::move(bn));
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelBatchNorm, WithAFusedConcatMatchesReferenceWholeAndSliced) {
  std::mt19937 rng(29);
  for (int config = 0; config < 30; ++config) {
    const int64_t height = random_height(rng), width = random_width(rng);
    std::vector<Shape> inputs;
    int64_t channels = 0;
    for (int64_t i = uniform_int(rng, 2, 5); i > 0; --i) {
      inputs.push_back(map_shape(uniform_int(rng, 1, 40), height, width));
      channels += inputs.back().channels();
    }
    BatchNormAttrs bn;
    bn.scale = random_values(static_cast<size_t>(channels), rng, -2.0f, 2.0f);
    bn.shift = random_values(static_cast<size_t>(channels), rng);
    if (coin(rng)) bn.activation.kind = Activation::Kind::kRelu;
    const Graph g = single_node_graph(OpKind::kBatchNorm, inputs, map_shape(channels, height, width),
                                      std::move(bn));
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

}  // namespace
}  // namespace edgeflow::test
