// Elementwise arithmetic on constants (the Sub/Div/Mul of shape subgraphs,
// a Sqrt of a constant scale), with ONNX broadcasting: int64 math when both
// operands are integers (Div truncates toward zero, as ONNX Runtime), float
// otherwise; and the ops of shape and mask subgraphs that exist only as
// constants (Equal/Less/Greater, Where, Expand, Range, Mod). Booleans are
// int64 0 and 1.
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

// The multidirectional broadcast of `dims` (ONNX), or a failure naming the node.
Dims broadcast_all(const onnx::NodeProto& node, const std::vector<const Dims*>& dims) {
  size_t rank = 0;
  for (const Dims* d : dims) rank = std::max(rank, d->size());
  Dims out(rank, 1);
  for (const Dims* d : dims)
    for (size_t i = 0; i < d->size(); ++i) {
      int64_t& o = out[rank - d->size() + i];
      const int64_t x = (*d)[i];
      if (x != o && x != 1 && o != 1) {
        std::string text;
        for (const Dims* e : dims) text += (text.empty() ? "" : ", ") + Shape(*e).str();
        fail_node(node, "constants " + text + " do not broadcast");
      }
      if (o == 1) o = x;
    }
  return out;
}

// The element count of a folded result, charged to the import's budget of
// made constants.
int64_t made_count(const onnx::NodeProto& node, const Dims& out, bool integers) {
  return MadeConstantBudget::charge(node_label(node) + ": the result", out,
                                    element_bytes(integers ? Constant::Type::kInt64
                                                           : Constant::Type::kFloat));
}

void next_index(std::vector<int64_t>& at, const Dims& dims) {
  for (size_t i = dims.size(); i-- > 0;) {
    if (++at[i] < dims[i]) return;
    at[i] = 0;
  }
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
  const bool integers = !a.is_float() && !b.is_float();
  const int64_t count = MadeConstantBudget::charge(
      node_label(node) + ": broadcasting " + Shape(a.dims).str() + " and " + Shape(b.dims).str() + " to",
      out, element_bytes(integers ? Constant::Type::kInt64 : Constant::Type::kFloat));
  Constant c;
  c.dims = out;
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
        case ConstantOp::kMod:  // the sign of the divisor (Mod, fmod = 0)
        case ConstantOp::kFmod:  // the sign of the dividend (fmod = 1)
          if (y == 0 || (x == INT64_MIN && y == -1)) fail_node(node, "integer modulo by 0");
          r = x % y;
          if (op == ConstantOp::kMod && r != 0 && ((r < 0) != (y < 0))) r += y;
          break;
        case ConstantOp::kEqual: r = x == y; break;
        case ConstantOp::kLess: r = x < y; break;
        case ConstantOp::kGreater: r = x > y; break;
        case ConstantOp::kMax: r = std::max(x, y); break;
        case ConstantOp::kMin: r = std::min(x, y); break;
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
        case ConstantOp::kMod:
          r = std::fmod(x, y);
          if (r != 0.0f && ((r < 0.0f) != (y < 0.0f))) r += y;
          break;
        case ConstantOp::kFmod: r = std::fmod(x, y); break;
        case ConstantOp::kEqual: r = x == y; break;
        case ConstantOp::kLess: r = x < y; break;
        case ConstantOp::kGreater: r = x > y; break;
        case ConstantOp::kMax: r = std::max(x, y); break;
        case ConstantOp::kMin: r = std::min(x, y); break;
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

bool is_comparison(ConstantOp op) {
  return op == ConstantOp::kEqual || op == ConstantOp::kLess || op == ConstantOp::kGreater;
}

Constant fold_compare(const onnx::NodeProto& node, ConstantOp op, const Constant& a,
                      const Constant& b) {
  EF_ASSERT(is_comparison(op));
  Constant c = fold_binary(node, op, a, b);
  if (c.is_float()) {
    c.ints.assign(c.floats.begin(), c.floats.end());
    c.floats.clear();
    c.type = Constant::Type::kInt64;
  }
  return c;
}

Constant fold_where(const onnx::NodeProto& node, const Constant& cond, const Constant& x,
                    const Constant& y) {
  if (cond.is_float()) fail_node(node, "the condition must be a boolean tensor");
  const Dims out = broadcast_all(node, {&cond.dims, &x.dims, &y.dims});
  const bool integers = !x.is_float() && !y.is_float();
  const int64_t count = made_count(node, out, integers);
  const std::vector<float> fx = integers ? std::vector<float>{} : constant_floats(x);
  const std::vector<float> fy = integers ? std::vector<float>{} : constant_floats(y);
  Constant c;
  c.dims = out;
  c.type = integers ? Constant::Type::kInt64 : Constant::Type::kFloat;
  std::vector<int64_t> at(out.size(), 0);
  for (int64_t e = 0; e < count; ++e, next_index(at, out)) {
    const bool take_x = cond.ints[broadcast_index(cond.dims, out, at)] != 0;
    const Constant& from = take_x ? x : y;
    const int64_t i = broadcast_index(from.dims, out, at);
    if (integers)
      c.ints.push_back(from.ints[i]);
    else
      c.floats.push_back((take_x ? fx : fy)[i]);
  }
  return c;
}

Constant fold_expand(const onnx::NodeProto& node, const Constant& in, const Dims& shape) {
  const Dims out = broadcast_all(node, {&in.dims, &shape});
  const int64_t count = made_count(node, out, !in.is_float());
  Constant c;
  c.dims = out;
  c.type = in.type;
  std::vector<int64_t> at(out.size(), 0);
  for (int64_t e = 0; e < count; ++e, next_index(at, out)) {
    const int64_t i = broadcast_index(in.dims, out, at);
    if (in.is_float())
      c.floats.push_back(in.floats[i]);
    else
      c.ints.push_back(in.ints[i]);
  }
  return c;
}

Constant fold_range(const onnx::NodeProto& node, const Constant& start, const Constant& limit,
                    const Constant& delta) {
  for (const Constant* k : {&start, &limit, &delta})
    if (k->size() != 1) fail_node(node, "start, limit and delta must be scalars");
  const std::vector<float> f = {constant_floats(start)[0], constant_floats(limit)[0],
                                constant_floats(delta)[0]};
  if (f[2] == 0.0f || !std::isfinite(f[0]) || !std::isfinite(f[1]) || !std::isfinite(f[2]))
    fail_node(node, "delta is 0 or a bound is not finite");
  const double n = std::max(0.0, std::ceil((double(f[1]) - f[0]) / f[2]));
  const bool integers = !start.is_float() && !limit.is_float() && !delta.is_float();
  Constant c;
  c.dims = {static_cast<int64_t>(std::min(n, double(int64_t(1) << 62)))};
  made_count(node, c.dims, integers);
  c.type = integers ? Constant::Type::kInt64 : Constant::Type::kFloat;
  for (int64_t i = 0; i < c.dims[0]; ++i) {
    if (integers)
      c.ints.push_back(start.ints[0] + i * delta.ints[0]);
    else
      c.floats.push_back(f[0] + static_cast<float>(i) * f[2]);
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
