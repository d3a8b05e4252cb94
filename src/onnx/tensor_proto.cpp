// TensorProto -> Constant: every numeric type (float, double, float16 as
// float; integers and bool as int64), raw or typed data; sparse tensors of
// Constant nodes made dense.
// Dims and data length are checked before anything is allocated, so a
// corrupt or hostile file cannot make the importer allocate what it lacks.
#include <cmath>
#include <cstring>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

constexpr int64_t kMaxElements = int64_t(1) << 31;

[[noreturn]] void fail_tensor(const std::string& what, const std::string& message) {
  fail_input("onnx: " + what + ": " + message);
}

std::string dims_text(const onnx::TensorProto& t) {
  std::string s;
  for (int i = 0; i < t.dims_size(); ++i) s += (i ? "x" : "") + std::to_string(t.dims(i));
  return s.empty() ? "scalar" : s;
}

int64_t checked_count(const onnx::TensorProto& t, const std::string& what) {
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0) fail_tensor(what, "dims " + dims_text(t) + " have a negative dim");
    if (d != 0 && count > kMaxElements / d)
      fail_tensor(what, "dims " + dims_text(t) + " hold more than 2^31 elements");
    count *= d;
  }
  if (count > kMaxElements)
    fail_tensor(what, "dims " + dims_text(t) + " hold more than 2^31 elements");
  return count;
}

struct TypeInfo {
  size_t bytes;  // per element in raw_data
  bool is_float;
};

const TypeInfo* type_info(int32_t type) {
  using T = onnx::TensorProto;
  static const TypeInfo kFloat4{4, true}, kDouble{8, true}, kHalf{2, true}, kInt1{1, false},
      kInt2{2, false}, kInt4{4, false}, kInt8{8, false};
  switch (type) {
    case T::FLOAT: return &kFloat4;
    case T::DOUBLE: return &kDouble;
    case T::FLOAT16: return &kHalf;
    case T::INT8: case T::UINT8: case T::BOOL: return &kInt1;
    case T::INT16: case T::UINT16: return &kInt2;
    case T::INT32: case T::UINT32: return &kInt4;
    case T::INT64: case T::UINT64: return &kInt8;
    default: return nullptr;
  }
}

// IEEE half precision bits to float.
double half_to_double(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  const double sign = (h & 0x8000) ? -1.0 : 1.0;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
  return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// One little-endian element of raw_data, of a float type.
double raw_float(int32_t type, const char* p) {
  using T = onnx::TensorProto;
  switch (type) {
    case T::FLOAT: return load<float>(p);
    case T::DOUBLE: return load<double>(p);
    case T::FLOAT16: return half_to_double(load<uint16_t>(p));
    default: return 0.0;
  }
}

// One little-endian element of raw_data, of an integer type (uint64 beyond
// int64 wraps, as a cast would).
int64_t raw_int(int32_t type, const char* p) {
  using T = onnx::TensorProto;
  switch (type) {
    case T::INT8: return load<int8_t>(p);
    case T::UINT8: case T::BOOL: return load<uint8_t>(p);
    case T::INT16: return load<int16_t>(p);
    case T::UINT16: return load<uint16_t>(p);
    case T::INT32: return load<int32_t>(p);
    case T::UINT32: return load<uint32_t>(p);
    case T::INT64: return load<int64_t>(p);
    case T::UINT64: return static_cast<int64_t>(load<uint64_t>(p));
    default: return 0;
  }
}

// Elements held in the typed field of `type` (ONNX: float_data, double_data,
// int64_data, uint64_data, int32_data for the narrower types and float16 bits).
int64_t typed_count(const onnx::TensorProto& t, int32_t type) {
  using T = onnx::TensorProto;
  switch (type) {
    case T::FLOAT: return t.float_data_size();
    case T::DOUBLE: return t.double_data_size();
    case T::INT64: return t.int64_data_size();
    case T::UINT32: case T::UINT64: return t.uint64_data_size();
    default: return t.int32_data_size();
  }
}

double typed_float(const onnx::TensorProto& t, int32_t type, int i) {
  using T = onnx::TensorProto;
  switch (type) {
    case T::FLOAT: return t.float_data(i);
    case T::DOUBLE: return t.double_data(i);
    default: return half_to_double(static_cast<uint16_t>(t.int32_data(i)));
  }
}

int64_t typed_int(const onnx::TensorProto& t, int32_t type, int i) {
  using T = onnx::TensorProto;
  switch (type) {
    case T::INT64: return t.int64_data(i);
    case T::UINT32: case T::UINT64: return static_cast<int64_t>(t.uint64_data(i));
    default: return t.int32_data(i);
  }
}

}  // namespace

