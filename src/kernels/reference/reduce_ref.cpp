// Reference ReduceMean/Max/Min/Sum and ArgMax/ArgMin (ONNX, keepdims = 1):
// every output element combines the input elements whose index differs from
// its own only on the reduced axes.
#include <cmath>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor reduce(const Graph& graph, const Node& node, const Inputs& inputs) {
  const ReduceAttrs& a = std::get<ReduceAttrs>(node.attrs);
  const Shape& xs = inputs.at(0)->shape();
  const Shape& ys = graph.shape_of(node.output);
  const std::vector<float> x = logical(*inputs.at(0));
  const Dims out_strides = row_major_strides(ys.dims);
  std::vector<double> acc(static_cast<size_t>(ys.elements()));
  std::vector<int64_t> count(acc.size(), 0), at(acc.size(), 0);
  const size_t arg_axis = a.is_arg() ? xs.rank() + a.axes.at(0) : 0;
  for (int64_t f = 0; f < xs.elements(); ++f) {
    const Dims index = unravel(f, xs.dims);
    int64_t o = 0;
    for (size_t i = 0; i < index.size(); ++i) o += (ys.dims[i] == 1 ? 0 : index[i]) * out_strides[i];
    const double v = x[f];
    if (count[o]++ == 0) {
      acc[o] = v;
      continue;
    }
    if (a.is_arg()) {
      const bool more = a.kind == ReduceAttrs::Kind::kArgMax ? v > acc[o] : v < acc[o];
      if (more || (v == acc[o] && a.select_last_index)) {
        acc[o] = v;
        at[o] = index[arg_axis];
      }
      continue;
    }
    switch (a.kind) {
      case ReduceAttrs::Kind::kMean:
      case ReduceAttrs::Kind::kSum: acc[o] += v; break;
      case ReduceAttrs::Kind::kMax: acc[o] = std::max(acc[o], v); break;
      case ReduceAttrs::Kind::kMin: acc[o] = std::min(acc[o], v); break;
      case ReduceAttrs::Kind::kArgMax:
      case ReduceAttrs::Kind::kArgMin: break;
    }
  }
  std::vector<float> y(acc.size());
  for (size_t o = 0; o < y.size(); ++o)
    y[o] = a.is_arg() ? static_cast<float>(at[o])
                      : static_cast<float>(a.kind == ReduceAttrs::Kind::kMean ? acc[o] / count[o]
                                                                               : acc[o]);
  return from_logical(ys, y);
}

}  // namespace edgeflow::reference
