// Reading an ONNX file: the file itself, the protobuf parse and the opset of
// the default domain. Every failure names the model.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {


[[noreturn]] void fail_model(const std::string& name, const std::string& message) {
  fail_input("model '" + name + "': " + message);
}

}  // namespace

std::string read_model_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) fail_model(path, "no such file");
  if (ec) fail_model(path, "cannot access: " + ec.message());
  if (status.type() == fs::file_type::directory) fail_model(path, "is a directory, not a file");
  if (status.type() != fs::file_type::regular) fail_model(path, "is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_model(path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) fail_model(path, std::string("read error: ") + std::strerror(errno));
  std::string bytes = buffer.str();
  if (bytes.empty()) fail_model(path, "file is empty");
  return bytes;
}

void parse_model(const std::string& bytes, const std::string& name, onnx::ModelProto& model) {
  if (bytes.empty()) fail_model(name, "file is empty");
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    fail_model(name, "is larger than 2 GB, the protobuf limit");
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    fail_model(name,
               "not an ONNX model: protobuf parsing failed (the file is truncated, corrupt or not "
               "an ONNX ModelProto)");
  if (!model.has_graph())
    fail_model(name, "not an ONNX model: it has no graph (truncated, or another kind of file)");
  if (model.ir_version() <= 0)
    fail_model(name, "not an ONNX model: no IR version (truncated, or another kind of file)");
}

int64_t default_opset(const onnx::ModelProto& model, const std::string& name) {
  int64_t opset = -1;
  for (const onnx::OperatorSetIdProto& id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx") opset = id.version();
  if (opset < 0)
    fail_model(name, "declares no opset for the default ONNX domain (truncated file?)");
  if (opset < kMinOpset || opset > kMaxOpset)
    fail_model(name, "opset " + std::to_string(opset) + " is not supported (supported: " +
                         std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset) + ")");
  return opset;
}

}  // namespace edgeflow::onnx_import
