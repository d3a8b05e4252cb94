// The Tile kernel vs the reference on maps, tokens and vectors, whole and on
// row slices: repeats of the rows read every input row, the others keep each
// row's own. It only copies, so results must be exact.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

TEST(KernelTile, AnyRepeatsOfMapsTokensAndVectorsMatchReferenceWholeAndSliced) {
  std::mt19937 rng(104);
  for (int config = 0; config < 40; ++config) {
    Shape in;
    switch (uniform_int(rng, 0, 2)) {
      case 0: in = vector_shape(uniform_int(rng, 1, 6)); break;
      case 1: in = Shape({1, uniform_int(rng, 1, 5), uniform_int(rng, 1, 5)}); break;
      default: in = map_shape(uniform_int(rng, 1, 4), uniform_int(rng, 1, 5), uniform_int(rng, 1, 5));
    }
    TileAttrs a{Dims(in.rank(), 1)};
    for (size_t i = 1; i < in.rank(); ++i)
      if (coin(rng)) a.repeats[i] = uniform_int(rng, 1, 4);
    const Graph g = inferred_graph(OpKind::kTile, {in}, a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    EXPECT_FALSE(needs_whole_input(g.nodes[0]));
    expect_kernel_exact(g, rng);
  }
}

// An SE-like [1, C, 1, 1] expanded over H and W: every output row reads the
// one input row; ONNX's order by hand.
TEST(KernelTile, ABroadcastVectorFillsEveryPixel) {
  const Tensor x(Shape({1, 2, 1, 1}), std::vector<float>{5, 7});
  const Graph g = inferred_graph(OpKind::kTile, {map_shape(2, 1, 1)}, TileAttrs{{1, 1, 3, 2}});
  EXPECT_EQ(g.shape_of(g.nodes[0].output), Shape({1, 2, 3, 2}));
  EXPECT_EQ(required_input_rows(g, g.nodes[0], 0, {1, 3}), (RowRange{0, 1}));
  const std::vector<float> nhwc = {5, 7, 5, 7, 5, 7, 5, 7, 5, 7, 5, 7};
  EXPECT_EQ(reference_forward(g, g.nodes[0], {&x}).values(), nhwc);
  EXPECT_EQ(run_stitched(g, {x}, {{0, 1}, {1, 3}}), nhwc);
}

}  // namespace
}  // namespace edgeflow::test
