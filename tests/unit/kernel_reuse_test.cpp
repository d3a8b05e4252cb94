// Kernels are made once and run many times: each run reads the buffers it is
// given (no pointer kept from make() or from an earlier run). Also the one
// geometry kernels refuse: a conv slice whose windows lie wholly in padding.
#include "kernel_check.h"

#include "edgeflow/error.h"

namespace edgeflow::test {
namespace {

// Runs one kernel for `out` on two different input sets, in fresh buffers.
void expect_reusable(const Graph& g, RowRange out, std::mt19937& rng) {
  const Node& node = g.nodes.at(0);
  const std::unique_ptr<Kernel> kernel = onednn_factory().make(g, node, out);
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::vector<Tensor> inputs = random_inputs(g, rng);
    std::vector<const Tensor*> input_ptrs;
    std::vector<std::vector<float>> buffers;
    std::vector<const float*> pointers;
    for (size_t i = 0; i < inputs.size(); ++i) {
      input_ptrs.push_back(&inputs[i]);
      const RowRange rows = required_input_rows(g, node, static_cast<int>(i), out);
      const float* first = inputs[i].row(rows.begin);
      buffers.emplace_back(first, first + rows.size() * inputs[i].shape().row_elements());
    }
    for (const auto& b : buffers) pointers.push_back(b.data());
    const Tensor ref = reference_forward(g, node, input_ptrs);
    const int64_t row_elements = ref.shape().row_elements();
    std::vector<float> dst(static_cast<size_t>(out.size() * row_elements));
    kernel->run(pointers, dst.data());
    const std::vector<float> want(ref.row(out.begin), ref.row(out.begin) + dst.size());
    EXPECT_LE(relative_max_error(dst, want), kKernelTolerance);
  }
}

TEST(KernelReuse, EachRunReadsItsOwnBuffers) {
  std::mt19937 rng(61);
  ConvAttrs conv;
  conv.window = Window{3, 3, 1, 1, 1, 1, 1, 1, 1, 1};
  conv.weight = random_weights(Shape({6, 4, 3, 3}), 36, rng);
  conv.bias = random_values(6, rng);
  const Graph conv_g = conv_graph(map_shape(4, 12, 7), conv);
  expect_reusable(conv_g, {3, 8}, rng);

  PoolAttrs pool;
  pool.kind = PoolAttrs::Kind::kAverage;
  pool.count_include_pad = true;
  pool.ceil_mode = true;
  pool.window = Window{3, 3, 2, 2, 1, 1, 1, 1, 1, 1};
  const Graph pool_g = pool_graph(map_shape(5, 12, 9), pool);
  expect_reusable(pool_g, {4, 6}, rng);

  expect_reusable(add_graph(map_shape(3, 9, 5), Activation{}), {2, 9}, rng);
  expect_reusable(concat_graph({map_shape(3, 9, 5), map_shape(2, 9, 5)}), {0, 4}, rng);
  PadAttrs pad;
  pad.top = 2;
  pad.left = 1;
  expect_reusable(pad_graph(map_shape(3, 6, 5), pad), {1, 5}, rng);
  GemmAttrs gemm;
  gemm.weight = random_weights(Shape({7, 20}), 20, rng);
  gemm.bias = random_values(7, rng);
  expect_reusable(gemm_graph(20, gemm), {0, 1}, rng);
}

// A 1x1 conv with pad 2: output rows 0-1 and 8-9 see only padding. Slices
// holding some real row work; a slice of padding-only rows is refused.
TEST(KernelConv, PadBeyondKernelWorksExceptPaddingOnlySlices) {
  std::mt19937 rng(62);
  ConvAttrs conv;
  conv.window = Window{1, 1, 1, 1, 1, 1, 2, 2, 2, 2};
  conv.weight = random_weights(Shape({3, 2, 1, 1}), 2, rng);
  conv.bias = random_values(3, rng);
  const Graph g = conv_graph(map_shape(2, 6, 5), conv);
  ASSERT_EQ(g.shape_of(1).height(), 10);
  expect_reusable(g, {0, 10}, rng);
  expect_reusable(g, {1, 3}, rng);
  expect_reusable(g, {7, 9}, rng);
  EXPECT_THROW(onednn_factory().make(g, g.nodes[0], {0, 2}), Error);
  EXPECT_THROW(onednn_factory().make(g, g.nodes[0], {8, 10}), Error);
}

}  // namespace
}  // namespace edgeflow::test
