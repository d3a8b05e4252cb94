// --input-shape text: "1x3x224x224" -> dims.
#include <cstdint>
#include <limits>
#include <string>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

[[noreturn]] void fail_shape(const std::string& text, const std::string& what) {
  fail_input("shape '" + text + "': " + what + " (expected dims like 1x3x224x224)");
}

}  // namespace

Dims parse_shape(const std::string& text) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  Dims dims;
  size_t begin = 0;
  for (;;) {
    const size_t end = text.find_first_of("xX", begin);
    const std::string part =
        text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    const std::string which = "dimension " + std::to_string(dims.size() + 1);
    if (part.empty()) fail_shape(text, which + " is empty");
    int64_t v = 0;
    for (char c : part) {
      if (c < '0' || c > '9') fail_shape(text, which + " '" + part + "' is not a positive integer");
      if (v > (kMax - (c - '0')) / 10) fail_shape(text, which + " '" + part + "' is too large");
      v = v * 10 + (c - '0');
    }
    if (v == 0) fail_shape(text, which + " is zero");
    dims.push_back(v);
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  return dims;
}

}  // namespace edgeflow
