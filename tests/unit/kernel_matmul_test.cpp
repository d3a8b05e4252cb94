// MatMul vs the reference: a constant second operand (token MLPs [1, N, K] x
// [K, M], maps [1, C, H, W] x [W, M], batched constants), two computed
// operands (attention: A sliced by rows, B read whole), a constant first
// operand, [1, K] vectors, and Linear layers with a bias and an activation.
#include "edgeflow/error.h"
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

Tensor constant(const Dims& dims, std::mt19937& rng) {
  return random_weights(Shape(dims), dims.back(), rng);
}

TEST(KernelMatMul, ConstantSecondOperand) {
  std::mt19937 rng(111);
  for (int config = 0; config < 40; ++config) {
    const int64_t k = uniform_int(rng, 1, 24), n = uniform_int(rng, 1, 20);
    Shape a;
    MatMulAttrs m;
    m.constant_index = 1;
    switch (uniform_int(rng, 0, 3)) {
      case 0: a = vector_shape(k), m.constant = constant({k, n}, rng); break;
      case 1: a = Shape({1, uniform_int(rng, 1, 30), k}), m.constant = constant({k, n}, rng); break;
      case 2: a = map_shape(uniform_int(rng, 1, 5), uniform_int(rng, 1, 12), k);
              m.constant = constant({k, n}, rng); break;
      default: {
        const int64_t c = uniform_int(rng, 1, 4);
        a = map_shape(c, uniform_int(rng, 1, 12), k);
        m.constant = constant({1, c, k, n}, rng);
      }
    }
    const Graph g = inferred_graph(OpKind::kMatMul, {a}, m);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

// A Linear layer with the bias and activation the rewrites fold into it.
TEST(KernelMatMul, LinearLayerWithBiasAndActivation) {
  std::mt19937 rng(114);
  const Activation::Kind kinds[] = {Activation::Kind::kNone, Activation::Kind::kGelu,
                                    Activation::Kind::kRelu};
  for (int config = 0; config < 18; ++config) {
    const int64_t k = uniform_int(rng, 1, 24), n = uniform_int(rng, 1, 20);
    MatMulAttrs m;
    m.constant_index = 1;
    m.constant = constant({k, n}, rng);
    m.bias = random_values(static_cast<size_t>(n), rng);
    m.activation.kind = kinds[config % 3];
    // Tokens and vectors: the Linear layers (is_linear_layer).
    const Shape a = config % 2 ? Shape({1, uniform_int(rng, 1, 30), k}) : Shape({1, k});
    const Graph g = inferred_graph(OpKind::kMatMul, {a}, m);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

// Only a Linear layer carries a bias or an activation: a MatMul over the
// width of a map does not.
TEST(KernelMatMul, BiasOrActivationOutsideALinearLayerIsRefused) {
  std::mt19937 rng(115);
  MatMulAttrs m;
  m.constant_index = 1;
  m.constant = constant({4, 3}, rng);
  m.bias = random_values(3, rng);
  EXPECT_THROW(inferred_graph(OpKind::kMatMul, {map_shape(2, 5, 4)}, m), Error);
  m.bias.clear();
  m.activation.kind = Activation::Kind::kRelu;
  EXPECT_THROW(inferred_graph(OpKind::kMatMul, {map_shape(2, 5, 4)}, m), Error);
  EXPECT_NO_THROW(inferred_graph(OpKind::kMatMul, {Shape({1, 4})}, m));
}

TEST(KernelMatMul, TwoComputedOperandsReadTheSecondWhole) {
  std::mt19937 rng(112);
  for (int config = 0; config < 30; ++config) {
    const int64_t m = uniform_int(rng, 1, 20), k = uniform_int(rng, 1, 16),
                  n = uniform_int(rng, 1, 20);
    std::vector<Shape> shapes;
    if (coin(rng)) {
      shapes = {Shape({1, m, k}), Shape({1, k, n})};
    } else {
      const int64_t heads = uniform_int(rng, 1, 4);
      shapes = {map_shape(heads, m, k), map_shape(coin(rng) ? heads : 1, k, n)};
    }
    const Graph g = inferred_graph(OpKind::kMatMul, shapes, MatMulAttrs{});
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    EXPECT_EQ(required_input_rows(g, g.nodes[0], 1, {0, 1}).size(), shapes[1].height());
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelMatMul, ConstantFirstOperand) {
  std::mt19937 rng(113);
  for (int config = 0; config < 20; ++config) {
    const int64_t m = uniform_int(rng, 1, 12), k = uniform_int(rng, 1, 16),
                  n = uniform_int(rng, 1, 10);
    MatMulAttrs a;
    a.constant_index = 0;
    a.constant = constant({m, k}, rng);
    const Graph g = inferred_graph(OpKind::kMatMul, {Shape({1, k, n})}, a);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

}  // namespace
}  // namespace edgeflow::test
