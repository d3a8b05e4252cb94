// Broadcasting binary kernels (Add, Sub, Mul, Div, Pow, Max, Min) vs the reference over
// the operand patterns of real models: same shapes, an SE block's per-channel
// [1, C, 1, 1] vector as the first or the second operand, a [1, 1, H, W]
// attention map, scalar and per-channel constants on either side, a whole
// constant map, lower-rank operands, and both operands broadcast.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

BinaryAttrs::Kind random_kind(std::mt19937& rng) {
  return static_cast<BinaryAttrs::Kind>(
      uniform_int(rng, 0, static_cast<int>(BinaryAttrs::Kind::kMin)));
}

// Two operand shapes that broadcast to a map of `out`, by pattern.
std::vector<Shape> operand_shapes(std::mt19937& rng, const Shape& out, int pattern) {
  const int64_t c = out.channels(), h = out.height(), w = out.width();
  switch (pattern) {
    case 0: return {out, out};
    case 1: return {out, map_shape(c, 1, 1)};
    case 2: return {map_shape(c, 1, 1), out};
    case 3: return {out, map_shape(1, h, w)};
    case 4: return {map_shape(c, h, 1), map_shape(1, 1, w)};
    case 5: return {map_shape(1, h, w), Shape({1, h, w})};
    default: return {Shape({1, uniform_int(rng, 1, 9), w}), Shape({1, w})};
  }
}

TEST(KernelBinary, ComputedOperandsBroadcastAsOnnxSays) {
  std::mt19937 rng(71);
  for (int config = 0; config < 80; ++config) {
    const BinaryAttrs::Kind kind = random_kind(rng);
    const Shape out = random_map_shape(rng);
    BinaryAttrs b;
    b.kind = kind;
    b.activation = coin(rng, 0.3) ? random_activation(rng) : Activation{};
    const Graph g =
        inferred_graph(OpKind::kBinary, operand_shapes(rng, out, uniform_int(rng, 0, 6)), b);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    // Pow and Div want inputs away from 0 and positive bases.
    expect_kernel_matches_reference(g, rng, 0.5f, 2.0f);
  }
}

TEST(KernelBinary, ConstantOperandOnEitherSide) {
  std::mt19937 rng(72);
  for (int config = 0; config < 80; ++config) {
    const Shape x = coin(rng, 0.8) ? random_map_shape(rng) : Shape({1, uniform_int(rng, 1, 9), 5});
    const Dims& d = x.dims;
    BinaryAttrs b;
    b.kind = random_kind(rng);
    b.constant_index = static_cast<int>(uniform_int(rng, 0, 1));
    Dims cd;
    switch (uniform_int(rng, 0, 3)) {
      case 0: cd = Dims(d.size(), 1); break;                          // scalar
      case 1: cd = d; break;                                          // the whole tensor
      case 2: cd = Dims(d.size(), 1), cd[1] = d[1]; break;            // per channel / per row
      default: cd = Dims(d.size(), 1), cd.back() = d.back(); break;   // per column
    }
    b.constant = Tensor(Shape(cd), random_values(Shape(cd).elements(), rng, 0.5f, 2.0f));
    b.activation = coin(rng, 0.3) ? random_activation(rng) : Activation{};
    const Graph g = inferred_graph(OpKind::kBinary, {x}, b);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng, 0.5f, 2.0f);
  }
}

TEST(KernelBinary, SubtractFromAConstantAndDivideAConstant) {
  // 1 - x and 2 / x: the constant is the first operand, which oneDNN's
  // binary cannot broadcast.
  for (BinaryAttrs::Kind kind : {BinaryAttrs::Kind::kSub, BinaryAttrs::Kind::kDiv}) {
    BinaryAttrs b;
    b.kind = kind;
    b.constant_index = 0;
    b.constant = Tensor(Shape({1, 1, 1, 1}), std::vector<float>{kind == BinaryAttrs::Kind::kSub ? 1.0f : 2.0f});
    const Graph g = inferred_graph(OpKind::kBinary, {map_shape(2, 1, 2)}, b);
    const Tensor x(map_shape(2, 1, 2), std::vector<float>{1, 2, 4, 8});
    std::vector<float> out(4);
    onednn_factory().make(g, g.nodes[0], {0, 1})->run({x.data()}, out.data());
    if (kind == BinaryAttrs::Kind::kSub)
      EXPECT_EQ(out, (std::vector<float>{0, -1, -3, -7}));
    else
      EXPECT_EQ(out, (std::vector<float>{2, 1, 0.5f, 0.25f}));
  }
}

}  // namespace
}  // namespace edgeflow::test
