// libFuzzer target: the ONNX importer on arbitrary bytes, as rank 0 meets a
// model file. Any input must give a Graph that passes validate_graph or an
// edgeflow::Error; a crash, a sanitizer report, a leak, an allocation above
// libFuzzer's -rss_limit_mb or a hang is a bug. Mutations: three in four
// change one field of the parsed ModelProto (proto_mutator.h), the rest are
// libFuzzer's byte mutations. (A test, it may include the ONNX headers.)
//
// The first byte picks the import options (so --input-shape is fuzzed too)
// only when the input starts with the marker 0xEF; the seed corpus is plain
// .onnx files (models/tiny), which never start with it (a ModelProto's first
// byte is a field tag, 0x08 for ir_version).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include <onnx/onnx_pb.h>

#include <google/protobuf/stubs/logging.h>

#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"
#include "edgeflow/onnx_import.h"
#include "proto_mutator.h"

namespace {

// Shapes --input-shape may take in the fuzzer: valid ones, N != 1, a zero and
// a huge dim, and a wrong rank.
const edgeflow::Dims kShapes[] = {
    {1, 3, 8, 8}, {1, 3, 16, 16}, {1, 1, 5, 7},       {2, 3, 8, 8},
    {1, 3, 0, 8}, {1, 3, 1 << 20, 1 << 20}, {1, 3, 8},
};

}  // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // parse warnings are expected here
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  if (seed % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  const size_t prefix = size >= 2 && data[0] == 0xEF ? 2 : 0;
  onnx::ModelProto model;
  if (!model.ParseFromArray(data + prefix, static_cast<int>(size - prefix)))
    return LLVMFuzzerMutate(data, size, max_size);
  edgeflow::fuzz::ProtoMutator mutator(seed);
  for (unsigned i = 0; i <= seed % 3; ++i) mutator.mutate(&model);
  const std::string bytes = model.SerializeAsString();
  if (prefix + bytes.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data + prefix, bytes.data(), bytes.size());
  return prefix + bytes.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  edgeflow::ImportOptions options;
  // Well under libFuzzer's 2 GB memory limit, with room for a constant's copies.
  options.made_constants_limit = int64_t(256) << 20;
  if (size >= 2 && data[0] == 0xEF) {
    const uint8_t pick = data[1];
    if (pick < sizeof kShapes / sizeof kShapes[0]) options.input_shape = kShapes[pick];
    data += 2;
    size -= 2;
  }
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    edgeflow::Graph graph = edgeflow::import_onnx_bytes(bytes, "fuzz.onnx", options);
    // The importer's contract: what it returns is a valid graph.
    edgeflow::validate_graph(graph);
  } catch (const edgeflow::Error&) {
    // Bad input, reported as a value: the expected outcome for most inputs.
  }
  return 0;
}
