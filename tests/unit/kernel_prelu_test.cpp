// PRelu kernels vs the reference over the slope broadcasts of real models (one
// slope for all, per channel as torch's nn.PReLU(C) exports it) and the rest
// ONNX allows (per row, per column, a slope per element), on maps, [1, A, B]
// and [1, K] tensors, whole and as row slices.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

Graph prelu_graph(const Shape& x, const Dims& slope_dims, std::mt19937& rng) {
  PReluAttrs p;
  p.slope =
      Tensor(Shape(slope_dims), random_values(Shape(slope_dims).elements(), rng, -2.0f, 2.0f));
  return inferred_graph(OpKind::kPRelu, {x}, p);
}

TEST(KernelPRelu, SlopesBroadcastAsOnnxSays) {
  std::mt19937 rng(91);
  for (int config = 0; config < 120; ++config) {
    const int kind = static_cast<int>(uniform_int(rng, 0, 9));
    const Shape x = kind < 7   ? random_map_shape(rng)
                    : kind < 9 ? Shape({1, uniform_int(rng, 1, 9), uniform_int(rng, 1, 7)})
                               : Shape({1, uniform_int(rng, 1, 40)});
    const Dims& d = x.dims;
    Dims sd(d.size(), 1);  // one slope for all
    switch (uniform_int(rng, 0, 4)) {
      case 0: break;
      case 1: sd[1] = d[1]; break;                 // per channel (per row at rank 3)
      case 2: sd = d; break;                       // per element
      case 3: sd.back() = d.back(); break;         // per column
      default: sd[d.size() - 2] = d[d.size() - 2]; break;  // per row (H of a map)
    }
    const Graph g = prelu_graph(x, sd, rng);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g) + " slope " +
                 Shape(sd).str());
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelPRelu, ScalesOnlyTheNegativeValuesByTheirChannelsSlope) {
  PReluAttrs p;
  p.slope = Tensor(Shape({1, 2, 1, 1}), std::vector<float>{0.5f, 0.25f});
  const Graph g = inferred_graph(OpKind::kPRelu, {map_shape(2, 1, 2)}, p);
  // NHWC: (w0: c0 c1) (w1: c0 c1).
  const Tensor x(map_shape(2, 1, 2), std::vector<float>{-1, 2, -4, -8});
  std::vector<float> out(4);
  onednn_factory().make(g, g.nodes[0], {0, 1})->run({x.data()}, out.data());
  EXPECT_EQ(out, (std::vector<float>{-0.5f, 2, -2, -2}));
  EXPECT_EQ(reference_forward(g, g.nodes[0], {&x}).values(), out);
}

}  // namespace
}  // namespace edgeflow::test
