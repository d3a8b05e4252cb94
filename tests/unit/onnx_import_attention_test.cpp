// Token models through the importer: the Reshapes and Transposes around
// attention become strided views, and what the IR runs is one Attention node
// per block, Linear layers on the tokens, and row ops for the class token.
#include <gtest/gtest.h>

#include <algorithm>

#include "edgeflow/onnx_import.h"
#include "onnx_import_checks.h"

namespace edgeflow::onnx_test {
namespace {

const std::string kTiny = std::string(EDGEFLOW_SOURCE_DIR) + "/models/tiny/";

int count(const Graph& g, OpKind op) {
  const std::vector<OpKind> kinds = ops(g);
  return static_cast<int>(std::count(kinds.begin(), kinds.end(), op));
}

TEST(OnnxAttention, AVisionTransformerImportsToAttentionNodesWithoutTransposesOrReshapes) {
  const Graph g = import_onnx(kTiny + "vit_small.onnx", {});
  EXPECT_EQ(count(g, OpKind::kAttention), 2);  // one per encoder layer
  EXPECT_EQ(count(g, OpKind::kRowConcat), 1);  // the class token
  EXPECT_EQ(count(g, OpKind::kRowSlice), 1);   // and picking it for the head
  EXPECT_EQ(count(g, OpKind::kLayerNorm), 5);
  // Only the patch embedding's flatten and transpose to tokens stay.
  EXPECT_EQ(count(g, OpKind::kTranspose) + count(g, OpKind::kReshape), 2);
  for (const Node& n : g.nodes) {
    if (n.op != OpKind::kAttention) continue;
    const AttentionAttrs& a = std::get<AttentionAttrs>(n.attrs);
    EXPECT_EQ(a.heads, 4);
    EXPECT_FLOAT_EQ(a.scale, 0.5f);  // 1/sqrt(16/4)
    EXPECT_EQ(g.shape_of(n.output), Shape({1, 17, 16}));
    // q, k, v are thirds of the in-projection.
    for (ValueId v : n.inputs)
      EXPECT_EQ(g.nodes[g.values[v].producer].op, OpKind::kChannelGather);
  }
}

// timm's and Swin's form: one q/k/v projection reshaped [1, N, 3, h, d], permuted and
// unbound by Gathers along the "3".
TEST(OnnxAttention, AFusedQkvProjectionUnboundByGathersIsOneAttentionNode) {
  const Graph g = import_onnx(kTiny + "attention_fused_qkv.onnx", {});
  EXPECT_EQ(count(g, OpKind::kAttention), 1);
  EXPECT_EQ(count(g, OpKind::kChannelGather), 3);
  EXPECT_EQ(count(g, OpKind::kTranspose) + count(g, OpKind::kReshape), 2);  // to tokens only
  for (const Node& n : g.nodes) {
    if (n.op != OpKind::kChannelGather) continue;
    const std::vector<int64_t>& source = std::get<ChannelGatherAttrs>(n.attrs).source;
    ASSERT_EQ(source.size(), 12u);  // a third of the 36 projected features, in order
    EXPECT_EQ(source.back() - source.front(), 11);
  }
}

// Swin (torchvision's blocks): channels-last maps, windows, shifted windows
// and patch merging import with no Transpose or Reshape at all: four windowed
// Attention nodes (two stages of two blocks), their partitions and reverses,
// the rolls of the shifted blocks as row and column moves.
TEST(OnnxAttention, SwinImportsToWindowedAttentionOnMapsWithoutTransposes) {
  const Graph g = import_onnx(kTiny + "swin_small.onnx", {});
  EXPECT_EQ(count(g, OpKind::kAttention), 4);
  EXPECT_EQ(count(g, OpKind::kWindowPartition), 4);
  EXPECT_EQ(count(g, OpKind::kWindowReverse), 4);
  EXPECT_EQ(count(g, OpKind::kTranspose) + count(g, OpKind::kReshape), 0);
  // Stage 1 (8x8 map, 2x2 windows) rolls its shifted block there and back:
  // two RowConcats of RowSlices along H, two ColumnGathers along W. Stage 2
  // is one window (4x4 in 2x2 windows: shifted too).
  EXPECT_EQ(count(g, OpKind::kRowConcat), 4);
  EXPECT_GE(count(g, OpKind::kColumnGather), 4);
  for (const Node& n : g.nodes) {
    if (n.op != OpKind::kAttention) continue;
    const AttentionAttrs& a = std::get<AttentionAttrs>(n.attrs);
    EXPECT_EQ(a.heads, 2);
    EXPECT_EQ(a.block, 4);  // 2x2 windows
    ASSERT_FALSE(a.bias.empty());
    EXPECT_EQ(a.bias.shape().dims.back(), 4);
    // The partition feeds the projection whose thirds are q, k and v.
    for (ValueId v : n.inputs)
      EXPECT_EQ(g.nodes[g.values[v].producer].op, OpKind::kChannelGather);
  }
}

// Tokens [1, 6, 4] made sequence-first and back: no node at all.
TEST(OnnxAttention, ASequenceFirstRoundTripIsTheTokensThemselves) {
  ModelBuilder m(13);
  m.input("x", {1, 4, 2, 3});
  m.initializer_int64("to_tokens", {3}, {1, 4, 6});
  m.node("Reshape", {"x", "to_tokens"}, {"flat"}, "flat");
  attr_ints(m.node("Transpose", {"flat"}, {"t"}, "tokens"), "perm", {0, 2, 1});
  attr_ints(m.node("Transpose", {"t"}, {"seq"}, "seq_first"), "perm", {1, 0, 2});
  m.initializer("w", {4, 5}, random_floats(20, 3));
  m.node("MatMul", {"seq", "w"}, {"lin"}, "linear");           // on the view
  m.initializer("scale", {}, {2.0f});
  m.node("Mul", {"lin", "scale"}, {"scaled"}, "scale");          // only the view's scale
  attr_ints(m.node("Transpose", {"scaled"}, {"y"}, "batch_first"), "perm", {1, 0, 2});
  m.output("y");
  const Graph g = import(m);
  // Flatten, transpose to tokens, the linear layer; the scale (a Mul where the view is
  // materialized as the output) folds into its weights.
  EXPECT_EQ(ops(g), (std::vector<OpKind>{OpKind::kReshape, OpKind::kTranspose, OpKind::kMatMul}));
  EXPECT_EQ(output_shape(g), Shape({1, 6, 5}));
}

// A Softmax of scores that no MatMul with values follows cannot stand alone.
TEST(OnnxAttention, ScoresWithoutValuesAreRefusedNamingTheNode) {
  ModelBuilder m(13);
  m.input("x", {1, 4, 2, 3});
  m.initializer_int64("to_tokens", {3}, {1, 4, 6});
  m.node("Reshape", {"x", "to_tokens"}, {"flat"}, "flat");
  attr_ints(m.node("Transpose", {"flat"}, {"t"}, "tokens"), "perm", {0, 2, 1});
  m.initializer_int64("heads", {3}, {6, 2, 2});
  m.node("Reshape", {"t", "heads"}, {"split"}, "split_heads");
  attr_ints(m.node("Transpose", {"split"}, {"q"}, "q"), "perm", {1, 0, 2});
  attr_ints(m.node("Transpose", {"split"}, {"kt"}, "kt"), "perm", {1, 2, 0});
  m.node("MatMul", {"q", "kt"}, {"scores"}, "scores");
  m.node("Relu", {"scores"}, {"y"}, "relu_scores");
  m.output("y");
  EXPECT_MESSAGE_HAS(import_error(m), "node 'relu_scores' (Relu): input 'scores' is the "
                                      "attention scores");
}

TEST(OnnxRows, RowConcatWithConstantsAndRowSlicesOfTokens) {
  const Graph g = import_onnx(kTiny + "token_rows.onnx", {});
  EXPECT_EQ(count(g, OpKind::kRowConcat), 1);
  EXPECT_EQ(count(g, OpKind::kRowSlice), 3);  // every second row, the last row, rows of a map
  for (const Node& n : g.nodes) {
    if (n.op != OpKind::kRowConcat) continue;
    EXPECT_EQ(std::get<RowConcatAttrs>(n.attrs).parts, (std::vector<int64_t>{-1, 0, -2}));
  }
}

}  // namespace
}  // namespace edgeflow::onnx_test
