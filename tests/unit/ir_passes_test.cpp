// IR passes on hand-built graphs: shape inference per op (and its errors),
// BatchNorm folding checked numerically, activation, residual-Add and
// Concat-BatchNorm fusion and where they must not happen, dead node removal, and the validator catching broken graphs.
#include "edgeflow/ir_passes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "edgeflow/error.h"
#include "edgeflow/kernels.h"
#include "ir_test_graphs.h"

namespace edgeflow {
namespace {

using namespace irtest;

// The message of the kBadInput error `f` throws ("" if none).
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

#define EXPECT_MESSAGE_HAS(message, part) \
  EXPECT_NE((message).find(part), std::string::npos) << "message: " << (message)

// ---------------------------------------------------------------- shapes

TEST(IrShapes, ConvWithStridesDilationsAndAsymmetricPads) {
  GraphBuilder b({1, 4, 11, 9});
  ConvAttrs a = conv(6, 4, 3, 0, 1, 2);
  a.window.stride_h = 2;
  a.window.dilation_w = 3;
  a.window.pad_top = 2;
  a.window.pad_right = 1;
  const ValueId y = b.add("c", OpKind::kConv, {0}, a);
  // H: (11 + 2 - 3) / 2 + 1 = 6; W: extent 7, (9 + 1 - 7) / 1 + 1 = 4.
  EXPECT_EQ(b.g.shape_of(y), Shape({1, 6, 6, 4}));
}

TEST(IrShapes, PoolCeilModeDropsAWindowStartingInTheEndPadding) {
  GraphBuilder b({1, 2, 5, 5});
  // ceil((5 + 2 - 2) / 2) + 1 = 4, but window 4 would start at 6 - 1 = 5 >= 5: 3.
  EXPECT_EQ(b.g.shape_of(b.add("p", OpKind::kPool, {0}, max_pool(2, 2, 1, true))),
            Shape({1, 2, 3, 3}));
  GraphBuilder c({1, 2, 8, 8});
  EXPECT_EQ(c.g.shape_of(c.add("floor", OpKind::kPool, {0}, max_pool(3, 2, 0, false))),
            Shape({1, 2, 3, 3}));
  EXPECT_EQ(c.g.shape_of(c.add("ceil", OpKind::kPool, {0}, max_pool(3, 2, 0, true))),
            Shape({1, 2, 4, 4}));
}

TEST(IrShapes, OtherOps) {
  GraphBuilder b({1, 3, 6, 5});
  const ValueId c = b.add("c", OpKind::kConv, {0}, conv(4, 3, 1, 0, 1));
  const ValueId cat = b.add("cat", OpKind::kConcat, {0, c, 0}, std::monostate{});
  EXPECT_EQ(b.g.shape_of(cat), Shape({1, 10, 6, 5}));
  PadAttrs pad;
  pad.channels_end = 2;
  pad.top = 1;
  pad.right = 3;
  const ValueId p = b.add("pad", OpKind::kPad, {cat}, pad);
  EXPECT_EQ(b.g.shape_of(p), Shape({1, 12, 7, 8}));
  const ValueId sum = b.add("sum", OpKind::kBinary, {p, p}, BinaryAttrs{});
  EXPECT_EQ(b.g.shape_of(sum), Shape({1, 12, 7, 8}));
  const ValueId gap = b.add("gap", OpKind::kGlobalAveragePool, {sum}, std::monostate{});
  EXPECT_EQ(b.g.shape_of(gap), Shape({1, 12, 1, 1}));
  const ValueId f = b.add("flat", OpKind::kFlatten, {p}, std::monostate{});
  EXPECT_EQ(b.g.shape_of(f), Shape({1, 12 * 7 * 8}));
  GemmAttrs gemm;
  gemm.weight = Tensor(Shape({5, 672}), random_values(5 * 672, 2));
  gemm.bias.assign(5, 0.0f);
  EXPECT_EQ(b.g.shape_of(b.add("fc", OpKind::kGemm, {f}, gemm)), Shape({1, 5}));
  EXPECT_EQ(b.g.shape_of(b.add("bn", OpKind::kBatchNorm, {sum}, batch_norm(12, 3))),
            Shape({1, 12, 7, 8}));
  EXPECT_EQ(b.g.shape_of(b.add("relu", OpKind::kActivation, {f}, relu())), Shape({1, 672}));
}

TEST(IrShapes, MisfitsNameTheNode) {
  GraphBuilder b({1, 3, 4, 4});
  EXPECT_MESSAGE_HAS(
      error_of([&] { b.add("c", OpKind::kConv, {0}, conv(4, 5, 3, 1, 1)); }),
      "node 'c' (Conv): weight 4x5x3x3 with group 1 expects 5 input channels, input has 3");
  EXPECT_MESSAGE_HAS(error_of([&] { b.add("big", OpKind::kConv, {0}, conv(4, 3, 7, 1, 1)); }),
                     "node 'big' (Conv): window of extent 7 exceeds the padded input height 6");
  EXPECT_MESSAGE_HAS(error_of([&] { b.add("p", OpKind::kPool, {0}, max_pool(2, 1, 2, false)); }),
                     "node 'p' (Pool): pads must be smaller than the kernel");
  const ValueId gap = b.add("gap", OpKind::kGlobalAveragePool, {0}, std::monostate{});
  const ValueId four = b.add("four", OpKind::kConv, {0}, conv(4, 3, 3, 1, 1));
  EXPECT_MESSAGE_HAS(error_of([&] {
                       b.add("add", OpKind::kBinary, {0, four}, BinaryAttrs{});
                     }),
                     "node 'add' (Binary): shapes 1x3x4x4 and 1x4x4x4 do not broadcast");
  EXPECT_MESSAGE_HAS(
      error_of([&] {
        b.add("cat", OpKind::kConcat, {0, gap}, std::monostate{});
      }),
      "node 'cat' (Concat): input 'gap_out' is 1x3x1x1, expected height x width 4x4");
  const ValueId f = b.add("f", OpKind::kFlatten, {0}, std::monostate{});
  GemmAttrs gemm;
  gemm.weight = Tensor(Shape({2, 47}), random_values(94, 1));
  gemm.bias.assign(2, 0.0f);
  EXPECT_MESSAGE_HAS(error_of([&] { b.add("fc", OpKind::kGemm, {f}, gemm); }),
                     "node 'fc' (Gemm): weight 2x47 does not fit input 1x48");
  EXPECT_MESSAGE_HAS(error_of([&] { b.add("bad", OpKind::kConv, {0}, PoolAttrs{}); }),
                     "node 'bad' (Conv): has attributes of the wrong kind");
}

// ---------------------------------------------------------------- BatchNorm folding

TEST(IrFoldBatchNorm, FoldedWeightsEqualHandComputed) {
  GraphBuilder b({1, 3, 5, 5});
  const ConvAttrs c = conv(4, 3, 3, 1, 10);
  const BatchNormAttrs bn = batch_norm(4, 20);
  const ValueId cv = b.add("conv", OpKind::kConv, {0}, c);
  const ValueId y = b.add("bn", OpKind::kBatchNorm, {cv}, bn);
  Graph g = b.done({y});
  EXPECT_EQ(fold_batchnorms(g), 1);
  ASSERT_EQ(g.nodes.size(), 1u);
  ASSERT_EQ(g.values.size(), 2u);
  const ConvAttrs& folded = std::get<ConvAttrs>(g.nodes[0].attrs);
  for (size_t o = 0; o < 4; ++o) {
    for (size_t k = 0; k < 27; ++k)
      EXPECT_FLOAT_EQ(folded.weight.values()[o * 27 + k],
                      c.weight.values()[o * 27 + k] * bn.scale[o]);
    EXPECT_FLOAT_EQ(folded.bias[o], c.bias[o] * bn.scale[o] + bn.shift[o]);
  }
  EXPECT_EQ(g.values[g.outputs[0]].name, "bn_out");
  EXPECT_EQ(g.values[g.nodes[0].output].producer, 0);
  EXPECT_NO_THROW(validate_graph(g));
}

TEST(IrFoldBatchNorm, ChainedBatchNormsBothFold) {
  GraphBuilder b({1, 2, 4, 4});
  const ConvAttrs c = conv(2, 2, 1, 0, 1);
  const BatchNormAttrs bn1 = batch_norm(2, 2), bn2 = batch_norm(2, 4);
  const ValueId cv = b.add("conv", OpKind::kConv, {0}, c);
  const ValueId y1 = b.add("bn1", OpKind::kBatchNorm, {cv}, bn1);
  const ValueId y2 = b.add("bn2", OpKind::kBatchNorm, {y1}, bn2);
  Graph g = b.done({y2});
  EXPECT_EQ(fold_batchnorms(g), 2);
  ASSERT_EQ(g.nodes.size(), 1u);
  const ConvAttrs& folded = std::get<ConvAttrs>(g.nodes[0].attrs);
  for (size_t o = 0; o < 2; ++o)
    EXPECT_NEAR(folded.bias[o],
                (c.bias[o] * bn1.scale[o] + bn1.shift[o]) * bn2.scale[o] + bn2.shift[o], 1e-6);
  EXPECT_NO_THROW(validate_graph(g));
}

TEST(IrFoldBatchNorm, NotFoldedWhereItWouldChangeTheResult) {
  {  // the conv output has another consumer
    GraphBuilder b({1, 2, 4, 4});
    const ValueId cv = b.add("conv", OpKind::kConv, {0}, conv(2, 2, 1, 0, 1));
    const ValueId y = b.add("bn", OpKind::kBatchNorm, {cv}, batch_norm(2, 2));
    const ValueId z = b.add("add", OpKind::kBinary, {cv, y}, BinaryAttrs{});
    Graph g = b.done({z});
    EXPECT_EQ(fold_batchnorms(g), 0);
    EXPECT_EQ(g.nodes.size(), 3u);
  }
  {  // the conv output is a graph output
    GraphBuilder b({1, 2, 4, 4});
    const ValueId cv = b.add("conv", OpKind::kConv, {0}, conv(2, 2, 1, 0, 1));
    const ValueId y = b.add("bn", OpKind::kBatchNorm, {cv}, batch_norm(2, 2));
    Graph g = b.done({y, cv});
    EXPECT_EQ(fold_batchnorms(g), 0);
  }
  {  // the conv already applies an activation
    GraphBuilder b({1, 2, 4, 4});
    ConvAttrs c = conv(2, 2, 1, 0, 1);
    c.activation.kind = Activation::Kind::kRelu;
    const ValueId cv = b.add("conv", OpKind::kConv, {0}, c);
    Graph g = b.done({b.add("bn", OpKind::kBatchNorm, {cv}, batch_norm(2, 2))});
    EXPECT_EQ(fold_batchnorms(g), 0);
  }
  {  // the producer is not a conv
    GraphBuilder b({1, 2, 4, 4});
    const ValueId p = b.add("pool", OpKind::kPool, {0}, max_pool(2, 2, 0, false));
    Graph g = b.done({b.add("bn", OpKind::kBatchNorm, {p}, batch_norm(2, 2))});
    EXPECT_EQ(fold_batchnorms(g), 0);
  }
}

// ---------------------------------------------------------------- activation fusion

TEST(IrFuseActivations, IntoConvAddGemmAndBatchNorm) {
  GraphBuilder b({1, 2, 4, 4});
  const ValueId cv = b.add("conv", OpKind::kConv, {0}, conv(2, 2, 1, 0, 1));
  const ValueId r1 = b.add("r1", OpKind::kActivation, {cv}, clip(0, 6));
  const ValueId add = b.add("add", OpKind::kBinary, {r1, 0}, BinaryAttrs{});
  const ValueId r2 = b.add("r2", OpKind::kActivation, {add}, relu());
  const ValueId bn = b.add("bn", OpKind::kBatchNorm, {r2}, batch_norm(2, 3));
  const ValueId r3 = b.add("r3", OpKind::kActivation, {bn}, relu());
  const ValueId f = b.add("flat", OpKind::kFlatten, {r3}, std::monostate{});
  GemmAttrs gemm;
  gemm.weight = Tensor(Shape({3, 32}), random_values(96, 5));
  gemm.bias.assign(3, 0.5f);
  const ValueId fc = b.add("fc", OpKind::kGemm, {f}, gemm);
  const ValueId r4 = b.add("r4", OpKind::kActivation, {fc}, relu());
  Graph g = b.done({r4});
  EXPECT_EQ(fuse_activations(g), 4);
  ASSERT_EQ(g.nodes.size(), 5u);
  const Activation& conv_act = std::get<ConvAttrs>(g.nodes[0].attrs).activation;
  EXPECT_EQ(conv_act.kind, Activation::Kind::kClip);
  EXPECT_EQ(conv_act.min, 0.0f);
  EXPECT_EQ(conv_act.max, 6.0f);
  EXPECT_EQ(std::get<BinaryAttrs>(g.nodes[1].attrs).activation.kind, Activation::Kind::kRelu);
  EXPECT_EQ(std::get<BatchNormAttrs>(g.nodes[2].attrs).activation.kind, Activation::Kind::kRelu);
  EXPECT_EQ(std::get<GemmAttrs>(g.nodes[4].attrs).activation.kind, Activation::Kind::kRelu);
  EXPECT_EQ(g.values[g.outputs[0]].name, "r4_out");
  EXPECT_NO_THROW(validate_graph(g));
}

TEST(IrFuseActivations, LeftAloneWhereFusionIsWrong) {
  GraphBuilder b({1, 2, 4, 4});
  const ValueId p = b.add("pool", OpKind::kPool, {0}, max_pool(2, 2, 0, false));
  const ValueId after_pool = b.add("after_pool", OpKind::kActivation, {p}, relu());
  const ValueId cv = b.add("conv", OpKind::kConv, {after_pool}, conv(2, 2, 1, 0, 1));
  const ValueId first = b.add("first", OpKind::kActivation, {cv}, relu());
  const ValueId second = b.add("second", OpKind::kActivation, {first}, clip(0, 1));
  const ValueId shared = b.add("shared", OpKind::kConv, {second}, conv(2, 2, 1, 0, 2));
  const ValueId r = b.add("on_shared", OpKind::kActivation, {shared}, relu());
  const ValueId sum = b.add("sum", OpKind::kBinary, {shared, r}, BinaryAttrs{});
  const ValueId out_conv = b.add("out_conv", OpKind::kConv, {sum}, conv(2, 2, 1, 0, 3));
  const ValueId r_out = b.add("on_output", OpKind::kActivation, {out_conv}, relu());
  Graph g = b.done({r_out, out_conv});
  EXPECT_EQ(fuse_activations(g), 1);  // only 'first' into 'conv'
  EXPECT_NE(std::find_if(g.nodes.begin(), g.nodes.end(),
                         [](const Node& n) { return n.name == "after_pool"; }),
            g.nodes.end());
  int standalone = 0;
  for (const Node& n : g.nodes) standalone += n.op == OpKind::kActivation;
  EXPECT_EQ(standalone, 4);  // after_pool, second, on_shared, on_output
  EXPECT_NO_THROW(validate_graph(g));
}

// ---------------------------------------------------------------- residual Add fusion

// The rewritten graph computes what the original did (to float rounding).
void expect_same_output(const Graph& rewritten, const Tensor& input, const Tensor& before) {
  const Tensor after = reference_output(rewritten, input);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) EXPECT_NEAR(after.data()[i], before.data()[i], 1e-6f);
}

TEST(IrFuseResidualAdds, BlockBecomesConvsWithTheSameResult) {
  // x -> c1 -> relu -> c2 ---------+
  // x -> down (1x1) ---------------+-> add -> relu
  GraphBuilder b({1, 4, 6, 6});
  const ValueId c1 = b.add("c1", OpKind::kConv, {0}, conv(4, 4, 3, 1, 1));
  const ValueId r1 = b.add("r1", OpKind::kActivation, {c1}, relu());
  const ValueId c2 = b.add("c2", OpKind::kConv, {r1}, conv(4, 4, 3, 1, 3));
  const ValueId down = b.add("down", OpKind::kConv, {0}, conv(4, 4, 1, 0, 5));
  const ValueId add = b.add("add", OpKind::kBinary, {c2, down}, BinaryAttrs{});
  Graph g = b.done({b.add("r2", OpKind::kActivation, {add}, relu())});
  const Tensor x(Shape({1, 4, 6, 6}), random_values(144, 7));
  const Tensor before = reference_output(g, x);

  EXPECT_EQ(fuse_activations(g), 2);
  EXPECT_EQ(fuse_residual_adds(g), 1);
  EXPECT_NO_THROW(validate_graph(g));
  ASSERT_EQ(g.nodes.size(), 3u);
  // The later conv ('down') takes c2's output as its residual and the ReLU.
  const Node& fused = g.nodes[2];
  EXPECT_EQ(fused.name, "down");
  const ConvAttrs& a = std::get<ConvAttrs>(fused.attrs);
  EXPECT_TRUE(a.residual);
  EXPECT_EQ(a.activation.kind, Activation::Kind::kRelu);
  ASSERT_EQ(fused.inputs.size(), 2u);
  EXPECT_EQ(fused.inputs[0], g.input);
  EXPECT_EQ(fused.inputs[1], g.nodes[1].output);
  EXPECT_EQ(g.values[fused.output].name, "r2_out");
  EXPECT_EQ(fused.output, g.outputs[0]);
  expect_same_output(g, x, before);
}

TEST(IrFuseResidualAdds, LeftAloneWhereFusionIsWrong) {
  GraphBuilder b({1, 2, 4, 4});
  // The conv's output has a second reader.
  const ValueId shared = b.add("shared", OpKind::kConv, {0}, conv(2, 2, 1, 0, 1));
  const ValueId gap = b.add("gap", OpKind::kGlobalAveragePool, {shared}, std::monostate{});
  const ValueId a1 = b.add("a1", OpKind::kBinary, {shared, 0}, BinaryAttrs{});
  // The conv has an activation before the Add (ReLU(conv) + x is not conv + x, then ReLU).
  const ValueId act = b.add("act", OpKind::kConv, {a1}, conv(2, 2, 1, 0, 3));
  const ValueId r = b.add("r", OpKind::kActivation, {act}, relu());
  const ValueId a2 = b.add("a2", OpKind::kBinary, {r, a1}, BinaryAttrs{});
  // The conv's output is also a graph output.
  const ValueId out = b.add("out", OpKind::kConv, {a2}, conv(2, 2, 1, 0, 5));
  const ValueId a3 = b.add("a3", OpKind::kBinary, {out, a2}, BinaryAttrs{});
  Graph g = b.done({a3, out, gap});
  EXPECT_EQ(fuse_activations(g), 1);  // 'r' into 'act'
  EXPECT_EQ(fuse_residual_adds(g), 0);
  int adds = 0;
  for (const Node& n : g.nodes) adds += n.op == OpKind::kBinary;
  EXPECT_EQ(adds, 3);
}

// Found by fuzz_plan_decode: oneDNN's brgconv crashed on a fused 1x1 conv
// with pad 1, whose first output row sees only padding.
TEST(IrFuseResidualAdds, ConvsWithPaddingOnlyRowsKeepTheirAdd) {
  GraphBuilder b({1, 2, 4, 4});
  const ValueId wide = b.add("wide", OpKind::kConv, {0}, conv(2, 2, 1, 1, 1));  // 6x6
  const ValueId wider = b.add("wider", OpKind::kConv, {0}, conv(2, 2, 1, 1, 3));
  Graph g = b.done({b.add("add", OpKind::kBinary, {wide, wider}, BinaryAttrs{})});
  EXPECT_EQ(fuse_residual_adds(g), 0);
  ASSERT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(g.nodes[2].op, OpKind::kBinary);
}

TEST(IrFuseResidualAdds, ValidatorChecksTheResidualInput) {
  GraphBuilder b({1, 2, 4, 4});
  const ValueId cv = b.add("conv", OpKind::kConv, {0}, conv(2, 2, 1, 0, 1));
  const ValueId add = b.add("add", OpKind::kBinary, {cv, 0}, BinaryAttrs{});
  Graph g = b.done({add});
  ASSERT_EQ(fuse_residual_adds(g), 1);
  EXPECT_NO_THROW(validate_graph(g));
  Graph missing = g;
  missing.nodes[0].inputs.pop_back();
  EXPECT_THROW(validate_graph(missing), Error);
  Graph unmarked = g;
  std::get<ConvAttrs>(unmarked.nodes[0].attrs).residual = false;
  EXPECT_THROW(validate_graph(unmarked), Error);
  // Pads that reach the kernel's extent: what the pass would not make.
  Graph padded = g;
  Window& w = std::get<ConvAttrs>(padded.nodes[0].attrs).window;
  w.pad_top = 3, w.stride_h = 2;  // output rows 0 and 1 see only padding; still 4x4
  EXPECT_MESSAGE_HAS(error_of([&] { validate_graph(padded); }),
                     "node 'conv' (Conv): a fused residual needs pads smaller than the kernel 1x1");
}

// ---------------------------------------------------------------- Concat -> BatchNorm fusion

TEST(IrFuseConcatBatchNorms, DenseStepBecomesOneBatchNormWithTheSameResult) {
  GraphBuilder b({1, 3, 5, 5});
  const ValueId c1 = b.add("c1", OpKind::kConv, {0}, conv(2, 3, 3, 1, 1));
  const ValueId cat = b.add("cat", OpKind::kConcat, {0, c1}, std::monostate{});
  const ValueId bn = b.add("bn", OpKind::kBatchNorm, {cat}, batch_norm(5, 3));
  const ValueId r = b.add("r", OpKind::kActivation, {bn}, relu());
  Graph g = b.done({b.add("c2", OpKind::kConv, {r}, conv(4, 5, 1, 0, 5))});
  const Tensor x(Shape({1, 3, 5, 5}), random_values(75, 9));
  const Tensor before = reference_output(g, x);

  EXPECT_EQ(fuse_activations(g), 1);
  EXPECT_EQ(fuse_concat_batchnorms(g), 1);
  EXPECT_NO_THROW(validate_graph(g));
  ASSERT_EQ(g.nodes.size(), 3u);
  const Node& fused = g.nodes[1];
  EXPECT_EQ(fused.op, OpKind::kBatchNorm);
  EXPECT_EQ(fused.inputs, (std::vector<ValueId>{g.input, g.nodes[0].output}));
  EXPECT_EQ(std::get<BatchNormAttrs>(fused.attrs).activation.kind, Activation::Kind::kRelu);
  EXPECT_EQ(g.shape_of(fused.output), Shape({1, 5, 5, 5}));
  expect_same_output(g, x, before);
}

TEST(IrFuseConcatBatchNorms, LeftAloneWhereFusionIsWrong) {
  GraphBuilder b({1, 2, 4, 4});
  // The Concat has a second reader.
  const ValueId shared = b.add("shared", OpKind::kConcat, {0, 0}, std::monostate{});
  const ValueId bn1 = b.add("bn1", OpKind::kBatchNorm, {shared}, batch_norm(4, 1));
  // The BatchNorm's activation is not a ReLU.
  const ValueId cat = b.add("cat", OpKind::kConcat, {bn1, shared}, std::monostate{});
  BatchNormAttrs clipped = batch_norm(8, 3);
  clipped.activation = Activation{Activation::Kind::kClip, 0.0f, 6.0f};
  const ValueId bn2 = b.add("bn2", OpKind::kBatchNorm, {cat}, clipped);
  Graph g = b.done({bn2});
  EXPECT_EQ(fuse_concat_batchnorms(g), 0);
  EXPECT_EQ(g.nodes.size(), 4u);

  // The validator refuses what the pass would not make.
  Graph forced = g;
  forced.nodes[3].inputs = forced.nodes[2].inputs;
  EXPECT_THROW(validate_graph(forced), Error);
}

// ---------------------------------------------------------------- dead nodes

TEST(IrRemoveDeadNodes, DropsUnreachableAndRenumbers) {
  GraphBuilder b({1, 2, 4, 4});
  b.add("dead1", OpKind::kActivation, {0}, relu());
  const ValueId cv = b.add("conv", OpKind::kConv, {0}, conv(2, 2, 1, 0, 1));
  const ValueId d2 = b.add("dead2", OpKind::kPool, {cv}, max_pool(2, 2, 0, false));
  b.add("dead3", OpKind::kActivation, {d2}, relu());
  const ValueId y = b.add("gap", OpKind::kGlobalAveragePool, {cv}, std::monostate{});
  Graph g = b.done({y});
  EXPECT_EQ(remove_dead_nodes(g), 3);
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].name, "conv");
  EXPECT_EQ(g.nodes[1].name, "gap");
  EXPECT_EQ(g.values.size(), 3u);
  EXPECT_EQ(g.values[g.outputs[0]].name, "gap_out");
  EXPECT_EQ(g.nodes[1].inputs[0], g.nodes[0].output);
  EXPECT_NO_THROW(validate_graph(g));
}

