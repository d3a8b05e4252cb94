// WindowPartition, WindowReverse and ColumnGather kernels vs the reference,
// whole and on row slices (token slices that start and end inside window
// bands, map slices of single rows), and the reference against the ONNX
// Reshape -> Transpose -> Reshape it stands for, index by index. All three
// only copy, so results must be exact.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

TEST(KernelWindowTokens, PartitionAndReverseMatchReferenceWholeAndSliced) {
  std::mt19937 rng(81);
  const std::vector<std::pair<Shape, WindowTokensAttrs>> cases = {
      {Shape({1, 96, 56, 56}), {7, 7, 56, 56}},  // Swin-T stage 1
      {Shape({1, 4, 6, 9}), {2, 3, 6, 9}},       // non-square windows
      {Shape({1, 3, 4, 4}), {4, 4, 4, 4}},       // one window
      {Shape({1, 2, 5, 3}), {1, 1, 5, 3}},       // one-pixel windows: row-major order
  };
  for (const auto& [map, a] : cases) {
    SCOPED_TRACE(map.str());
    const Graph partition = inferred_graph(OpKind::kWindowPartition, {map}, a);
    expect_kernel_exact(partition, rng);
    const Graph reverse =
        inferred_graph(OpKind::kWindowReverse, {Shape({1, map.dims[2] * map.dims[3], map.dims[1]})}, a);
    expect_kernel_exact(reverse, rng);
  }
}

// Token t of a 4x6 map in 2x3 windows, computed as the exporters' reshapes
// do: [1, 2, 2, 2, 3] (i, y, j, x) transposed to (i, j, y, x).
TEST(KernelWindowTokens, PartitionIsTheExportersReshapeTransposeReshape) {
  const WindowTokensAttrs a{2, 3, 4, 6};
  const Graph g = inferred_graph(OpKind::kWindowPartition, {Shape({1, 1, 4, 6})}, a);
  std::vector<float> pixels(24);
  for (int i = 0; i < 24; ++i) pixels[i] = static_cast<float>(i);  // value = h*6 + w
  const Tensor x(Shape({1, 1, 4, 6}), pixels);
  const Tensor y = reference_forward(g, g.nodes[0], {&x});
  int t = 0;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int yy = 0; yy < 2; ++yy)
        for (int xx = 0; xx < 3; ++xx, ++t)
          EXPECT_EQ(y.data()[t], float((i * 2 + yy) * 6 + j * 3 + xx)) << "token " << t;
  EXPECT_EQ(run_stitched(g, {x}, {{0, 6}, {6, 13}, {13, 24}}), y.values());
}

TEST(KernelColumnGather, RollsAndSlicesMatchReference) {
  std::mt19937 rng(82);
  std::vector<int64_t> roll;  // torch.roll by -3 over 56 columns
  for (int64_t x = 0; x < 56; ++x) roll.push_back((x + 3) % 56);
  std::vector<int64_t> evens;
  for (int64_t x = 0; x < 56; x += 2) evens.push_back(x);
  for (const auto& source : {roll, evens, std::vector<int64_t>{4, 4, 0}}) {
    const Graph g = inferred_graph(OpKind::kColumnGather, {Shape({1, 5, 6, 56})},
                                   ColumnGatherAttrs{source});
    expect_kernel_exact(g, rng);
  }
}

}  // namespace
}  // namespace edgeflow::test
