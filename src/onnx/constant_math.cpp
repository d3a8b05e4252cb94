// Elementwise arithmetic on constants (the Sub/Div/Mul of shape subgraphs,
// a Sqrt of a constant scale), with ONNX broadcasting: int64 math when both
// operands are integers (Div truncates toward zero, as ONNX Runtime), float
// otherwise.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

// Row-major index into `dims` (right-aligned to `out`) of output multi-index `at`.
int64_t broadcast_index(const Dims& dims, const Dims& out, const std::vector<int64_t>& at) {
  int64_t index = 0;
  const size_t skip = out.size() - dims.size();
  for (size_t i = 0; i < dims.size(); ++i)
    index = index * dims[i] + (dims[i] == 1 ? 0 : at[skip + i]);
  return index;
}

}  // namespace

int64_t bounded_count(const Dims& dims, int64_t limit) {
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d > 0 && count > limit / d)) return -1;
    count *= d;
  }
  return count;
}

std::vector<float> constant_floats(const Constant& c) {
  if (c.is_float()) return c.floats;
  return std::vector<float>(c.ints.begin(), c.ints.end());
}

Constant fold_binary(const onnx::NodeProto& node, ConstantOp op, const Constant& a,
                     const Constant& b) {
  Dims out(std::max(a.dims.size(), b.dims.size()), 1);
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t ka = out.size() - a.dims.size(), kb = out.size() - b.dims.size();
    const int64_t x = i < ka ? 1 : a.dims[i - ka], y = i < kb ? 1 : b.dims[i - kb];
    if (x != y && x != 1 && y != 1)
      fail_node(node, "constants " + Shape(a.dims).str() + " and " + Shape(b.dims).str() +
                          " do not broadcast");
    out[i] = x == 1 ? y : x;
  }
  // A result larger than both operands is made from nothing in the file.
  const int64_t count = bounded_count(out, std::max({kMaxMadeElements, a.size(), b.size()}));
  if (count < 0)
    fail_node(node, "broadcasting " + Shape(a.dims).str() + " and " + Shape(b.dims).str() +
                        " makes a constant of more than 2^26 elements");
  Constant c;
  c.dims = out;
  const bool integers = !a.is_float() && !b.is_float();
  c.type = integers ? Constant::Type::kInt64 : Constant::Type::kFloat;
  const std::vector<float> fa = integers ? std::vector<float>{} : constant_floats(a);
  const std::vector<float> fb = integers ? std::vector<float>{} : constant_floats(b);
  std::vector<int64_t> at(out.size(), 0);
  for (int64_t e = 0; e < count; ++e) {
    const int64_t ia = broadcast_index(a.dims, out, at), ib = broadcast_index(b.dims, out, at);
    if (integers) {
      const int64_t x = a.ints[ia], y = b.ints[ib];
      int64_t r = 0;
      bool overflow = false;
      switch (op) {
        case ConstantOp::kAdd: overflow = __builtin_add_overflow(x, y, &r); break;
        case ConstantOp::kSub: overflow = __builtin_sub_overflow(x, y, &r); break;
        case ConstantOp::kMul: overflow = __builtin_mul_overflow(x, y, &r); break;
        case ConstantOp::kDiv:
          if (y == 0 || (x == INT64_MIN && y == -1)) fail_node(node, "integer division overflows");
          r = x / y;
          break;
        case ConstantOp::kPow: {
          const double p = std::pow(double(x), double(y));
          overflow = !fits_int64(p);
          r = overflow ? 0 : static_cast<int64_t>(p);
          break;
        }
      }
      if (overflow) fail_node(node, "integer arithmetic overflows");
      c.ints.push_back(r);
    } else {
      const float x = fa[ia], y = fb[ib];
      float r = 0.0f;
      switch (op) {
        case ConstantOp::kAdd: r = x + y; break;
        case ConstantOp::kSub: r = x - y; break;
        case ConstantOp::kMul: r = x * y; break;
        case ConstantOp::kDiv: r = x / y; break;
        case ConstantOp::kPow: r = std::pow(x, y); break;
      }
      c.floats.push_back(r);
    }
    for (size_t i = out.size(); i-- > 0;) {
      if (++at[i] < out[i]) break;
      at[i] = 0;
    }
  }
  return c;
}

Constant fold_unary(const Constant& in, float (*f)(float)) {
  Constant c;
  c.dims = in.dims;
  for (float v : constant_floats(in)) c.floats.push_back(f(v));
  return c;
}

}  // namespace edgeflow::onnx_import
