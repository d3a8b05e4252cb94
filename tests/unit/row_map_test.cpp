// required_input_rows() and needs_whole_input() on hand-computed cases.
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

TEST(RowMap, EmptyOutputNeedsNoRows) {
  const Graph g = conv_3x3(2, 1, 1, 10);
  EXPECT_TRUE(rows(g, {3, 3}).empty());
  EXPECT_TRUE(rows(global_average_pool_graph(map_shape(3, 7, 5)), {0, 0}).empty());
}

}  // namespace
}  // namespace edgeflow::test
