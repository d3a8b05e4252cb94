// required_input_rows() and needs_whole_input() on hand-computed cases, for
// every op (the kernel tests check each map again by computing slices from
// only the rows it names).
#include <gtest/gtest.h>

#include "graph_builders.h"

namespace edgeflow::test {
namespace {

RowRange rows(const Graph& g, RowRange out, int input = 0) {
  return required_input_rows(g, g.nodes.at(0), input, out);
}

Graph conv_3x3(int64_t stride, int64_t pad, int64_t dilation, int64_t height) {
  ConvAttrs conv;
  conv.window = Window{3, 3, stride, stride, dilation, dilation, pad, pad, pad, pad};
  conv.weight = Tensor(Shape({1, 1, 3, 3}));
  conv.bias = {0.0f};
  return conv_graph(map_shape(1, height, 5), std::move(conv));
}

TEST(RowMap, ConvStride2Pad1Kernel3) {
  const Graph g = conv_3x3(2, 1, 1, 10);  // 5 output rows
  ASSERT_EQ(g.shape_of(1).height(), 5);
  EXPECT_EQ(rows(g, {0, 1}), (RowRange{0, 2}));   // window [-1, 2)
  EXPECT_EQ(rows(g, {2, 4}), (RowRange{3, 8}));   // windows [3, 6) .. [5, 8)
  EXPECT_EQ(rows(g, {4, 5}), (RowRange{7, 10}));  // window [7, 10)
  EXPECT_EQ(rows(g, {0, 5}), (RowRange{0, 10}));
}

TEST(RowMap, ConvDilation2) {
  const Graph g = conv_3x3(1, 2, 2, 8);  // extent 5, 8 output rows
  ASSERT_EQ(g.shape_of(1).height(), 8);
  EXPECT_EQ(rows(g, {0, 1}), (RowRange{0, 3}));  // window [-2, 3)
  EXPECT_EQ(rows(g, {3, 5}), (RowRange{1, 7}));  // [1, 6) .. [2, 7)
  EXPECT_EQ(rows(g, {7, 8}), (RowRange{5, 8}));  // [5, 10) clamped
}

TEST(RowMap, CeilModePoolLastWindowClamped) {
  PoolAttrs pool;
  pool.ceil_mode = true;
  pool.window = Window{3, 3, 2, 2, 1, 1, 0, 0, 0, 0};
  const Graph g = pool_graph(map_shape(1, 8, 8), pool);
  ASSERT_EQ(g.shape_of(1).height(), 4);  // ceil((8 - 3) / 2) + 1
  EXPECT_EQ(rows(g, {3, 4}), (RowRange{6, 8}));  // window [6, 9) overhangs
  EXPECT_EQ(rows(g, {0, 2}), (RowRange{0, 5}));
}

TEST(RowMap, PadTopAndBottom) {
  PadAttrs p;
  p.top = 2;
  p.bottom = 1;
  const Graph g = pad_graph(map_shape(1, 5, 3), p);  // 8 output rows
  EXPECT_TRUE(rows(g, {0, 2}).empty());              // top pad only
  EXPECT_EQ(rows(g, {0, 3}), (RowRange{0, 1}));
  EXPECT_EQ(rows(g, {3, 7}), (RowRange{1, 5}));
  EXPECT_EQ(rows(g, {6, 8}), (RowRange{4, 5}));
  EXPECT_TRUE(rows(g, {7, 8}).empty());  // bottom pad only
}

TEST(RowMap, NegativePadCrops) {
  PadAttrs p;
  p.top = -1;
  const Graph g = pad_graph(map_shape(1, 5, 3), p);
  EXPECT_EQ(rows(g, {0, 2}), (RowRange{1, 3}));
}

TEST(RowMap, RowLocalOpsReadTheSameRows) {
  const Graph add = add_graph(map_shape(2, 9, 3), Activation{});
  EXPECT_EQ(rows(add, {2, 5}, 0), (RowRange{2, 5}));
  EXPECT_EQ(rows(add, {2, 5}, 1), (RowRange{2, 5}));
  const Graph cat = concat_graph({map_shape(2, 9, 3), map_shape(4, 9, 3), map_shape(1, 9, 3)});
  EXPECT_EQ(rows(cat, {8, 9}, 2), (RowRange{8, 9}));
  EXPECT_FALSE(needs_whole_input(add.nodes[0]));
  EXPECT_FALSE(needs_whole_input(cat.nodes[0]));
  for (int k = 1; k <= static_cast<int>(Activation::kLastKind); ++k) {
    const auto kind = static_cast<Activation::Kind>(k);
    const Graph act = activation_graph(map_shape(2, 9, 3), Activation{kind});
    EXPECT_EQ(rows(act, {4, 6}), (RowRange{4, 6})) << activation_name(kind);
    EXPECT_FALSE(needs_whole_input(act.nodes[0]));
  }
  BinaryAttrs sub{BinaryAttrs::Kind::kSub, Tensor(Shape({1, 2, 9, 3})), 0, {}};
  const Graph with_constant = inferred_graph(OpKind::kBinary, {map_shape(2, 9, 3)}, sub);
  EXPECT_EQ(rows(with_constant, {4, 6}), (RowRange{4, 6}));
}

TEST(RowMap, WholeOpsReadAllRows) {
  const Graph gap = global_average_pool_graph(map_shape(3, 7, 5));
  const Graph flat = flatten_graph(map_shape(3, 7, 5));
  GemmAttrs gemm;
  gemm.weight = Tensor(Shape({2, 6}));
  gemm.bias = {0.0f, 0.0f};
  const Graph fc = gemm_graph(6, std::move(gemm));
  for (const Graph* g : {&gap, &flat}) {
    EXPECT_TRUE(needs_whole_input(g->nodes[0]));
    EXPECT_EQ(rows(*g, {0, 1}), (RowRange{0, 7}));
  }
  EXPECT_TRUE(needs_whole_input(fc.nodes[0]));
  EXPECT_EQ(rows(fc, {0, 1}), (RowRange{0, 1}));
}

TEST(RowMap, ConvTransposeReadsTheInputRowsThatReachTheSlice) {
  // kernel 3, stride 2, pad 1: input row i writes output rows [2i - 1, 2i + 2).
  ConvTransposeAttrs a;
  a.window = Window{3, 3, 2, 2, 1, 1, 1, 1, 1, 1};
  a.weight = Tensor(Shape({1, 1, 3, 3}));
  a.bias = {0.0f};
  const Graph g = inferred_graph(OpKind::kConvTranspose, {map_shape(1, 5, 4)}, a);
  ASSERT_EQ(g.shape_of(1).height(), 9);              // 2*4 + 3 - 2
  EXPECT_EQ(rows(g, {0, 1}), (RowRange{0, 1}));      // row 0 <- input 0
  EXPECT_EQ(rows(g, {1, 2}), (RowRange{0, 2}));      // row 1 <- inputs 0 and 1
  EXPECT_EQ(rows(g, {3, 6}), (RowRange{1, 4}));
  EXPECT_EQ(rows(g, {8, 9}), (RowRange{4, 5}));
  // Stride wider than the kernel: row 1 is reached by no input (bias only).
  a.window = Window{1, 1, 3, 3, 1, 1, 0, 0, 0, 0};
  a.weight = Tensor(Shape({1, 1, 1, 1}));
  const Graph wide = inferred_graph(OpKind::kConvTranspose, {map_shape(1, 4, 4)}, a);
  EXPECT_TRUE(rows(wide, {1, 3}).empty());
  EXPECT_EQ(rows(wide, {2, 7}), (RowRange{1, 3}));
}

TEST(RowMap, ResizeReadsTheSourceRowsOfItsCoordinateMap) {
  ResizeAttrs nearest;
  nearest.coordinate = ResizeAttrs::Coordinate::kAsymmetric;
  nearest.nearest = ResizeAttrs::Nearest::kFloor;
  nearest.scale_h = nearest.scale_w = 2.0, nearest.out_h = 10, nearest.out_w = 8;
  const Graph up = inferred_graph(OpKind::kResize, {map_shape(2, 5, 4)}, nearest);
  EXPECT_EQ(rows(up, {0, 2}), (RowRange{0, 1}));
  EXPECT_EQ(rows(up, {3, 7}), (RowRange{1, 4}));
  ResizeAttrs linear = nearest;
  linear.mode = ResizeAttrs::Mode::kLinear;
  linear.coordinate = ResizeAttrs::Coordinate::kHalfPixel;
  const Graph lin = inferred_graph(OpKind::kResize, {map_shape(2, 5, 4)}, linear);
  // Output row 3 sits at (3.5)/2 - 0.5 = 1.25: rows 1 and 2; row 9 at 4.25: row 4 only.
  EXPECT_EQ(rows(lin, {3, 4}), (RowRange{1, 3}));
  EXPECT_EQ(rows(lin, {0, 1}), (RowRange{0, 1}));
  EXPECT_EQ(rows(lin, {9, 10}), (RowRange{4, 5}));
}

// A 56x56 map in 7x7 windows: a band of 7 map rows is 392 tokens.
TEST(RowMap, WindowTokensReadWholeWindowBands) {
  const WindowTokensAttrs w{7, 7, 56, 56};
  const Graph partition = inferred_graph(OpKind::kWindowPartition, {map_shape(4, 56, 56)}, w);
  EXPECT_EQ(rows(partition, {0, 392}), (RowRange{0, 7}));
  EXPECT_EQ(rows(partition, {391, 393}), (RowRange{0, 14}));
  EXPECT_EQ(rows(partition, {3000, 3136}), (RowRange{49, 56}));
  const Graph reverse = inferred_graph(OpKind::kWindowReverse, {Shape({1, 3136, 4})}, w);
  EXPECT_EQ(rows(reverse, {0, 1}), (RowRange{0, 392}));
  EXPECT_EQ(rows(reverse, {6, 8}), (RowRange{0, 784}));
  EXPECT_EQ(rows(reverse, {55, 56}), (RowRange{2744, 3136}));
}

// Windowed attention reads the keys of the blocks its queries fall in.
TEST(RowMap, WindowedAttentionReadsItsBlocksOfKeys) {
  AttentionAttrs a;
  a.heads = 1, a.block = 49;
  const Shape t({1, 196, 8});
  const Graph g = inferred_graph(OpKind::kAttention, {t, t, t}, a);
  EXPECT_EQ(required_input_rows(g, g.nodes[0], 0, {50, 60}), (RowRange{50, 60}));
  EXPECT_EQ(required_input_rows(g, g.nodes[0], 1, {50, 60}), (RowRange{49, 98}));
  EXPECT_EQ(required_input_rows(g, g.nodes[0], 2, {48, 99}), (RowRange{0, 147}));
}

TEST(RowMap, BroadcastInputsAreReadWhole) {
  BinaryAttrs mul;
  mul.kind = BinaryAttrs::Kind::kMul;
  const Graph se = inferred_graph(OpKind::kBinary, {map_shape(4, 1, 1), map_shape(4, 9, 3)}, mul);
  EXPECT_EQ(rows(se, {5, 8}, 0), (RowRange{0, 1}));  // the SE scale
  EXPECT_EQ(rows(se, {5, 8}, 1), (RowRange{5, 8}));
  const Graph att = inferred_graph(OpKind::kMatMul, {Shape({1, 9, 4}), Shape({1, 4, 9})},
                                   MatMulAttrs{});
  EXPECT_EQ(rows(att, {2, 3}, 0), (RowRange{2, 3}));
  EXPECT_EQ(rows(att, {2, 3}, 1), (RowRange{0, 4}));  // B whole
  EXPECT_FALSE(needs_whole_input(att.nodes[0]));
}

TEST(RowMap, LayoutOpsAreRowLocalOnlyWhenTheRowsStayPut) {
  const Graph shuffle = inferred_graph(OpKind::kChannelGather, {map_shape(4, 6, 3)},
                                       ChannelGatherAttrs{{0, 2, 1, 3}});
  EXPECT_FALSE(needs_whole_input(shuffle.nodes[0]));
  EXPECT_EQ(rows(shuffle, {2, 4}), (RowRange{2, 4}));
  const Graph squeeze = inferred_graph(OpKind::kReshape, {map_shape(1, 6, 3)},
                                       ReshapeAttrs{{1, 6, 3}, true});
  EXPECT_FALSE(needs_whole_input(squeeze.nodes[0]));
  const Graph tokens = inferred_graph(OpKind::kReshape, {map_shape(4, 6, 3)},
                                      ReshapeAttrs{{1, 4, 18}, false});
  EXPECT_TRUE(needs_whole_input(tokens.nodes[0]));
  EXPECT_EQ(rows(tokens, {0, 1}), (RowRange{0, 6}));
  const Graph transpose = inferred_graph(OpKind::kTranspose, {Shape({1, 6, 3})},
                                         TransposeAttrs{{0, 2, 1}});
  EXPECT_TRUE(needs_whole_input(transpose.nodes[0]));
  const Graph per_pixel = inferred_graph(OpKind::kSoftmax, {map_shape(4, 6, 3)},
                                         SoftmaxAttrs{-3, false});
  EXPECT_FALSE(needs_whole_input(per_pixel.nodes[0]));
  const Graph over_rows = inferred_graph(OpKind::kSoftmax, {map_shape(4, 6, 3)},
                                         SoftmaxAttrs{-3, true});
  EXPECT_TRUE(needs_whole_input(over_rows.nodes[0]));
}

TEST(RowMap, EmptyOutputNeedsNoRows) {
  const Graph g = conv_3x3(2, 1, 1, 10);
  EXPECT_TRUE(rows(g, {3, 3}).empty());
  EXPECT_TRUE(rows(global_average_pool_graph(map_shape(3, 7, 5)), {0, 0}).empty());
}

}  // namespace
}  // namespace edgeflow::test
