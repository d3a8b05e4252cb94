// Layout kernels vs the reference: Transpose (every permutation of ranks 2 to
// 4, whole), Reshape (row-local copies and whole reorders through NCHW
// order), and channel gathers (shuffles, slices and selections, row-local) of
// maps and of [1, T, C] tokens.
#include <algorithm>
#include <numeric>

#include "kernel_check.h"

namespace edgeflow::test {
namespace {

Shape random_tensor_shape(std::mt19937& rng) {
  switch (uniform_int(rng, 0, 2)) {
    case 0: return vector_shape(uniform_int(rng, 1, 30));
    case 1: return Shape({1, uniform_int(rng, 1, 12), uniform_int(rng, 1, 12)});
    default: return map_shape(uniform_int(rng, 1, 6), uniform_int(rng, 1, 9), uniform_int(rng, 1, 9));
  }
}

TEST(KernelTranspose, EveryPermutationMatchesReference) {
  std::mt19937 rng(121);
  for (int config = 0; config < 40; ++config) {
    const Shape s = random_tensor_shape(rng);
    TransposeAttrs t;
    t.perm.resize(s.rank());
    std::iota(t.perm.begin(), t.perm.end(), 0);
    std::shuffle(t.perm.begin() + 1, t.perm.end(), rng);  // N stays first (N = 1 out)
    const Graph g = inferred_graph(OpKind::kTranspose, {s}, t);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelReshape, RowLocalAndWholeReshapesMatchReference) {
  std::mt19937 rng(122);
  const std::vector<std::pair<Shape, Shape>> cases = {
      {map_shape(1, 7, 5), Shape({1, 7, 5})},        // C = 1: rows kept
      {Shape({1, 7, 5}), map_shape(1, 7, 5)},
      {map_shape(6, 1, 1), vector_shape(6)},
      {map_shape(6, 4, 5), Shape({1, 6, 20})},       // flatten(2): whole
      {Shape({1, 20, 6}), map_shape(6, 4, 5)},       // back to a map: whole
      {map_shape(6, 4, 5), map_shape(6, 2, 10)},     // H*W regrouped: whole
      {map_shape(3, 4, 5), map_shape(5, 4, 3)},
      {Shape({1, 12, 5}), Shape({1, 6, 10})},
  };
  for (const auto& [in, out] : cases) {
    const Graph g = inferred_graph(OpKind::kReshape, {in},
                                   ReshapeAttrs{out.dims, reshape_is_row_local(in, out)});
    SCOPED_TRACE(describe(g));
    expect_kernel_matches_reference(g, rng);
  }
  EXPECT_TRUE(reshape_is_row_local(map_shape(1, 7, 5), Shape({1, 7, 5})));
  EXPECT_FALSE(reshape_is_row_local(map_shape(6, 4, 5), Shape({1, 6, 20})));
}

TEST(KernelChannelGather, ShufflesMatchReferenceWholeAndSliced) {
  std::mt19937 rng(123);
  for (int config = 0; config < 30; ++config) {
    const int64_t groups = uniform_int(rng, 1, 4), per_group = uniform_int(rng, 1, 5);
    ChannelGatherAttrs a;
    for (int64_t i = 0; i < per_group; ++i)  // the ShuffleNet shuffle
      for (int64_t j = 0; j < groups; ++j) a.source.push_back(j * per_group + i);
    if (coin(rng, 0.3)) std::shuffle(a.source.begin(), a.source.end(), rng);
    const Graph g = inferred_graph(OpKind::kChannelGather,
                                   {map_shape(groups * per_group, random_height(rng), 5)}, a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

// Slices (long runs: copied run by run), strided slices, repeats and
// arbitrary selections (short runs: element by element), of fewer or more
// channels than the input has.
TEST(KernelChannelGather, SlicesSplitsAndSelectionsMatchReferenceWholeAndSliced) {
  std::mt19937 rng(321);
  for (int config = 0; config < 40; ++config) {
    const int64_t channels = uniform_int(rng, 1, 40);
    ChannelGatherAttrs a;
    const int64_t begin = uniform_int(rng, 0, channels - 1);
    const int64_t end = uniform_int(rng, begin + 1, channels);
    const int64_t step = coin(rng, 0.5) ? 1 : uniform_int(rng, 2, 3);
    switch (config % 3) {
      case 0:
        for (int64_t c = begin; c < end; c += step) a.source.push_back(c);
        break;
      case 1:
        for (int64_t k = 0, n = uniform_int(rng, 1, 50); k < n; ++k)
          a.source.push_back(uniform_int(rng, 0, channels - 1));
        break;
      default:  // two slices, concatenated in reverse order
        for (int64_t c = end; c < channels; ++c) a.source.push_back(c);
        for (int64_t c = 0; c < end; ++c) a.source.push_back(c);
    }
    const Graph g = inferred_graph(OpKind::kChannelGather,
                                   {map_shape(channels, random_height(rng), uniform_int(rng, 1, 6))},
                                   a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

// [1, T, C] tokens gather along their last axis (one position per row): the
// thirds of a fused q/k/v projection, selections (with repeats), permutations.
TEST(KernelChannelGather, TokensGatherTheirLastAxisWholeAndSliced) {
  std::mt19937 rng(322);
  for (int config = 0; config < 30; ++config) {
    const int64_t features = uniform_int(rng, 1, 16) * 3, tokens = uniform_int(rng, 1, 30);
    ChannelGatherAttrs a;
    switch (config % 3) {
      case 0: {  // one of q, k, v
        const int64_t third = uniform_int(rng, 0, 2) * features / 3;
        for (int64_t c = third; c < third + features / 3; ++c) a.source.push_back(c);
        break;
      }
      case 1:
        for (int64_t k = 0, n = uniform_int(rng, 1, 50); k < n; ++k)
          a.source.push_back(uniform_int(rng, 0, features - 1));
        break;
      default:
        for (int64_t c = 0; c < features; ++c) a.source.push_back(c);
        std::shuffle(a.source.begin(), a.source.end(), rng);
    }
    const Graph g = inferred_graph(OpKind::kChannelGather, {Shape({1, tokens, features})}, a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelChannelGather, ATokensOutputFeatureIsItsSourceFeature) {
  ChannelGatherAttrs a;
  a.source = {2, 0, 2};
  const Graph g = inferred_graph(OpKind::kChannelGather, {Shape({1, 2, 3})}, a);
  EXPECT_EQ(g.shape_of(g.nodes[0].output), Shape({1, 2, 3}));
  const Tensor x(Shape({1, 2, 3}), std::vector<float>{1, 2, 3, 4, 5, 6});
  const std::vector<float> want{3, 1, 3, 6, 4, 6};
  EXPECT_EQ(reference_forward(g, g.nodes[0], {&x}).values(), want);
  std::vector<float> out(6);
  onednn_factory().make(g, g.nodes[0], {0, 2})->run({x.data()}, out.data());
  EXPECT_EQ(out, want);
}

}  // namespace
}  // namespace edgeflow::test
