// Resize kernel vs the reference: every mode, coordinate transformation and
// nearest rounding, scales up and down (or sizes), whole and as stitched row
// slices made from only the rows the row map names.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

Graph resize_graph(const Shape& in, ResizeAttrs a) {
  return inferred_graph(OpKind::kResize, {in}, a);
}

ResizeAttrs random_resize(std::mt19937& rng, const Shape& in) {
  ResizeAttrs a;
  a.mode = coin(rng) ? ResizeAttrs::Mode::kNearest : ResizeAttrs::Mode::kLinear;
  a.coordinate = static_cast<ResizeAttrs::Coordinate>(uniform_int(rng, 0, 4));
  a.nearest = static_cast<ResizeAttrs::Nearest>(uniform_int(rng, 0, 4));
  static const double kScales[] = {0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 1.0 / 3.0, 2.5};
  if (coin(rng)) {
    a.sizes_given = true;
    a.out_h = uniform_int(rng, 1, 3 * in.height());
    a.out_w = uniform_int(rng, 1, 3 * in.width());
  } else {
    do {
      a.scale_h = kScales[uniform_int(rng, 0, 7)];
      a.scale_w = kScales[uniform_int(rng, 0, 7)];
      a.out_h = static_cast<int64_t>(std::floor(in.height() * a.scale_h));
      a.out_w = static_cast<int64_t>(std::floor(in.width() * a.scale_w));
    } while (a.out_h < 1 || a.out_w < 1);
  }
  return a;
}

TEST(KernelResize, EveryModeMatchesReferenceWholeAndSliced) {
  std::mt19937 rng(91);
  for (int config = 0; config < 120; ++config) {
    const Shape in = map_shape(uniform_int(rng, 1, 6), uniform_int(rng, 1, 16),
                               uniform_int(rng, 1, 12));
    const Graph g = resize_graph(in, random_resize(rng, in));
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelResize, NearestFloorAsymmetricUpsamplesByRepeating) {
  ResizeAttrs a;
  a.coordinate = ResizeAttrs::Coordinate::kAsymmetric;
  a.nearest = ResizeAttrs::Nearest::kFloor;
  a.scale_h = 2.0, a.scale_w = 3.0, a.out_h = 4, a.out_w = 3;
  const Graph g = resize_graph(map_shape(1, 2, 1), a);
  const Tensor x(map_shape(1, 2, 1), std::vector<float>{1, 2});
  const Tensor y = reference_forward(g, g.nodes[0], {&x});
  EXPECT_EQ(y.values(), (std::vector<float>{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2}));
  std::vector<float> out(12);
  onednn_factory().make(g, g.nodes[0], {0, 4})->run({x.data()}, out.data());
  EXPECT_EQ(out, y.values());
}

TEST(KernelResize, LinearAlignCornersHitsTheCorners) {
  ResizeAttrs a;
  a.mode = ResizeAttrs::Mode::kLinear;
  a.coordinate = ResizeAttrs::Coordinate::kAlignCorners;
  a.sizes_given = true;
  a.out_h = 3, a.out_w = 1;
  const Graph g = resize_graph(map_shape(1, 2, 1), a);
  const Tensor x(map_shape(1, 2, 1), std::vector<float>{1, 3});
  std::vector<float> out(3);
  onednn_factory().make(g, g.nodes[0], {0, 3})->run({x.data()}, out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3}));
}

}  // namespace
}  // namespace edgeflow::test
