// Shape and Tensor: sizes, row access and NCHW <-> NHWC conversion.
#include "edgeflow/tensor.h"

#include <algorithm>
#include <cmath>

#include "edgeflow/error.h"

namespace edgeflow {

int64_t Shape::elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

int64_t Shape::height() const {
  if (dims.size() == 4) return dims[2];
  return dims.size() == 3 ? dims[1] : 1;
}

int64_t Shape::row_elements() const {
  if (dims.size() == 4) return dims[1] * dims[3];
  if (dims.size() == 3) return dims[1] > 0 ? elements() / dims[1] : 0;
  return elements();
}

std::string Shape::str() const {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += 'x';
    s += std::to_string(dims[i]);
  }
  return s.empty() ? "scalar" : s;
}

Tensor::Tensor(Shape shape) : Tensor(shape, RowRange{0, shape.height()}) {}

Tensor::Tensor(Shape shape, RowRange rows)
    : shape_(std::move(shape)), rows_(rows),
      data_(static_cast<size_t>(rows.size() * shape_.row_elements()), 0.0f) {
  EF_ASSERT(rows.begin >= 0 && rows.end <= shape_.height() && rows.begin <= rows.end);
}

Tensor::Tensor(Shape shape, std::vector<float> data)
    : shape_(std::move(shape)), rows_{0, shape_.height()}, data_(std::move(data)) {
  EF_ASSERT(static_cast<int64_t>(data_.size()) == shape_.elements());
}

float* Tensor::row(int64_t r) {
  EF_ASSERT(r >= rows_.begin && r <= rows_.end);
  return data_.data() + (r - rows_.begin) * shape_.row_elements();
}

const float* Tensor::row(int64_t r) const {
  EF_ASSERT(r >= rows_.begin && r <= rows_.end);
  return data_.data() + (r - rows_.begin) * shape_.row_elements();
}

std::vector<float> nchw_to_storage(const Shape& shape, const std::vector<float>& nchw) {
  if (!shape.is_feature_map()) return nchw;
  const int64_t C = shape.channels(), H = shape.height(), W = shape.width();
  std::vector<float> out(nchw.size());
  for (int64_t c = 0; c < C; ++c)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w) out[(h * W + w) * C + c] = nchw[(c * H + h) * W + w];
  return out;
}

std::vector<float> storage_to_nchw(const Shape& shape, const std::vector<float>& stored) {
  if (!shape.is_feature_map()) return stored;
  const int64_t C = shape.channels(), H = shape.height(), W = shape.width();
  std::vector<float> out(stored.size());
  for (int64_t c = 0; c < C; ++c)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w) out[(c * H + h) * W + w] = stored[(h * W + w) * C + c];
  return out;
}

double relative_max_error(const std::vector<float>& out, const std::vector<float>& ref) {
  EF_ASSERT(out.size() == ref.size());
  double max_diff = 0.0, max_ref = 0.0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double d = std::fabs(double(out[i]) - double(ref[i]));
    if (!(d <= max_diff)) max_diff = d;  // also catches NaN
    max_ref = std::max(max_ref, std::fabs(double(ref[i])));
  }
  if (std::isnan(max_diff)) return max_diff;
  return max_ref > 0.0 ? max_diff / max_ref : max_diff;
}

}  // namespace edgeflow
