#include "cli/model_input.h"

#include <atomic>
#include <cstdio>

#include "edgeflow/onnx_import.h"

namespace edgeflow {
namespace {

void note_once(std::atomic<bool>& noted, const std::string& path, const char* what) {
  if (!noted.exchange(true))
    std::fprintf(stderr, "edgeflow: note: input '%s': %s (not noted again for other inputs)\n",
                 path.c_str(), what);
}

}  // namespace

Tensor load_model_input(const std::string& path, const Shape& input_shape, const Preprocess& pp) {
  static std::atomic<bool> cast_noted{false}, n_noted{false};
  InputConversions done;
  Tensor t = is_tensor_proto_path(path)
                 ? fit_input_shape(read_onnx_tensor(path), input_shape, "tensor '" + path + "'",
                                   &done)
                 : load_input(path, input_shape, pp, &done);
  if (done.from_float64) note_once(cast_noted, path, "float64 values cast to float32");
  if (done.added_n) note_once(n_noted, path, "a [C, H, W] array given N = 1");
  return t;
}

}  // namespace edgeflow