TEST(IrOptimize, ConvBatchNormReluBecomesOneConv) {
  GraphBuilder b({1, 3, 8, 8});
  const ValueId cv = b.add("conv", OpKind::kConv, {0}, conv(4, 3, 3, 1, 1));
  const ValueId bn = b.add("bn", OpKind::kBatchNorm, {cv}, batch_norm(4, 2));
  const ValueId r = b.add("relu", OpKind::kActivation, {bn}, relu());
  Graph g = b.done({r});
  optimize_graph(g);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(std::get<ConvAttrs>(g.nodes[0].attrs).activation.kind, Activation::Kind::kRelu);
  EXPECT_EQ(g.values[g.outputs[0]].name, "relu_out");
}

// ---------------------------------------------------------------- validator

Graph small_graph() {
  GraphBuilder b({1, 2, 4, 4});
  const ValueId cv = b.add("conv", OpKind::kConv, {0}, conv(3, 2, 3, 1, 1));
  const ValueId p = b.add("pool", OpKind::kPool, {cv}, max_pool(2, 2, 0, false));
  return b.done({p});
}

TEST(IrValidate, AcceptsAGoodGraph) { EXPECT_NO_THROW(validate_graph(small_graph())); }

TEST(IrValidate, CatchesBrokenGraphs) {
  {
    Graph g = small_graph();
    g.values[g.nodes[1].output].shape = Shape({1, 3, 3, 3});
    const std::string msg = error_of([&] { validate_graph(g); });
    EXPECT_MESSAGE_HAS(msg,
                       "invalid graph: node 'pool' (Pool): output 'pool_out' is stored as 1x3x3x3, "
                       "the op gives 1x3x2x2");
  }
  {
    Graph g = small_graph();
    std::swap(g.nodes[0], g.nodes[1]);
    g.values[g.nodes[0].output].producer = 0;
    g.values[g.nodes[1].output].producer = 1;
    EXPECT_MESSAGE_HAS(error_of([&] { validate_graph(g); }), "not in topological order");
  }
  {
    Graph g = small_graph();
    g.nodes[1].attrs = ConvAttrs{};
    EXPECT_MESSAGE_HAS(error_of([&] { validate_graph(g); }),
                       "node 'pool' (Pool): has attributes of the wrong kind");
  }
  {
    Graph g = small_graph();
    g.values[0].shape = Shape({2, 2, 4, 4});
    EXPECT_MESSAGE_HAS(error_of([&] { validate_graph(g); }), "the graph input 'x' must be 1xCxHxW");
  }
  {
    Graph g = small_graph();
    g.values[g.nodes[0].output].producer = 1;
    EXPECT_MESSAGE_HAS(error_of([&] { validate_graph(g); }), "names the wrong producer");
  }
  {
    Graph g = small_graph();
    g.nodes[1].name = "conv";
    EXPECT_MESSAGE_HAS(error_of([&] { validate_graph(g); }), "has the name of another node");
  }
  {
    Graph g = small_graph();
    g.nodes[1].inputs[0] = 17;
    EXPECT_MESSAGE_HAS(error_of([&] { validate_graph(g); }),
                       "node 'pool' (Pool): an input refers to no value");
  }
  {
    Graph g = small_graph();
    g.outputs.clear();
    EXPECT_MESSAGE_HAS(error_of([&] { validate_graph(g); }), "the graph has no outputs");
  }
  {
    Graph g = small_graph();
    std::get<ConvAttrs>(g.nodes[0].attrs).bias.pop_back();
    EXPECT_MESSAGE_HAS(error_of([&] { validate_graph(g); }),
                       "node 'conv' (Conv): bias has 2 values for 3 output channels");
  }
}

}  // namespace
}  // namespace edgeflow
