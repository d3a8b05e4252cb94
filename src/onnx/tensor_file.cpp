// A serialized TensorProto file (input_0.pb / output_0.pb of the ONNX test
// data sets) as a float Tensor: float, double and integer data as floats, in
// the IR's storage order.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "edgeflow/error.h"
#include "edgeflow/onnx_import.h"
#include "onnx_internal.h"

namespace edgeflow {

Tensor read_onnx_tensor(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_input("tensor '" + path + "': cannot open: " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  onnx::TensorProto proto;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    fail_input("tensor '" + path + "': not a serialized ONNX TensorProto");
  onnx_import::MadeConstantBudget budget(std::nullopt);  // sparse forms are not read here
  const onnx_import::Constant c = onnx_import::constant_from_proto(proto, "tensor '" + path + "'");
  if (c.dims.empty()) fail_input("tensor '" + path + "': a scalar, not an input tensor");
  const Shape shape(c.dims);
  return Tensor(shape, nchw_to_storage(shape, onnx_import::constant_floats(c)));
}

}  // namespace edgeflow
