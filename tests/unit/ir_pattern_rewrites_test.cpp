// The rewrites that turn what exporters write op by op into what runs fast:
// channels-last regions absorbed into the NHWC map, LayerNorm and GELU
// recognized, per-channel affine ops folded into their conv or LayerNorm.
// Each keeps the graph's output (the reference, before and after) and leaves
// the ops it promises.
#include <gtest/gtest.h>

#include "edgeflow/error.h"
#include "ir_test_graphs.h"

namespace edgeflow::irtest {
namespace {

std::vector<OpKind> ops(const Graph& g) {
  std::vector<OpKind> out;
  for (const Node& n : g.nodes) out.push_back(n.op);
  return out;
}

BinaryAttrs with_constant(BinaryAttrs::Kind kind, Dims dims, std::vector<float> values,
                          int index = 1) {
  BinaryAttrs b;
  b.kind = kind;
  b.constant = Tensor(Shape(std::move(dims)), std::move(values));
  b.constant_index = index;
  return b;
}

BinaryAttrs computed(BinaryAttrs::Kind kind) {
  BinaryAttrs b;
  b.kind = kind;
  return b;
}

ActivationAttrs activation(Activation::Kind kind, float alpha = 0.0f) {
  ActivationAttrs a;
  a.activation.kind = kind;
  a.activation.alpha = alpha;
  return a;
}

ReduceAttrs mean_over(int64_t axis) {
  ReduceAttrs r;
  r.axes = {axis};
  return r;
}

void expect_same_output(const Graph& before, const Graph& after, uint32_t seed) {
  validate_graph(after);
  const Shape& in = before.input_shape();
  const Tensor x(in, random_values(static_cast<size_t>(in.elements()), seed));
  const Tensor want = reference_output(before, x);
  const Tensor got = reference_output(after, x);
  ASSERT_EQ(got.shape(), want.shape());
  EXPECT_LT(relative_max_error(got.values(), want.values()), 1e-5);
}

// x [1,4,5,6] -> Transpose(0,2,3,1) -> MatMul [4,7] -> Add bias -> Relu ->
// Sub its mean over the last axis -> Softmax(-1) -> Transpose(0,3,1,2) -> Conv.
Graph channels_last_graph(bool exit_to_output) {
  GraphBuilder b({1, 4, 5, 6});
  const ValueId t = b.add("to_last", OpKind::kTranspose, {0}, TransposeAttrs{{0, 2, 3, 1}});
  MatMulAttrs mm;
  mm.constant = Tensor(Shape({4, 7}), random_values(28, 3));
  mm.constant_index = 1;
  const ValueId l = b.add("linear", OpKind::kMatMul, {t}, mm);
  const ValueId a = b.add("bias", OpKind::kBinary, {l},
                          with_constant(BinaryAttrs::Kind::kAdd, {1, 1, 1, 7}, random_values(7, 4)));
  const ValueId r = b.add("relu", OpKind::kActivation, {a}, relu());
  const ValueId m = b.add("mean", OpKind::kReduce, {r}, mean_over(-1));
  const ValueId d = b.add("centre", OpKind::kBinary, {r, m}, computed(BinaryAttrs::Kind::kSub));
  const ValueId s = b.add("softmax", OpKind::kSoftmax, {d}, SoftmaxAttrs{-1, false});
  if (exit_to_output) return b.done({s});
  const ValueId back = b.add("to_first", OpKind::kTranspose, {s}, TransposeAttrs{{0, 3, 1, 2}});
  return b.done({b.add("conv", OpKind::kConv, {back}, conv(3, 7, 3, 1, 9))});
}

TEST(IrChannelsLast, RegionsBetweenTransposesRunOnTheNhwcMapWithTheSameResult) {
  const Graph before = channels_last_graph(false);
  Graph after = before;
  EXPECT_EQ(absorb_channels_last_transposes(after), 1);
  EXPECT_EQ(ops(after), (std::vector<OpKind>{OpKind::kConv, OpKind::kBinary, OpKind::kActivation,
                                             OpKind::kReduce, OpKind::kBinary, OpKind::kSoftmax,
                                             OpKind::kConv}));
  EXPECT_EQ(after.shape_of(after.nodes[0].output), Shape({1, 7, 5, 6}));
  EXPECT_EQ(std::get<ReduceAttrs>(after.nodes[3].attrs).axes, (std::vector<int64_t>{-3}));
  expect_same_output(before, after, 11);
}

TEST(IrChannelsLast, ARegionThatLeavesOtherwiseThanByATransposeStays) {
  Graph g = channels_last_graph(true);  // the channels-last softmax is the graph output
  EXPECT_EQ(absorb_channels_last_transposes(g), 0);
  EXPECT_EQ(g.nodes.front().op, OpKind::kTranspose);

  GraphBuilder b({1, 4, 5, 5});  // a layer reading the region and a map of another layout
  const ValueId t = b.add("to_last", OpKind::kTranspose, {0}, TransposeAttrs{{0, 2, 3, 1}});
  const ValueId u = b.add("to_last2", OpKind::kTranspose, {0}, TransposeAttrs{{0, 3, 2, 1}});
  const ValueId r = b.add("relu", OpKind::kActivation, {t}, relu());
  const ValueId back = b.add("to_first", OpKind::kTranspose, {r}, TransposeAttrs{{0, 3, 1, 2}});
  const ValueId mix = b.add("mix", OpKind::kBinary, {r, u}, computed(BinaryAttrs::Kind::kAdd));
  Graph mixed = b.done({back, mix});
  EXPECT_EQ(absorb_channels_last_transposes(mixed), 0);
}

// conv -> the op-by-op layer normalization over `axis` -> Mul gamma -> Add beta.
Graph decomposed_layer_norm(bool pow_form, int64_t axis = -3) {
  GraphBuilder b({1, 3, 6, 5});
  const ValueId x = b.add("conv", OpKind::kConv, {0}, conv(6, 3, 3, 1, 21));
  const ValueId m = b.add("mean", OpKind::kReduce, {x}, mean_over(axis));
  const ValueId d = b.add("sub", OpKind::kBinary, {x, m}, computed(BinaryAttrs::Kind::kSub));
  const ValueId sq = pow_form
                         ? b.add("pow", OpKind::kActivation, {d},
                                 activation(Activation::Kind::kPow, 2.0f))
                         : b.add("square", OpKind::kBinary, {d, d},
                                 computed(BinaryAttrs::Kind::kMul));
  const ValueId v = b.add("var", OpKind::kReduce, {sq}, mean_over(axis));
  const ValueId e = b.add("eps", OpKind::kBinary, {v},
                          with_constant(BinaryAttrs::Kind::kAdd, {1, 1, 1, 1}, {1e-6f}));
  const ValueId s = b.add("sqrt", OpKind::kActivation, {e}, activation(Activation::Kind::kSqrt));
  const ValueId n = b.add("div", OpKind::kBinary, {d, s}, computed(BinaryAttrs::Kind::kDiv));
  const ValueId g = b.add("gamma", OpKind::kBinary, {n},
                          with_constant(BinaryAttrs::Kind::kMul, {1, 6, 1, 1}, random_values(6, 5)));
  return b.done({b.add("beta", OpKind::kBinary, {g},
                       with_constant(BinaryAttrs::Kind::kAdd, {1, 6, 1, 1}, random_values(6, 6)))});
}

TEST(IrLayerNorm, TheOpByOpFormBecomesOneLayerNormWithItsAffineMapFoldedIn) {
  for (bool pow_form : {true, false}) {
    SCOPED_TRACE(pow_form ? "Pow(d, 2)" : "Mul(d, d)");
    const Graph before = decomposed_layer_norm(pow_form);
    Graph after = before;
    EXPECT_EQ(fuse_layer_norms(after), 1);
    EXPECT_EQ(fold_channel_affines(after), 2);
    ASSERT_EQ(ops(after), (std::vector<OpKind>{OpKind::kConv, OpKind::kLayerNorm}));
    const LayerNormAttrs& ln = std::get<LayerNormAttrs>(after.nodes[1].attrs);
    EXPECT_EQ(ln.axis, -3);
    EXPECT_FLOAT_EQ(ln.epsilon, 1e-6f);
    expect_same_output(before, after, 12);
  }
}

TEST(IrLayerNorm, OverAnAxisNotInnermostInStorageItStaysOpByOp) {
  Graph over_w = decomposed_layer_norm(true, -1);  // W of a map: strided in NHWC
  EXPECT_EQ(fuse_layer_norms(over_w), 0);
}

// GELU as torch exports it: x * (Erf(x / sqrt 2) + 1) * 0.5, in either order.
Graph exported_gelu(bool half_first) {
  GraphBuilder b({1, 3, 6, 5});
  const ValueId x = b.add("conv", OpKind::kConv, {0}, conv(4, 3, 3, 1, 31));
  const ValueId q = b.add("div", OpKind::kBinary, {x},
                          with_constant(BinaryAttrs::Kind::kDiv, {1, 1, 1, 1}, {1.4142135f}));
  const ValueId e = b.add("erf", OpKind::kActivation, {q}, activation(Activation::Kind::kErf));
  const ValueId g = b.add("add", OpKind::kBinary, {e},
                          with_constant(BinaryAttrs::Kind::kAdd, {1, 1, 1, 1}, {1.0f}));
  const BinaryAttrs half = with_constant(BinaryAttrs::Kind::kMul, {1, 1, 1, 1}, {0.5f});
  if (half_first) {
    const ValueId h = b.add("half", OpKind::kBinary, {x}, half);
    return b.done({b.add("gelu", OpKind::kBinary, {g, h}, computed(BinaryAttrs::Kind::kMul))});
  }
  const ValueId m = b.add("mul", OpKind::kBinary, {x, g}, computed(BinaryAttrs::Kind::kMul));
  return b.done({b.add("gelu", OpKind::kBinary, {m}, half)});
}

TEST(IrGelu, TheExportedFormBecomesOneGeluThatFusesIntoItsConv) {
  for (bool half_first : {false, true}) {
    SCOPED_TRACE(half_first ? "(x * 0.5) * gate" : "(x * gate) * 0.5");
    const Graph before = exported_gelu(half_first);
    Graph after = before;
    EXPECT_EQ(fuse_gelus(after), 1);
    ASSERT_EQ(ops(after), (std::vector<OpKind>{OpKind::kConv, OpKind::kActivation}));
    EXPECT_EQ(std::get<ActivationAttrs>(after.nodes[1].attrs).activation.kind,
              Activation::Kind::kGelu);
    expect_same_output(before, after, 13);
    optimize_graph(after);
    ASSERT_EQ(ops(after), std::vector<OpKind>{OpKind::kConv});
    EXPECT_EQ(std::get<ConvAttrs>(after.nodes[0].attrs).activation.kind, Activation::Kind::kGelu);
    expect_same_output(before, after, 14);
  }
}

TEST(IrChannelAffines, PerChannelMulDivAddSubFoldIntoTheConvOthersStay) {
  GraphBuilder b({1, 3, 6, 5});
  const ValueId c = b.add("conv", OpKind::kConv, {0}, conv(4, 3, 3, 1, 41));
  const ValueId m = b.add("scale", OpKind::kBinary, {c},
                          with_constant(BinaryAttrs::Kind::kMul, {1, 4, 1, 1}, {1, -2, 3, 0.5f}, 0));
  const ValueId d = b.add("div", OpKind::kBinary, {m},
                          with_constant(BinaryAttrs::Kind::kDiv, {1, 1, 1, 1}, {4.0f}));
  const ValueId s = b.add("sub", OpKind::kBinary, {d},
                          with_constant(BinaryAttrs::Kind::kSub, {1, 4, 1, 1}, {1, 2, 3, 4}));
  const ValueId w = b.add("per_column", OpKind::kBinary, {s},
                          with_constant(BinaryAttrs::Kind::kAdd, {1, 1, 1, 5}, {1, 2, 3, 4, 5}));
  const Graph before = b.done({w});
  Graph after = before;
  EXPECT_EQ(fold_channel_affines(after), 3);
  EXPECT_EQ(ops(after), (std::vector<OpKind>{OpKind::kConv, OpKind::kBinary}));
  expect_same_output(before, after, 15);
}

TEST(IrChannelGathers, AGatherOfAGatherReadsTheFirstOnesInputAndTheInnerOneGoes) {
  GraphBuilder b({1, 3, 6, 5});
  const ValueId c = b.add("conv", OpKind::kConv, {0}, conv(6, 3, 3, 1, 51));
  const ValueId shuffle = b.add("shuffle", OpKind::kChannelGather, {c},
                                ChannelGatherAttrs{{0, 3, 1, 4, 2, 5}});
  const ValueId first = b.add("first", OpKind::kChannelGather, {shuffle},
                              ChannelGatherAttrs{{0, 1, 2}});
  const ValueId second = b.add("second", OpKind::kChannelGather, {shuffle},
                               ChannelGatherAttrs{{3, 4, 5}});
  const Graph before = b.done({b.add("sum", OpKind::kBinary, {first, second},
                                     computed(BinaryAttrs::Kind::kAdd))});
  Graph after = before;
  EXPECT_EQ(compose_channel_gathers(after), 2);
  ASSERT_EQ(ops(after), (std::vector<OpKind>{OpKind::kConv, OpKind::kChannelGather,
                                             OpKind::kChannelGather, OpKind::kBinary}));
  EXPECT_EQ(std::get<ChannelGatherAttrs>(after.nodes[1].attrs).source,
            (std::vector<int64_t>{0, 3, 1}));
  EXPECT_EQ(after.nodes[1].inputs[0], after.nodes[0].output);
  expect_same_output(before, after, 16);
}

TEST(IrGlobalPools, MeanAndMaxOverHAndWBecomeGlobalPoolsOtherReductionsStay) {
  GraphBuilder b({1, 3, 6, 5});
  const ValueId c = b.add("conv", OpKind::kConv, {0}, conv(4, 3, 3, 1, 61));
  ReduceAttrs hw;
  hw.axes = {-2, -1};
  const ValueId mean = b.add("mean_hw", OpKind::kReduce, {c}, hw);
  hw.kind = ReduceAttrs::Kind::kMax;
  const ValueId max = b.add("max_hw", OpKind::kReduce, {c}, hw);
  hw.kind = ReduceAttrs::Kind::kSum;
  const ValueId sum = b.add("sum_hw", OpKind::kReduce, {c}, hw);
  const ValueId a = b.add("a", OpKind::kBinary, {mean, max}, computed(BinaryAttrs::Kind::kAdd));
  const Graph before = b.done({b.add("b", OpKind::kBinary, {a, sum},
                                     computed(BinaryAttrs::Kind::kAdd))});
  Graph after = before;
  EXPECT_EQ(reductions_to_global_pools(after), 2);
  EXPECT_EQ(ops(after), (std::vector<OpKind>{OpKind::kConv, OpKind::kGlobalAveragePool,
                                             OpKind::kGlobalMaxPool, OpKind::kReduce,
                                             OpKind::kBinary, OpKind::kBinary}));
  expect_same_output(before, after, 17);
}

}  // namespace
}  // namespace edgeflow::irtest
