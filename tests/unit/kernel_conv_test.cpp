// Conv kernel vs the reference: random geometries (groups, depthwise,
// dilation, asymmetric pads, strides, fused activations and residual Adds),
// whole and sliced.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

// A random window of one axis: kernel, stride, dilation, pads < extent.
void random_axis(std::mt19937& rng, int64_t in, int64_t& kernel, int64_t& stride,
                 int64_t& dilation, int64_t& pad_begin, int64_t& pad_end) {
  do {
    kernel = uniform_int(rng, 1, 5);
    stride = uniform_int(rng, 1, 3);
    dilation = coin(rng, 0.3) ? uniform_int(rng, 2, 3) : 1;
    const int64_t extent = (kernel - 1) * dilation + 1;
    pad_begin = uniform_int(rng, 0, extent - 1);
    pad_end = uniform_int(rng, 0, extent - 1);
  } while (in + pad_begin + pad_end < (kernel - 1) * dilation + 1);
}

Graph random_conv(std::mt19937& rng, bool depthwise, bool residual = false) {
  const int64_t height = random_height(rng);
  const int64_t width = random_width(rng);
  int64_t group = 1, in_per_group, out_per_group;
  if (depthwise) {
    group = uniform_int(rng, 1, 24);
    in_per_group = 1;
    out_per_group = coin(rng) ? 1 : 2;
  } else {
    group = coin(rng, 0.3) ? uniform_int(rng, 2, 3) : 1;
    in_per_group = uniform_int(rng, 1, 24 / group);
    out_per_group = uniform_int(rng, 1, 24 / group);
  }
  ConvAttrs conv;
  Window& w = conv.window;
  random_axis(rng, height, w.kernel_h, w.stride_h, w.dilation_h, w.pad_top, w.pad_bottom);
  random_axis(rng, width, w.kernel_w, w.stride_w, w.dilation_w, w.pad_left, w.pad_right);
  conv.group = group;
  const Shape weight_shape({group * out_per_group, in_per_group, w.kernel_h, w.kernel_w});
  conv.weight = random_weights(weight_shape, in_per_group * w.kernel_h * w.kernel_w, rng);
  conv.bias = coin(rng, 0.8) ? random_values(group * out_per_group, rng)
                             : std::vector<float>(group * out_per_group, 0.0f);
  conv.activation = random_activation(rng);
  const Shape in = map_shape(group * in_per_group, height, width);
  return residual ? residual_conv_graph(in, std::move(conv)) : conv_graph(in, std::move(conv));
}

TEST(KernelConv, RandomGeometriesMatchReferenceWholeAndSliced) {
  std::mt19937 rng(1234);
  for (int config = 0; config < 60; ++config) {
    const Graph g = random_conv(rng, false);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelConv, DepthwiseMatchesReferenceWholeAndSliced) {
  std::mt19937 rng(99);
  for (int config = 0; config < 30; ++config) {
    const Graph g = random_conv(rng, true);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelConv, ResidualAddMatchesReferenceWholeAndSliced) {
  std::mt19937 rng(4321);
  for (int config = 0; config < 30; ++config) {
    const Graph g = random_conv(rng, config % 3 == 0, true);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelConv, Stride2Pad1Kernel3OnOddMapMatchesReference) {
  std::mt19937 rng(7);
  const Graph g =
      relu_conv3x3_graph(map_shape(8, 33, 17), 16, Window{3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, rng);
  SCOPED_TRACE(describe(g));
  expect_kernel_matches_reference(g, rng);
}

}  // namespace
}  // namespace edgeflow::test
