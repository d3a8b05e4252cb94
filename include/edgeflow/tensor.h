// Dense float tensors. Shapes are kept in ONNX order (N, C, H, W for feature
// maps); with N = 1 a rank-4 tensor is stored NHWC so that a range of rows is
// one contiguous block:
//
//   data = [ row 0: W*C floats | row 1: W*C floats | ... ]
//
// Tensors of other ranks are stored in ONNX (row-major) order. Their rows:
//   rank 3 [1, A, B]: A rows of B floats (dim 1, as H of a map: the
//                     second-to-last dim is the row axis at ranks 3 and 4);
//   rank <= 2 ([1, K]): one row holding everything.
// So a rank-3 tensor [1, H, W] has the same storage and rows as the map
// [1, 1, H, W], and a Reshape between them moves no element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace edgeflow {

using Dims = std::vector<int64_t>;

// Row-major strides of `dims` (in elements).
inline Dims row_major_strides(const Dims& dims) {
  Dims s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

// A half-open range of rows [begin, end).
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
  bool operator==(const RowRange& o) const { return begin == o.begin && end == o.end; }
  bool operator!=(const RowRange& o) const { return !(*this == o); }
};

// Logical shape in ONNX order.
struct Shape {
  Dims dims;

  Shape() = default;
  explicit Shape(Dims d) : dims(std::move(d)) {}
  size_t rank() const { return dims.size(); }
  int64_t elements() const;
  bool is_feature_map() const { return dims.size() == 4; }
  // Feature-map accessors (rank 4, N = 1).
  int64_t channels() const { return dims.at(1); }
  int64_t height() const;  // rows: dim 2 for rank 4, dim 1 for rank 3, 1 for rank <= 2
  int64_t width() const { return dims.at(3); }
  // The innermost storage axis (ONNX index) and its extent: the channels of
  // a map (dim 1), the last dim of other ranks.
  size_t feature_axis() const { return dims.size() == 4 ? 1 : dims.size() - 1; }
  int64_t features() const { return dims.at(feature_axis()); }
  // Floats per row: W*C for a feature map, B for [1, A, B], all elements for
  // rank <= 2.
  int64_t row_elements() const;
  std::string str() const;  // "1x3x224x224"
  bool operator==(const Shape& o) const { return dims == o.dims; }
  bool operator!=(const Shape& o) const { return dims != o.dims; }
};

// A tensor, or a row slice of one: `rows` says which rows of the full tensor
// `shape` the data holds (all rows unless it is a slice).
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape);                     // all rows, zero-filled
  Tensor(Shape shape, RowRange rows);               // a slice, zero-filled
  Tensor(Shape shape, std::vector<float> data);     // all rows, given data

  const Shape& shape() const { return shape_; }
  RowRange rows() const { return rows_; }
  bool is_slice() const { return rows_.begin != 0 || rows_.end != shape_.height(); }
  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  std::vector<float>& values() { return data_; }
  const std::vector<float>& values() const { return data_; }
  // Pointer to full-tensor row r, which must lie inside rows().
  float* row(int64_t r);
  const float* row(int64_t r) const;

 private:
  Shape shape_;
  RowRange rows_;
  std::vector<float> data_;
};

// Converts between ONNX (NCHW) element order and storage order of a rank-4
// tensor; identity for other ranks.
std::vector<float> nchw_to_storage(const Shape& shape, const std::vector<float>& nchw);
std::vector<float> storage_to_nchw(const Shape& shape, const std::vector<float>& stored);

// The one accuracy metric of docs/user-contract.md: max |out - ref| / max |ref|.
double relative_max_error(const std::vector<float>& out, const std::vector<float>& ref);

}  // namespace edgeflow
