// The copy-list kernel (copy_kernel.h).
#include "kernels/copy_kernel.h"

#include <cstring>

namespace edgeflow::kernels {
namespace {

class CopyKernel : public Kernel {
 public:
  CopyKernel(std::vector<FloatCopy> copies, std::vector<float> constants)
      : copies_(std::move(copies)), constants_(std::move(constants)) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    for (const FloatCopy& c : copies_) {
      const float* src = c.input < 0 ? constants_.data() : inputs.at(static_cast<size_t>(c.input));
      std::memcpy(dst + c.dst_offset, src + c.src_offset,
                  static_cast<size_t>(c.floats) * sizeof(float));
    }
  }

 private:
  std::vector<FloatCopy> copies_;
  std::vector<float> constants_;
};

}  // namespace

void append_copy(std::vector<FloatCopy>& copies, const FloatCopy& c) {
  if (!copies.empty()) {
    FloatCopy& last = copies.back();
    if (last.input == c.input && last.src_offset + last.floats == c.src_offset &&
        last.dst_offset + last.floats == c.dst_offset) {
      last.floats += c.floats;
      return;
    }
  }
  copies.push_back(c);
}

std::unique_ptr<Kernel> make_copy_kernel(std::vector<FloatCopy> copies,
                                         std::vector<float> constants) {
  return std::make_unique<CopyKernel>(std::move(copies), std::move(constants));
}

}  // namespace edgeflow::kernels
