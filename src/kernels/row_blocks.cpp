// RowSlice and RowConcat on a row slice, EdgeFlow's own: both only move
// whole rows, so each becomes a list of contiguous copies (copy_kernel.h).
//
//   RowSlice   output row r <- input row start + r*step: one copy of all the
//              slice's rows when step is 1, else one per row.
//   RowConcat  output rows [a, b) <- the part of each block they overlap:
//
//     blocks:  [ block 0 | block 1 ........ | block 2 ]
//     slice:          [a ............... b)
//     copies:         [0]|[1 .............]|[2]
//
// An input whose block the slice does not overlap reads no row: the runtime
// passes no buffer for it (nullptr), so it gets no copy.
#include <algorithm>

#include "edgeflow/error.h"
#include "kernels/copy_kernel.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

KernelPtr make_row_slice_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                RowRange out) {
  const RowSliceAttrs& a = std::get<RowSliceAttrs>(node.attrs);
  const int64_t n = graph.shape_of(node.output).row_elements();
  EF_ASSERT(n == graph.shape_of(node.inputs.at(0)).row_elements());
  // The input pointer is at row start + out.begin * step, the slice's first.
  std::vector<FloatCopy> copies;
  if (a.step == 1)
    copies.push_back({0, 0, 0, out.size() * n});
  else
    for (int64_t r = 0; r < out.size(); ++r) copies.push_back({0, r * a.step * n, r * n, n});
  return make_copy_kernel(std::move(copies));
}

KernelPtr make_row_concat_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                 RowRange out) {
  const RowConcatAttrs& a = std::get<RowConcatAttrs>(node.attrs);
  const int64_t n = graph.shape_of(node.output).row_elements();
  std::vector<FloatCopy> copies;
  std::vector<float> constants;
  int64_t first = 0;  // the block's first output row
  for (int64_t part : a.parts) {
    const Tensor* constant = part < 0 ? &a.constants.at(static_cast<size_t>(-1 - part)) : nullptr;
    const Shape& block =
        constant ? constant->shape() : graph.shape_of(node.inputs.at(static_cast<size_t>(part)));
    const int64_t rows = block.height();
    const RowRange overlap{std::max(out.begin, first), std::min(out.end, first + rows)};
    if (!overlap.empty()) {
      FloatCopy c{part, 0, (overlap.begin - out.begin) * n, overlap.size() * n};
      if (constant) {
        // Copied, as kernels keep no pointer into the graph (only the rows
        // the slice needs: the class token's one row at most, in practice).
        c.src_offset = static_cast<int64_t>(constants.size());
        constants.insert(constants.end(), constant->row(overlap.begin - first),
                         constant->row(overlap.end - first));
      }
      // An input's pointer is at its first overlapping row already.
      copies.push_back(c);
    }
    first += rows;
  }
  EF_ASSERT(first == graph.shape_of(node.output).height());
  return make_copy_kernel(std::move(copies), std::move(constants));
}

}  // namespace edgeflow::kernels
