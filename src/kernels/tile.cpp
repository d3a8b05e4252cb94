// Tile on a row slice: a copy list (copy_kernel.h) over the storage order
// (NHWC for maps, row-major otherwise). Every run of the output's innermost
// storage dim is the input's run repeated, so a pixel's channels (or a
// token's features) are copied as one block per repeat.
#include <numeric>

#include "kernels/copy_kernel.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

// `d` in storage order: NHWC for a rank-4 map, as it is otherwise.
Dims storage_order(const Dims& d) {
  return d.size() == 4 ? Dims{d[0], d[2], d[3], d[1]} : d;
}

}  // namespace

KernelPtr make_tile_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                           RowRange out) {
  const Dims in = storage_order(graph.shape_of(node.inputs.at(0)).dims);
  Dims o = storage_order(graph.shape_of(node.output).dims);
  const size_t rank = o.size(), row_axis = rank >= 2 ? rank - 2 : 0;
  const size_t row_storage_axis = rank == 4 ? 1 : row_axis;
  const int64_t first_row = required_input_rows(graph, node, 0, out).begin;
  // The output slice: rows [out.begin, out.end) of the row axis.
  o[row_storage_axis] = out.size();
  Dims in_strides(rank, 1);
  for (size_t i = rank - 1; i-- > 0;) in_strides[i] = in_strides[i + 1] * in[i + 1];
  const int64_t run = in[rank - 1], repeats = o[rank - 1] / run;
  const int64_t runs = std::accumulate(o.begin(), o.end() - 1, int64_t(1), std::multiplies<>());
  std::vector<FloatCopy> copies;
  Dims at(rank - 1, 0);
  for (int64_t r = 0; r < runs; ++r) {
    int64_t src = 0;
    for (size_t i = 0; i + 1 < rank; ++i) {
      const int64_t index = i == row_storage_axis ? at[i] + out.begin : at[i];
      const int64_t from = index % in[i] - (i == row_storage_axis ? first_row : 0);
      src += from * in_strides[i];
    }
    for (int64_t k = 0; k < repeats; ++k)
      append_copy(copies, {0, src, (r * repeats + k) * run, run});
    for (size_t i = rank - 1; i-- > 0;) {
      if (++at[i] < o[i]) break;
      at[i] = 0;
    }
  }
  return make_copy_kernel(std::move(copies));
}

}  // namespace edgeflow::kernels