const char* data_type_name(int32_t data_type) {
  if (onnx::TensorProto_DataType_IsValid(data_type))
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(data_type))
        .c_str();
  return "unknown type";
}

Constant constant_from_proto(const onnx::TensorProto& t, const std::string& what) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0) {
    std::string location;
    for (const auto& kv : t.external_data())
      if (kv.key() == "location") location = kv.value();
    fail_tensor(what, "keeps its data in an external file" +
                          (location.empty() ? std::string() : " '" + location + "'") +
                          "; external data is not supported (save the model with its weights "
                          "inside the .onnx file)");
  }
  if (t.has_segment()) fail_tensor(what, "segmented tensors are not supported");
  const int32_t type = t.data_type();
  const TypeInfo* info = type_info(type);
  if (!info)
    fail_tensor(what, std::string("has type ") + data_type_name(type) +
                          "; only numeric tensors (float, double, float16, integers, bool) are "
                          "supported");
  const int64_t count = checked_count(t, what);
  Constant c;
  c.dims.assign(t.dims().begin(), t.dims().end());
  c.type = info->is_float ? Constant::Type::kFloat : Constant::Type::kInt64;
  // Reserved only once the data is known to hold `count` elements.
  auto reserve = [&] {
    if (info->is_float)
      c.floats.reserve(static_cast<size_t>(count));
    else
      c.ints.reserve(static_cast<size_t>(count));
  };
  if (t.has_raw_data()) {
    const size_t expected = static_cast<size_t>(count) * info->bytes;
    if (t.raw_data().size() != expected)
      fail_tensor(what, "raw data has " + std::to_string(t.raw_data().size()) + " bytes, dims " +
                            dims_text(t) + " need " + std::to_string(expected) +
                            " (truncated or corrupt)");
    reserve();
    for (int64_t i = 0; i < count; ++i) {
      const char* p = t.raw_data().data() + static_cast<size_t>(i) * info->bytes;
      if (info->is_float)
        c.floats.push_back(static_cast<float>(raw_float(type, p)));
      else
        c.ints.push_back(raw_int(type, p));
    }
    return c;
  }
  const int64_t stored = typed_count(t, type);
  if (stored != count)
    fail_tensor(what, "holds " + std::to_string(stored) + " values, dims " + dims_text(t) +
                          " need " + std::to_string(count) + " (truncated or corrupt)");
  reserve();
  for (int i = 0; i < static_cast<int>(count); ++i) {
    if (info->is_float)
      c.floats.push_back(static_cast<float>(typed_float(t, type, i)));
    else
      c.ints.push_back(typed_int(t, type, i));
  }
  return c;
}

Constant dense_from_sparse(const onnx::NodeProto& node, const onnx::SparseTensorProto& sparse) {
  const std::string what = node_label(node) + ": attribute 'sparse_value'";
  Constant values = constant_from_proto(sparse.values(), what + " values");
  const Constant indices = constant_from_proto(sparse.indices(), what + " indices");
  Constant c;
  c.type = values.type;
  c.dims.assign(sparse.dims().begin(), sparse.dims().end());
  // The dense tensor is made from the few values stored: charged like any
  // constant made from little in the file.
  const int64_t count =
      MadeConstantBudget::charge(what + ": dims", c.dims, element_bytes(values.type));
  const int64_t nnz = values.size();
  const bool coordinates = indices.dims.size() == 2;  // [NNZ, rank], else linear [NNZ]
  if (indices.is_float() || indices.size() != nnz * (coordinates ? int64_t(c.dims.size()) : 1))
    fail_tensor(what, "indices do not fit the values");
  std::vector<int64_t> strides(c.dims.size(), 1);
  for (size_t i = c.dims.size(); i-- > 1;) strides[i - 1] = strides[i] * c.dims[i];
  c.floats.assign(c.is_float() ? static_cast<size_t>(count) : 0, 0.0f);
  c.ints.assign(c.is_float() ? 0 : static_cast<size_t>(count), 0);
  for (int64_t k = 0; k < nnz; ++k) {
    int64_t at = 0;
    if (coordinates) {
      for (size_t a = 0; a < c.dims.size(); ++a) {
        const int64_t i = indices.ints[k * c.dims.size() + a];
        if (i < 0 || i >= c.dims[a]) fail_tensor(what, "an index is out of range");
        at += i * strides[a];
      }
    } else {
      at = indices.ints[k];
      if (at < 0 || at >= count) fail_tensor(what, "an index is out of range");
    }
    if (c.is_float())
      c.floats[at] = values.floats[k];
    else
      c.ints[at] = values.ints[k];
  }
  return c;
}

}  // namespace edgeflow::onnx_import
