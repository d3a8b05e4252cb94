// Pad kernel vs the reference: constant pads on C, H, W, including negative
// (cropping) pads and slices that lie wholly in the top or bottom pad.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

TEST(KernelPad, ConstantPadsMatchReferenceWholeAndSliced) {
  std::mt19937 rng(41);
  for (int config = 0; config < 60; ++config) {
    const Shape in = random_map_shape(rng);
    PadAttrs p;
    auto pad = [&](int64_t size) { return uniform_int(rng, -std::min<int64_t>(2, size - 1), 4); };
    do {
      p.channels_begin = coin(rng, 0.3) ? pad(in.channels()) : 0;
      p.channels_end = coin(rng, 0.3) ? pad(in.channels()) : 0;
      p.top = pad(in.height());
      p.bottom = pad(in.height());
      p.left = pad(in.width());
      p.right = pad(in.width());
    } while (in.channels() + p.channels_begin + p.channels_end < 1 ||
             in.height() + p.top + p.bottom < 1 || in.width() + p.left + p.right < 1);
    p.value = coin(rng) ? 0.0f : random_values(1, rng, -3.0f, 3.0f)[0];
    const Graph g = pad_graph(in, p);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelPad, SliceInsideTopPadReadsNoInput) {
  PadAttrs p;
  p.top = 3;
  p.bottom = 2;
  p.value = 1.5f;
  const Graph g = pad_graph(map_shape(2, 4, 3), p);
  std::mt19937 rng(42);
  const std::vector<Tensor> inputs = random_inputs(g, rng);
  EXPECT_TRUE(required_input_rows(g, g.nodes[0], 0, {0, 3}).empty());
  const std::vector<float> top = run_slice(g, inputs, {0, 3});
  EXPECT_EQ(top, std::vector<float>(top.size(), 1.5f));
  const std::vector<float> bottom = run_slice(g, inputs, {7, 9});
  EXPECT_EQ(bottom, std::vector<float>(bottom.size(), 1.5f));
}

}  // namespace
}  // namespace edgeflow::test
