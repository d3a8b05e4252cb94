// DepthToSpace (both modes) and SpaceToDepth kernels vs the reference, whole
// and on row slices that start and end inside blocks of b rows; and the
// reference against the ONNX definition's reshape-transpose on a hand case.
// Both only copy, so results must be exact.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

TEST(KernelDepthSpace, BothDirectionsAndModesMatchReferenceWholeAndSliced) {
  std::mt19937 rng(93);
  for (int config = 0; config < 24; ++config) {
    const int64_t b = uniform_int(rng, 1, 4);
    const bool to_space = coin(rng);
    DepthSpaceAttrs a{b, to_space && coin(rng)};
    const Shape in = to_space ? map_shape(b * b * uniform_int(rng, 1, 4), uniform_int(rng, 1, 7),
                                          uniform_int(rng, 1, 7))
                              : map_shape(uniform_int(rng, 1, 5), b * uniform_int(rng, 1, 5),
                                          b * uniform_int(rng, 1, 4));
    const Graph g =
        inferred_graph(to_space ? OpKind::kDepthToSpace : OpKind::kSpaceToDepth, {in}, a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g) + " block " +
                 std::to_string(b) + (a.crd ? " CRD" : " DCR"));
    expect_kernel_exact(g, rng);
  }
}

// 8 channels, one pixel, b = 2 -> 2 channels of 2x2. DCR: channel c' of
// pixel (i, j) is input channel (i*2 + j)*2 + c'; CRD: c'*4 + i*2 + j.
TEST(KernelDepthSpace, TheModesOrderTheChannelsAsOnnxSays) {
  std::vector<float> v(8);
  for (int k = 0; k < 8; ++k) v[k] = float(k);
  const Tensor x(Shape({1, 8, 1, 1}), v);
  for (bool crd : {false, true}) {
    const Graph g = inferred_graph(OpKind::kDepthToSpace, {map_shape(8, 1, 1)},
                                   DepthSpaceAttrs{2, crd});
    const Tensor y = reference_forward(g, g.nodes[0], {&x});
    // NHWC [1, 2, 2, 2]: pixel (i, j), channel c' at (i*2 + j)*2 + c'.
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        for (int c = 0; c < 2; ++c)
          EXPECT_EQ(y.data()[(i * 2 + j) * 2 + c], float(crd ? c * 4 + i * 2 + j
                                                             : (i * 2 + j) * 2 + c))
              << (crd ? "CRD" : "DCR") << " " << i << j << c;
    EXPECT_EQ(run_stitched(g, {x}, {{0, 1}, {1, 2}}), y.values());
  }
}

}  // namespace
}  // namespace edgeflow::test
