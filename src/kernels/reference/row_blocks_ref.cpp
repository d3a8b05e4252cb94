// Reference RowSlice and RowConcat. RowSlice is defined on storage rows
// (its output may have another rank, with rows of as many floats): output
// row r is input row start + r * step. RowConcat joins its blocks along the
// row axis (dim rank - 2) in ONNX element order: output index i of that axis
// is index i - first_k of the block k whose rows [first_k, first_k + rows_k)
// hold it.
#include <algorithm>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor row_slice(const Graph& graph, const Node& node, const Inputs& inputs) {
  const RowSliceAttrs& a = std::get<RowSliceAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  Tensor y(graph.shape_of(node.output));
  const int64_t n = y.shape().row_elements();
  for (int64_t r = 0; r < y.shape().height(); ++r)
    std::copy_n(x.row(a.start + r * a.step), n, y.row(r));
  return y;
}

Tensor row_concat(const Graph& graph, const Node& node, const Inputs& inputs) {
  const RowConcatAttrs& a = std::get<RowConcatAttrs>(node.attrs);
  const Shape& ys = graph.shape_of(node.output);
  const size_t row_axis = ys.rank() - 2;
  std::vector<std::vector<float>> blocks;  // ONNX order
  std::vector<Dims> block_dims;
  for (int64_t part : a.parts) {
    const Tensor& t = part >= 0 ? *inputs.at(static_cast<size_t>(part))
                                : a.constants.at(static_cast<size_t>(-1 - part));
    blocks.push_back(logical(t));
    block_dims.push_back(t.shape().dims);
  }
  std::vector<float> y(static_cast<size_t>(ys.elements()));
  for (int64_t f = 0; f < ys.elements(); ++f) {
    Dims index = unravel(f, ys.dims);
    size_t k = 0;
    while (index[row_axis] >= block_dims[k][row_axis]) index[row_axis] -= block_dims[k++][row_axis];
    const Dims strides = row_major_strides(block_dims[k]);
    int64_t at = 0;
    for (size_t i = 0; i < index.size(); ++i) at += index[i] * strides[i];
    y[f] = blocks[k][at];
  }
  return from_logical(ys, y);
}

}  // namespace edgeflow::reference
