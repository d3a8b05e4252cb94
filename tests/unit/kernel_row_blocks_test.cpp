// RowSlice and RowConcat kernels vs the reference: slices with steps of 1 to
// 3 of tokens and maps (and the class token's row of a ViT, which drops the
// row axis), and concatenations of inputs and constant blocks (the class
// token before the patch tokens), whole and on row slices, including slices
// that cross block boundaries or hold only the class-token row; and
// hand-computed cases. Both only copy, so results must be exact.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

Graph row_slice_graph(const Shape& in, int64_t start, int64_t step, const Dims& out) {
  RowSliceAttrs a;
  a.start = start;
  a.step = step;
  a.dims = out;
  return inferred_graph(OpKind::kRowSlice, {in}, a);
}

TEST(KernelRowSlice, StridedRowsOfTokensAndMapsMatchReferenceWholeAndSliced) {
  std::mt19937 rng(81);
  for (int config = 0; config < 40; ++config) {
    const bool map = coin(rng);
    const int64_t height = uniform_int(rng, 1, 30);
    const Shape in = map ? map_shape(uniform_int(rng, 1, 6), height, uniform_int(rng, 1, 7))
                         : Shape({1, height, uniform_int(rng, 1, 40)});
    const int64_t step = uniform_int(rng, 1, 3);
    const int64_t start = uniform_int(rng, 0, height - 1);
    const int64_t rows = (height - 1 - start) / step + 1;  // the most it can take
    Dims out = in.dims;
    out[in.rank() - 2] = uniform_int(rng, 1, rows);
    const Graph g = row_slice_graph(in, start, step, out);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g) + " start " +
                 std::to_string(start) + " step " + std::to_string(step));
    expect_kernel_matches_reference(g, rng);
  }
}

TEST(KernelRowSlice, AGatheredRowDropsTheRowAxis) {
  std::mt19937 rng(82);
  for (int64_t start : {0, 4, 9}) {  // the class token is row 0
    const Graph g = row_slice_graph(Shape({1, 10, 24}), start, 1, {1, 24});
    SCOPED_TRACE(describe(g) + " start " + std::to_string(start));
    expect_kernel_matches_reference(g, rng);
  }
  // A map's row as tokens of W*C features (rows of the same floats).
  const Graph g = row_slice_graph(map_shape(3, 8, 5), 2, 3, {1, 2, 15});
  SCOPED_TRACE(describe(g));
  expect_kernel_matches_reference(g, rng);
}

TEST(KernelRowSlice, OutputRowsAreEveryStepthInputRowFromTheStart) {
  const Graph g = row_slice_graph(Shape({1, 6, 2}), 1, 2, {1, 3, 2});
  const Tensor x(Shape({1, 6, 2}), std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  EXPECT_EQ(reference_forward(g, g.nodes[0], {&x}).values(),
            (std::vector<float>{2, 3, 6, 7, 10, 11}));
  expect_partitions_exact(g, {x}, {{{0, 3}}, {{0, 1}, {1, 3}}, {{0, 2}, {2, 3}}});
}

// Blocks of `rows` rows each of `block` (a shape whose row count is
// ignored); the negative entries of `parts` are random constants.
Graph row_concat_graph(const Shape& block, const std::vector<int64_t>& rows,
                       const std::vector<int64_t>& parts, std::mt19937& rng) {
  RowConcatAttrs a;
  a.parts = parts;
  std::vector<Shape> inputs(parts.size());
  a.constants.resize(parts.size());
  size_t input_count = 0, constant_count = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    Shape s = block;
    s.dims[s.rank() - 2] = rows[k];
    if (parts[k] >= 0) {
      inputs[static_cast<size_t>(parts[k])] = s;
      ++input_count;
    } else {
      a.constants[static_cast<size_t>(-1 - parts[k])] = random_tensor(s, rng);
      ++constant_count;
    }
  }
  inputs.resize(input_count);
  a.constants.resize(constant_count);
  return inferred_graph(OpKind::kRowConcat, inputs, a);
}

// Input and constant blocks in a random order: parts a permutation of the
// inputs 0..n-1 and the constants -1..-m.
TEST(KernelRowConcat, InputsAndConstantsInAnyOrderMatchReferenceWholeAndSliced) {
  std::mt19937 rng(83);
  for (int config = 0; config < 40; ++config) {
    const Shape block = coin(rng) ? map_shape(uniform_int(rng, 1, 6), 1, uniform_int(rng, 1, 7))
                                  : Shape({1, 1, uniform_int(rng, 1, 40)});
    const int64_t n_inputs = uniform_int(rng, 1, 3), n_constants = uniform_int(rng, 0, 2);
    std::vector<int64_t> parts, rows;
    for (int64_t i = 0; i < n_inputs; ++i) parts.push_back(i);
    for (int64_t c = 0; c < n_constants; ++c) parts.push_back(-1 - c);
    std::shuffle(parts.begin(), parts.end(), rng);
    for (size_t k = 0; k < parts.size(); ++k) rows.push_back(uniform_int(rng, 1, 6));
    const Graph g = row_concat_graph(block, rows, parts, rng);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

// A ViT's token sequence: the class token (a constant row) before the patch
// tokens. The slices cut at the block boundary, across it, and hold the
// class-token row alone.
TEST(KernelRowConcat, ClassTokenBeforePatchesMatchesReferenceOnEverySlice) {
  std::mt19937 rng(84);
  const Graph g = row_concat_graph(Shape({1, 1, 16}), {1, 12}, {-1, 0}, rng);
  const std::vector<Tensor> inputs = random_inputs(g, rng);
  expect_partitions_exact(g, inputs,
                          {{{0, 13}}, {{0, 1}, {1, 13}}, {{0, 4}, {4, 13}},
                           {{0, 1}, {1, 2}, {2, 12}, {12, 13}}, single_row_slices(13)});
  // The class-token row reads no patch row: its kernel gets no buffer.
  EXPECT_TRUE(required_input_rows(g, g.nodes[0], 0, {0, 1}).empty());
  std::vector<float> out(16);
  onednn_factory().make(g, g.nodes[0], {0, 1})->run({nullptr}, out.data());
  EXPECT_EQ(out, std::get<RowConcatAttrs>(g.nodes[0].attrs).constants[0].values());
}

TEST(KernelRowConcat, BlocksFollowOneAnotherAlongTheRows) {
  RowConcatAttrs a;
  a.parts = {-1, 0, -2};
  a.constants = {Tensor(Shape({1, 1, 2}), std::vector<float>{1, 2}),
                 Tensor(Shape({1, 2, 2}), std::vector<float>{7, 8, 9, 10})};
  const Graph g = inferred_graph(OpKind::kRowConcat, {Shape({1, 2, 2})}, a);
  const Tensor x(Shape({1, 2, 2}), std::vector<float>{3, 4, 5, 6});
  EXPECT_EQ(g.shape_of(g.nodes[0].output), Shape({1, 5, 2}));
  EXPECT_EQ(reference_forward(g, g.nodes[0], {&x}).values(),
            (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  expect_partitions_exact(g, {x}, {{{0, 5}}, {{0, 2}, {2, 4}, {4, 5}}, {{0, 3}, {3, 5}}});
}

}  // namespace
}  // namespace edgeflow::test
