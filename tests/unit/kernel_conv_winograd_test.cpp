// The Winograd path of the conv kernel (forced: WinogradMode::kAlways) against the
// reference: 3x3 stride-1 convs with enough channels to take it, whole and as
// random row slices (thin ones fall back to direct convolution), with pads,
// a fused ReLU and a fused residual Add.
#include "kernel_check.h"
#include "kernels/conv_options.h"

namespace edgeflow::test {
namespace {

// Winograd wherever oneDNN takes it for the test's kernels, the previous
// setting back afterwards.
class KernelConvWinograd : public ::testing::Test {
 protected:
  void SetUp() override {
    was_ = kernels::winograd_mode();
    kernels::set_winograd_mode(kernels::WinogradMode::kAlways);
  }
  void TearDown() override { kernels::set_winograd_mode(was_); }

 private:
  kernels::WinogradMode was_ = kernels::WinogradMode::kMeasured;
};

// oneDNN's Winograd takes channel counts in multiples of 16, pads of 0 or 1
// and ReLU as its fused activation (others fall back to direct convolution).
Graph winograd_conv(std::mt19937& rng, bool residual = false) {
  const int64_t in_channels = 16 * uniform_int(rng, 2, 5);
  const int64_t out_channels = 16 * uniform_int(rng, 4, 6);
  const int64_t height = uniform_int(rng, 4, 24);
  const int64_t width = uniform_int(rng, 3, 40);
  ConvAttrs conv;
  const int64_t pad = coin(rng, 0.8) ? 1 : 0;
  conv.window = Window{3, 3, 1, 1, 1, 1, pad, pad, pad, pad};
  conv.weight = random_weights(Shape({out_channels, in_channels, 3, 3}), in_channels * 9, rng);
  conv.bias = random_values(static_cast<size_t>(out_channels), rng);
  if (coin(rng, 0.7)) conv.activation.kind = Activation::Kind::kRelu;
  const Shape in = map_shape(in_channels, height, width);
  return residual ? residual_conv_graph(in, std::move(conv)) : conv_graph(in, std::move(conv));
}

TEST_F(KernelConvWinograd, MatchesReferenceWholeAndSliced) {
  std::mt19937 rng(4343);
  for (int config = 0; config < 12; ++config) {
    const Graph g = winograd_conv(rng);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST_F(KernelConvWinograd, ResidualAddMatchesReferenceWholeAndSliced) {
  std::mt19937 rng(4747);
  for (int config = 0; config < 8; ++config) {
    const Graph g = winograd_conv(rng, true);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST_F(KernelConvWinograd, AsymmetricPadsMatchReference) {
  std::mt19937 rng(77);
  const Window asymmetric{3, 3, 1, 1, 1, 1, 0, 1, 1, 0};  // pads top 0, left 1, bottom 1, right 0
  const Graph g = relu_conv3x3_graph(map_shape(64, 17, 13), 64, asymmetric, rng);
  SCOPED_TRACE(describe(g));
  expect_kernel_matches_reference(g, rng);
}

}  // namespace
}  // namespace edgeflow::test
