// ConvTranspose kernel vs the reference: random geometry (strides wider and
// narrower than the kernel, dilation, pads, output padding, groups) and fused
// activations, whole and as stitched row slices (each slice made from only
// the input rows its row map names).
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

ConvTransposeAttrs random_conv_transpose(std::mt19937& rng, int64_t in_channels) {
  ConvTransposeAttrs a;
  Window& w = a.window;
  w.kernel_h = uniform_int(rng, 1, 5);
  w.kernel_w = uniform_int(rng, 1, 4);
  w.stride_h = uniform_int(rng, 1, 3);
  w.stride_w = uniform_int(rng, 1, 3);
  w.dilation_h = coin(rng, 0.25) ? 2 : 1;
  w.dilation_w = coin(rng, 0.25) ? 2 : 1;
  w.pad_top = uniform_int(rng, 0, w.extent_h() - 1);
  w.pad_bottom = uniform_int(rng, 0, w.extent_h() - 1);
  w.pad_left = uniform_int(rng, 0, w.extent_w() - 1);
  w.pad_right = uniform_int(rng, 0, w.extent_w() - 1);
  a.output_padding_h = uniform_int(rng, 0, std::max(w.stride_h, w.dilation_h) - 1);
  a.output_padding_w = uniform_int(rng, 0, std::max(w.stride_w, w.dilation_w) - 1);
  a.group = in_channels % 2 == 0 && coin(rng, 0.3) ? 2 : 1;
  const int64_t out_per_group = uniform_int(rng, 1, 6);
  a.weight = random_weights(Shape({in_channels, out_per_group, w.kernel_h, w.kernel_w}),
                            in_channels / a.group * w.kernel_h * w.kernel_w, rng);
  a.bias = random_values(static_cast<size_t>(out_per_group * a.group), rng);
  a.activation = random_activation(rng);
  return a;
}

TEST(KernelConvTranspose, MatchesReferenceWholeAndSliced) {
  std::mt19937 rng(81);
  for (int config = 0; config < 60; ++config) {
    const int64_t c = uniform_int(rng, 1, 8);
    const Shape in = map_shape(c, uniform_int(rng, 1, 12), uniform_int(rng, 1, 9));
    ConvTransposeAttrs a = random_conv_transpose(rng, c);
    const Window& w = a.window;
    // Pads that leave no output: redraw with none.
    if (w.stride_h * (in.height() - 1) + w.extent_h() + a.output_padding_h <=
            w.pad_top + w.pad_bottom ||
        w.stride_w * (in.width() - 1) + w.extent_w() + a.output_padding_w <=
            w.pad_left + w.pad_right)
      a.window.pad_top = a.window.pad_bottom = a.window.pad_left = a.window.pad_right = 0;
    const Graph g = inferred_graph(OpKind::kConvTranspose, {in}, std::move(a));
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelConvTranspose, UNetUpsamplingK2S2) {
  std::mt19937 rng(82);
  ConvTransposeAttrs a;
  a.window = Window{2, 2, 2, 2, 1, 1, 0, 0, 0, 0};
  a.weight = random_weights(Shape({6, 3, 2, 2}), 24, rng);
  a.bias = random_values(3, rng);
  const Graph g = inferred_graph(OpKind::kConvTranspose, {map_shape(6, 7, 5)}, a);
  ASSERT_EQ(g.shape_of(1), map_shape(3, 14, 10));
  expect_kernel_matches_reference(g, rng);
}

TEST(KernelConvTranspose, StrideWiderThanKernelLeavesBiasRows) {
  // 1x1 kernel, stride 3: rows 1, 2, 4, 5, ... get only the bias.
  std::mt19937 rng(83);
  ConvTransposeAttrs a;
  a.window = Window{1, 1, 3, 3, 1, 1, 0, 0, 0, 0};
  a.output_padding_h = a.output_padding_w = 2;
  a.weight = random_weights(Shape({2, 2, 1, 1}), 2, rng);
  a.bias = {0.5f, -0.25f};
  a.activation.kind = Activation::Kind::kRelu;
  const Graph g = inferred_graph(OpKind::kConvTranspose, {map_shape(2, 4, 3)}, a);
  ASSERT_EQ(g.shape_of(1), map_shape(2, 12, 9));
  expect_kernel_matches_reference(g, rng);
}

}  // namespace
}  // namespace edgeflow::test
