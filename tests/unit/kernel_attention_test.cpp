// Attention kernel vs the reference: queries, keys and values of different
// token counts and widths (T != S, D != C), one head and many (a ViT-B/16
// block, Swin windows), whole and on row slices, down to one query row and
// a middle range; and a hand-computed case.
#include <cmath>

#include "kernel_check.h"

namespace edgeflow::test {
namespace {

struct Geometry {
  int64_t T, S, C, D, heads;
};

Graph attention_graph(const Geometry& g, float scale) {
  AttentionAttrs a;
  a.heads = g.heads;
  a.scale = scale;
  return inferred_graph(OpKind::kAttention,
                        {Shape({1, g.T, g.C}), Shape({1, g.S, g.C}), Shape({1, g.S, g.D})}, a);
}

// The usual scale, 1/sqrt(dq).
float head_scale(const Geometry& g) {
  return 1.0f / std::sqrt(static_cast<float>(g.C / g.heads));
}

// Besides the checks of expect_kernel_matches_reference: the kernel on just
// the middle row, and on a middle range, stitched with the rows around them.
void expect_middle_slices_match(const Graph& g, std::mt19937& rng) {
  const std::vector<Tensor> inputs = random_inputs(g, rng);
  const Tensor ref = reference_forward(g, g.nodes[0], {&inputs[0], &inputs[1], &inputs[2]});
  const int64_t T = g.shape_of(g.nodes[0].output).height(), mid = T / 2;
  const std::vector<std::vector<RowRange>> partitions = {
      {{0, mid}, {mid, mid + 1}, {mid + 1, T}},
      {{0, T / 3}, {T / 3, T - T / 3}, {T - T / 3, T}},
  };
  for (const auto& slices : partitions) {
    std::vector<RowRange> nonempty;
    for (RowRange s : slices)
      if (!s.empty()) nonempty.push_back(s);
    SCOPED_TRACE("slices " + slices_str(nonempty));
    const std::vector<float> out = run_stitched(g, inputs, nonempty);
    ASSERT_EQ(out.size(), ref.size());
    EXPECT_LE(relative_max_error(out, ref.values()), kKernelTolerance);
  }
}

TEST(KernelAttention, TransformerGeometriesMatchReferenceWholeAndSliced) {
  std::mt19937 rng(71);
  const std::vector<Geometry> cases = {
      {197, 197, 768, 768, 12},  // ViT-B/16
      {49, 49, 96, 96, 3},       // Swin-T stage 1 window
      {49, 49, 768, 768, 24},    // Swin-T stage 4 window
      {9, 9, 16, 16, 1},         // one head
      {7, 13, 24, 12, 12},       // T != S, D != C, dq 2 and dv 1
      {1, 5, 6, 9, 3},           // one query
      {12, 1, 8, 4, 2},          // one key: the output is v's row
  };
  for (const Geometry& c : cases) {
    const Graph g = attention_graph(c, head_scale(c));
    SCOPED_TRACE(describe(g) + " heads " + std::to_string(c.heads));
    expect_kernel_matches_reference(g, rng);
    expect_middle_slices_match(g, rng);
  }
}

TEST(KernelAttention, RandomGeometriesAndScalesMatchReference) {
  std::mt19937 rng(72);
  for (int config = 0; config < 30; ++config) {
    Geometry c;
    c.heads = uniform_int(rng, 1, 6);
    c.T = uniform_int(rng, 1, 30);
    c.S = coin(rng) ? c.T : uniform_int(rng, 1, 30);
    c.C = c.heads * uniform_int(rng, 1, 8);
    c.D = coin(rng) ? c.C : c.heads * uniform_int(rng, 1, 8);
    // Sharp softmaxes too (large scores): the kernel must subtract the max.
    const float scale = coin(rng) ? head_scale(c) : random_values(1, rng, 0.1f, 4.0f)[0];
    const Graph g = attention_graph(c, scale);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g) + " heads " +
                 std::to_string(c.heads) + " scale " + std::to_string(scale));
    expect_kernel_matches_reference(g, rng, -2.0f, 2.0f);
  }
}

// Windowed attention (Swin): tokens in blocks, each query attending to its
// own block's keys, with a bias shared by the blocks or one per block;
// whole and on slices that start and end inside blocks.
TEST(KernelAttention, WindowedBlocksWithBiasMatchReferenceWholeAndSliced) {
  std::mt19937 rng(73);
  struct Windowed {
    int64_t blocks, block, C, heads;
    bool bias_per_block;
  };
  const std::vector<Windowed> cases = {
      {64, 49, 96, 3, false},  // Swin-T stage 1, unshifted (relative-position bias)
      {16, 49, 192, 6, true},  // stage 2, shifted (bias plus the window masks)
      {4, 9, 8, 2, true},
      {5, 3, 6, 3, false},
      {3, 1, 4, 1, true},      // one-token windows: the output is v
  };
  for (const Windowed& c : cases) {
    const int64_t T = c.blocks * c.block;
    AttentionAttrs a;
    a.heads = c.heads;
    a.scale = 1.0f / std::sqrt(static_cast<float>(c.C / c.heads));
    a.block = c.block;
    a.bias = random_tensor(Shape({c.bias_per_block ? c.blocks : 1, c.heads, c.block, c.block}),
                           rng);
    const Graph g = inferred_graph(
        OpKind::kAttention, {Shape({1, T, c.C}), Shape({1, T, c.C}), Shape({1, T, c.C})}, a);
    SCOPED_TRACE(describe(g) + " blocks of " + std::to_string(c.block));
    expect_kernel_matches_reference(g, rng);
    expect_middle_slices_match(g, rng);
  }
}

// An unblocked bias [1, heads, T, S] (a learned additive mask).
TEST(KernelAttention, UnblockedBiasMatchesReference) {
  std::mt19937 rng(74);
  AttentionAttrs a;
  a.heads = 2, a.scale = 0.5f;
  a.bias = Tensor(Shape({1, 2, 7, 5}), random_values(70, rng, -3.0f, 3.0f));
  const Graph g = inferred_graph(OpKind::kAttention,
                                 {Shape({1, 7, 4}), Shape({1, 5, 4}), Shape({1, 5, 6})}, a);
  expect_kernel_matches_reference(g, rng);
  expect_middle_slices_match(g, rng);
}

// Two heads of one feature each, two keys: query row 0 attends with weights
// softmax(scale * q.k) per head.
TEST(KernelAttention, EachHeadWeighsItsValueColumnsBySoftmaxedScores) {
  const Graph g = attention_graph({1, 2, 2, 2, 2}, 0.5f);
  const Tensor q(Shape({1, 1, 2}), std::vector<float>{2, 0});
  const Tensor k(Shape({1, 2, 2}), std::vector<float>{1, 5, -1, 7});
  const Tensor v(Shape({1, 2, 2}), std::vector<float>{10, 1, 20, 3});
  // Head 0: scores 0.5*2*1 = 1 and 0.5*2*-1 = -1; head 1: q is 0, scores equal.
  const double w = 1.0 / (1.0 + std::exp(-2.0));
  const std::vector<double> want{10 * w + 20 * (1 - w), 2.0};
  std::vector<float> out(2);
  onednn_factory().make(g, g.nodes[0], {0, 1})->run({q.data(), k.data(), v.data()}, out.data());
  const Tensor ref = reference_forward(g, g.nodes[0], {&q, &k, &v});
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(out[i], want[i], 1e-5) << i;
    EXPECT_NEAR(ref.data()[i], want[i], 1e-6) << i;
  }
}

}  // namespace
}  // namespace edgeflow::test
