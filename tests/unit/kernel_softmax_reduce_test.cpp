// Softmax (opset 13 single axis and the coerced pre-13 form) and reductions
// (mean, max, min, sum over any axes; arg max / min over the axis innermost in
// storage) vs the reference on ranks 2 to 4: row slices when the axes leave
// the row axis alone, whole otherwise.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

Shape random_shape(std::mt19937& rng) {
  switch (uniform_int(rng, 0, 3)) {
    case 0: return vector_shape(uniform_int(rng, 1, 40));
    case 1: return Shape({1, uniform_int(rng, 1, 20), uniform_int(rng, 1, 20)});
    default: return random_map_shape(rng);
  }
}

TEST(KernelSoftmax, EveryAxisBothSemantics) {
  std::mt19937 rng(101);
  for (int config = 0; config < 60; ++config) {
    const Shape s = random_shape(rng);
    SoftmaxAttrs a;
    a.axis = -uniform_int(rng, 1, static_cast<int64_t>(s.rank()));
    a.coerced = coin(rng) && a.axis != -1;
    const Graph g = inferred_graph(OpKind::kSoftmax, {s}, a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    EXPECT_EQ(needs_whole_input(g.nodes[0]),
              a.coerced ? a.axis <= kRowAxisFromEnd : a.axis == kRowAxisFromEnd);
    expect_kernel_matches_reference(g, rng, -3.0f, 3.0f);
  }
}

TEST(KernelReduce, EveryKindAnyAxes) {
  std::mt19937 rng(102);
  for (int config = 0; config < 80; ++config) {
    const Shape s = random_shape(rng);
    ReduceAttrs a;
    a.kind = static_cast<ReduceAttrs::Kind>(uniform_int(rng, 0, 3));
    for (int64_t axis = -static_cast<int64_t>(s.rank()); axis < 0; ++axis)
      if (coin(rng)) a.axes.push_back(axis);
    if (a.axes.empty()) a.axes.push_back(-1);
    const Graph g = inferred_graph(OpKind::kReduce, {s}, a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

// Indices are exact; values drawn from a few levels make ties, so the first
// and the last of equal extremes differ.
TEST(KernelReduce, ArgMaxAndArgMinOverTheInnermostAxisWithTies) {
  std::mt19937 rng(103);
  for (int config = 0; config < 40; ++config) {
    const Shape s = random_shape(rng);
    ReduceAttrs a;
    a.kind = coin(rng) ? ReduceAttrs::Kind::kArgMax : ReduceAttrs::Kind::kArgMin;
    a.axes = {s.rank() == 4 ? -3 : -1};
    a.select_last_index = coin(rng);
    const Graph g = inferred_graph(OpKind::kReduce, {s}, a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g) +
                 (a.select_last_index ? " last" : " first"));
    EXPECT_FALSE(needs_whole_input(g.nodes[0]));
    std::vector<Tensor> inputs = random_inputs(g, rng);
    for (float& v : inputs[0].values()) v = std::round(v * 2.0f);
    const int64_t height = g.shape_of(g.nodes[0].output).height();
    expect_partitions_exact(g, inputs, {{{0, height}}, random_slices(height, rng)});
  }
  // By hand: [3, 1, 3, 2] at one pixel of 4 channels.
  const Tensor x(Shape({1, 4, 1, 1}), std::vector<float>{3, 1, 3, 2});
  for (bool last : {false, true}) {
    ReduceAttrs a{ReduceAttrs::Kind::kArgMax, {-3}, last};
    const Graph g = inferred_graph(OpKind::kReduce, {map_shape(4, 1, 1)}, a);
    EXPECT_EQ(run_stitched(g, {x}, {{0, 1}}), std::vector<float>{last ? 2.0f : 0.0f});
  }
}

TEST(KernelReduce, MeanOverChannelsIsRowLocalOverHAndWIsWhole) {
  ReduceAttrs channels{ReduceAttrs::Kind::kMean, {-3}};
  ReduceAttrs spatial{ReduceAttrs::Kind::kMean, {-2, -1}};
  const Graph c = inferred_graph(OpKind::kReduce, {map_shape(4, 6, 5)}, channels);
  const Graph hw = inferred_graph(OpKind::kReduce, {map_shape(4, 6, 5)}, spatial);
  EXPECT_EQ(c.shape_of(1), map_shape(1, 6, 5));
  EXPECT_EQ(hw.shape_of(1), map_shape(4, 1, 1));
  EXPECT_FALSE(needs_whole_input(c.nodes[0]));
  EXPECT_TRUE(needs_whole_input(hw.nodes[0]));
}

}  // namespace
}  // namespace edgeflow::test
