// TensorProto -> Constant: float, int64 and int32 tensors (and bool flags),
// raw or typed data.
// Dims and data length are checked before anything is allocated, so a
// corrupt or hostile file cannot make the importer allocate what it lacks.
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

template <typename T>
std::vector<T> from_raw(const std::string& raw, int64_t count) {
  std::vector<T> out(static_cast<size_t>(count));
  if (count) std::memcpy(out.data(), raw.data(), static_cast<size_t>(count) * sizeof(T));
  return out;
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
  if (type != onnx::TensorProto::FLOAT && type != onnx::TensorProto::INT64 &&
      type != onnx::TensorProto::INT32 && type != onnx::TensorProto::BOOL)
    fail_tensor(what, std::string("has type ") + data_type_name(type) +
                          "; only FLOAT, INT64, INT32 (and BOOL flags) are supported");
  const int64_t count = checked_count(t, what);
  const size_t element_bytes = type == onnx::TensorProto::INT64  ? 8
                               : type == onnx::TensorProto::BOOL ? 1
                                                                 : 4;

  Constant c;
  c.dims.assign(t.dims().begin(), t.dims().end());
  if (t.has_raw_data()) {
    const size_t expected = static_cast<size_t>(count) * element_bytes;
    if (t.raw_data().size() != expected)
      fail_tensor(what, "raw data has " + std::to_string(t.raw_data().size()) + " bytes, dims " +
                            dims_text(t) + " need " + std::to_string(expected) +
                            " (truncated or corrupt)");
    if (type == onnx::TensorProto::FLOAT) {
      c.floats = from_raw<float>(t.raw_data(), count);
    } else if (type == onnx::TensorProto::INT64) {
      c.type = Constant::Type::kInt64;
      c.ints = from_raw<int64_t>(t.raw_data(), count);
    } else if (type == onnx::TensorProto::INT32) {
      c.type = Constant::Type::kInt64;
      const std::vector<int32_t> v = from_raw<int32_t>(t.raw_data(), count);
      c.ints.assign(v.begin(), v.end());
    } else {
      c.type = Constant::Type::kInt64;
      const std::vector<uint8_t> v = from_raw<uint8_t>(t.raw_data(), count);
      c.ints.assign(v.begin(), v.end());
    }
    return c;
  }
  int64_t stored = 0;
  if (type == onnx::TensorProto::FLOAT)
    stored = t.float_data_size();
  else if (type == onnx::TensorProto::INT64)
    stored = t.int64_data_size();
  else
    stored = t.int32_data_size();  // INT32 and BOOL
  if (stored != count)
    fail_tensor(what, "holds " + std::to_string(stored) + " values, dims " + dims_text(t) +
                          " need " + std::to_string(count) + " (truncated or corrupt)");
  if (type == onnx::TensorProto::FLOAT) {
    c.floats.assign(t.float_data().begin(), t.float_data().end());
  } else if (type == onnx::TensorProto::INT64) {
    c.type = Constant::Type::kInt64;
    c.ints.assign(t.int64_data().begin(), t.int64_data().end());
  } else {
    c.type = Constant::Type::kInt64;
    c.ints.assign(t.int32_data().begin(), t.int32_data().end());
  }
  return c;
}

}  // namespace edgeflow::onnx_import
