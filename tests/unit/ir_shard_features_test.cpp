// Feature splits: Gemms and Convs on small maps become shards over their
// output features joined by a Concat, and compute exactly what they did.
#include <gtest/gtest.h>

#include "edgeflow/ir_passes.h"
#include "ir_test_graphs.h"

namespace edgeflow {
namespace {

using namespace irtest;

GemmAttrs gemm_attrs(int64_t out, int64_t in, uint32_t seed, bool relu_after) {
  GemmAttrs a;
  a.weight = Tensor(Shape({out, in}), random_values(size_t(out * in), seed));
  a.bias = random_values(size_t(out), seed + 1);
  if (relu_after) a.activation.kind = Activation::Kind::kRelu;
  return a;
}

TEST(IrShardGemms, EachGemmBecomesShardsAndAConcatWithTheSameResult) {
  // x -> flatten -> fc1 (36 -> 10, ReLU) -> fc2 (10 -> 7) -> output
  GraphBuilder b({1, 4, 3, 3});
  const ValueId flat = b.add("flat", OpKind::kFlatten, {0}, std::monostate{});
  const ValueId fc1 = b.add("fc1", OpKind::kGemm, {flat}, gemm_attrs(10, 36, 3, true));
  Graph g = b.done({b.add("fc2", OpKind::kGemm, {fc1}, gemm_attrs(7, 10, 5, false))});
  const Tensor x(Shape({1, 4, 3, 3}), random_values(36, 9));
  const Tensor before = reference_output(g, x);

  Graph small = g;
  EXPECT_EQ(shard_gemms(small, 3, 371), 0);  // fc1 holds 360 weights: too few

  EXPECT_EQ(shard_gemms(g, 3, 0), 2);
  EXPECT_NO_THROW(validate_graph(g));
  ASSERT_EQ(g.nodes.size(), 1u + 4u + 4u);
  // fc2's 7 features: [0, 2), [2, 4), [4, 7), each reading all of fc1.
  const std::vector<int64_t> widths = {2, 2, 3};
  for (int i = 0; i < 3; ++i) {
    const Node& shard = g.nodes[5 + i];
    EXPECT_EQ(shard.name, "fc2/shard" + std::to_string(i));
    EXPECT_EQ(g.shape_of(shard.output), Shape({1, widths[i]}));
    EXPECT_EQ(shard.inputs, std::vector<ValueId>{g.nodes[4].output});
  }
  EXPECT_EQ(std::get<GemmAttrs>(g.nodes[1].attrs).activation.kind, Activation::Kind::kRelu);
  const Node& joined = g.nodes.back();
  EXPECT_EQ(joined.name, "fc2");
  EXPECT_EQ(joined.op, OpKind::kConcat);
  EXPECT_EQ(joined.output, g.outputs[0]);
  EXPECT_EQ(g.values[joined.output].name, "fc2_out");
  // Each output feature is the same dot product: equal to the bit.
  const Tensor after = reference_output(g, x);
  ASSERT_EQ(after.values(), before.values());
}

TEST(IrShardConvs, ConvsOnSmallMapsBecomeChannelShardsWithTheSameResult) {
  // x 6x6x8 -> c1 (3x3, 8 -> 10, ReLU) -> c2 (1x1, 10 -> 9) -> output;
  // c3 (1x1) takes c1's output plus a fused residual: never split.
  GraphBuilder b({1, 8, 6, 6});
  ConvAttrs a1 = conv(10, 8, 3, 1, 3);
  a1.activation.kind = Activation::Kind::kRelu;
  const ValueId c1 = b.add("c1", OpKind::kConv, {0}, a1);
  const ValueId c2 = b.add("c2", OpKind::kConv, {c1}, conv(9, 10, 1, 0, 5));
  ConvAttrs a3 = conv(9, 10, 1, 0, 7);
  a3.residual = true;
  Graph g = b.done({b.add("c3", OpKind::kConv, {c1, c2}, a3)});
  const Tensor x(Shape({1, 8, 6, 6}), random_values(8 * 36, 9));
  const Tensor before = reference_output(g, x);

  Graph big_map = g;
  EXPECT_EQ(shard_convs(big_map, 3, 0, 2), 0);  // 6 rows: 2 per shard, not fewer
  Graph few_weights = g;
  EXPECT_EQ(shard_convs(few_weights, 3, 721, 3), 0);  // c1 holds 720 weights, c2 90

  EXPECT_EQ(shard_convs(g, 3, 0, 3), 2);
  EXPECT_NO_THROW(validate_graph(g));
  ASSERT_EQ(g.nodes.size(), 4u + 4u + 1u);
  // c1's 10 channels: [0, 3), [3, 6), [6, 10), each reading all of x.
  const std::vector<int64_t> widths = {3, 3, 4};
  for (int i = 0; i < 3; ++i) {
    const Node& shard = g.nodes[i];
    EXPECT_EQ(shard.name, "c1/shard" + std::to_string(i));
    EXPECT_EQ(shard.op, OpKind::kConv);
    EXPECT_EQ(g.shape_of(shard.output), Shape({1, widths[i], 6, 6}));
    EXPECT_EQ(shard.inputs, std::vector<ValueId>{g.input});
    const ConvAttrs& attrs = std::get<ConvAttrs>(shard.attrs);
    EXPECT_EQ(attrs.activation.kind, Activation::Kind::kRelu);
    EXPECT_EQ(attrs.window.pad_top, 1);
    EXPECT_EQ(attrs.weight.shape(), Shape({widths[i], 8, 3, 3}));
  }
  EXPECT_EQ(g.nodes[3].name, "c1");
  EXPECT_EQ(g.nodes[3].op, OpKind::kConcat);
  EXPECT_EQ(g.values[g.nodes[3].output].name, "c1_out");
  EXPECT_EQ(g.nodes.back().name, "c3");
  EXPECT_EQ(g.nodes.back().op, OpKind::kConv);
  // Each output channel is the same sum as before: equal to the bit.
  const Tensor after = reference_output(g, x);
  ASSERT_EQ(after.values(), before.values());
}

}  // namespace
}  // namespace edgeflow
