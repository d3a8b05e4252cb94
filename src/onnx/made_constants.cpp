// The rule on constants the importer makes from little in the file: see
// MadeConstantBudget in onnx_internal.h and docs/coverage.md.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

thread_local MadeConstantBudget* current_budget = nullptr;

constexpr int64_t kGiB = int64_t(1) << 30;

std::string bytes_text(double bytes) {
  char text[32];
  if (bytes >= double(kGiB))
    std::snprintf(text, sizeof text, "%.1f GiB", bytes / double(kGiB));
  else if (bytes >= double(int64_t(1) << 20))
    std::snprintf(text, sizeof text, "%.1f MiB", bytes / double(int64_t(1) << 20));
  else
    std::snprintf(text, sizeof text, "%.0f bytes", bytes);
  return text;
}

int64_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? int64_t(pages) * int64_t(page) : 4 * kGiB;
}

}  // namespace

int64_t default_made_constants_limit() {
  return std::min(kMaxMadeConstantsBytes, physical_memory() / 4);
}

MadeConstantBudget::MadeConstantBudget(std::optional<int64_t> limit_bytes)
    : limit_(limit_bytes.value_or(default_made_constants_limit())),
      rule_(limit_bytes ? "the limit the caller set" : "a quarter of this machine's memory, at most 4 GiB"),
      previous_(current_budget) {
  current_budget = this;
}

MadeConstantBudget::~MadeConstantBudget() { current_budget = previous_; }

int64_t MadeConstantBudget::charge(const std::string& what, const Dims& dims,
                                   int64_t element_bytes) {
  static thread_local MadeConstantBudget fallback(std::nullopt);  // outside an import
  MadeConstantBudget& b = current_budget ? *current_budget : fallback;
  for (int64_t d : dims)
    if (d < 0) fail_input("onnx: " + what + " " + Shape(dims).str() + " has a negative dim");
  const int64_t available = std::max<int64_t>(0, b.limit_ - b.used_) / element_bytes;
  const int64_t count = bounded_count(dims, available);
  if (count < 0) {
    double elements = 1;
    for (int64_t d : dims) elements *= double(d);
    fail_input("onnx: " + what + " " + Shape(dims).str() + " would take " +
               bytes_text(elements * double(element_bytes)) +
               "; the constants made at import (ConstantOfShape, broadcasts, sparse tensors "
               "made dense) may take at most " + bytes_text(double(b.limit_)) + " together (" +
               b.rule_ + "), " + bytes_text(double(b.used_)) + " of it taken");
  }
  b.used_ += count * element_bytes;
  return count;
}

}  // namespace edgeflow::onnx_import
