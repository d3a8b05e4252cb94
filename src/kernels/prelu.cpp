// PRelu on a row slice: y = x < 0 ? slope * x : x. The slope's values for the
// slice are laid out once, at set-up, in the output's storage order: one row
// when the slope does not vary along the rows (per channel, one for all),
// else the slice's rows. A plain loop (oneDNN 2.6's PReLU would need a
// weights layout per broadcast); it reads and writes the slice once.
//
//   slope dims (ONNX, padded to the output's rank): each 1 or the output's
//   storage dims: rank 4 [1, H, W, C]; others as ONNX; rows are dim 1 (rank >= 3)
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

// `dims` (ONNX order) in storage order: NHWC for rank 4.
Dims storage_dims(const Dims& dims) {
  if (dims.size() != 4) return dims;
  return Dims{dims[0], dims[2], dims[3], dims[1]};
}

class PReluKernel : public Kernel {
 public:
  PReluKernel(std::vector<float> slopes, int64_t rows, int64_t row_floats, bool slope_per_row)
      : slopes_(std::move(slopes)),
        rows_(rows),
        row_floats_(row_floats),
        slope_per_row_(slope_per_row) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* x = inputs.at(0);
    for (int64_t r = 0; r < rows_; ++r) {
      const float* s = slopes_.data() + (slope_per_row_ ? r * row_floats_ : 0);
      const float* xr = x + r * row_floats_;
      float* yr = dst + r * row_floats_;
      for (int64_t i = 0; i < row_floats_; ++i) yr[i] = xr[i] < 0.0f ? s[i] * xr[i] : xr[i];
    }
  }

 private:
  std::vector<float> slopes_;
  int64_t rows_, row_floats_;
  bool slope_per_row_;
};

}  // namespace

KernelPtr make_prelu_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                            RowRange out) {
  const Tensor& slope = std::get<PReluAttrs>(node.attrs).slope;
  const Shape& shape = graph.shape_of(node.output);
  const Dims out_dims = storage_dims(shape.dims);
  const Dims slope_dims = storage_dims(slope.shape().dims);
  EF_ASSERT(out_dims.size() == slope_dims.size());
  const size_t rank = out_dims.size();
  // Storage dim 1 holds the rows of rank 3 and 4 tensors; rank 2 has one row.
  const bool has_row_axis = rank >= 3;
  const bool per_row = has_row_axis && slope_dims[1] != 1;
  const int64_t row_floats = shape.row_elements();
  const int64_t slope_rows = per_row ? out.size() : 1;

  Dims slope_strides(rank, 1);
  for (size_t i = rank; i-- > 1;) slope_strides[i - 1] = slope_strides[i] * slope_dims[i];
  std::vector<float> slopes(static_cast<size_t>(slope_rows * row_floats));
  const size_t first_in_row = has_row_axis ? 2 : 1;  // the dims inside one row
  for (int64_t r = 0; r < slope_rows; ++r)
    for (int64_t p = 0; p < row_floats; ++p) {
      int64_t at = has_row_axis && per_row ? (out.begin + r) * slope_strides[1] : 0;
      int64_t rest = p;
      for (size_t i = rank; i-- > first_in_row;) {
        const int64_t index = rest % out_dims[i];
        rest /= out_dims[i];
        if (slope_dims[i] != 1) at += index * slope_strides[i];
      }
      slopes[r * row_floats + p] = slope.data()[at];
    }
  return std::make_unique<PReluKernel>(std::move(slopes), out.size(), row_floats, per_row);
}

}  // namespace edgeflow::kernels
