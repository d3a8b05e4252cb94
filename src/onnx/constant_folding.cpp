// Constant folding of shape subgraphs: Gather, Slice, Concat, Cast and the
// dims arithmetic of Reshape, Unsqueeze and Squeeze, on int64/float
// constants. Pure functions; errors name the node.
#include <algorithm>
#include <cstdio>
#include <set>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

std::string text(const Dims& d) { return Shape(d).str(); }

constexpr int64_t kMaxElements = int64_t(1) << 31;

// Product of d[begin, end); callers pass dims already known to be bounded.
int64_t product(const Dims& d, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= d[i];
  return p;
}

// Product of all dims, failing beyond 2^31 elements (a target shape read from
// the model may hold anything).
int64_t checked_product(const onnx::NodeProto& node, const Dims& d) {
  int64_t p = 1;
  for (int64_t x : d) {
    if (x != 0 && p > kMaxElements / x)
      fail_node(node, "shape " + text(d) + " has more than 2^31 elements");
    p *= x;
  }
  return p;
}

// A constant of c's type holding c's elements at `index`.
Constant select(const Constant& c, const std::vector<int64_t>& index, Dims dims) {
  Constant out;
  out.type = c.type;
  out.dims = std::move(dims);
  if (c.is_float()) {
    out.floats.reserve(index.size());
    for (int64_t i : index) out.floats.push_back(c.floats[static_cast<size_t>(i)]);
  } else {
    out.ints.reserve(index.size());
    for (int64_t i : index) out.ints.push_back(c.ints[static_cast<size_t>(i)]);
  }
  return out;
}

}  // namespace

std::vector<int64_t> constant_ints(const onnx::NodeProto& node, const Constant& c,
                                   const std::string& role) {
  if (c.is_float()) fail_node(node, role + " must be integers, is a float tensor");
  return c.ints;
}

int64_t normalize_axis(const onnx::NodeProto& node, int64_t axis, int64_t rank,
                       const std::string& what) {
  if (axis < -rank || axis >= rank)
    fail_node(node, what + " = " + std::to_string(axis) + " is out of range for rank " +
                        std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

Dims reshape_dims(const onnx::NodeProto& node, const Dims& in, const std::vector<int64_t>& target,
                  bool allowzero) {
  Dims out = target;
  int inferred = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0 && !allowzero) {
      if (i >= in.size())
        fail_node(node, "shape " + text(target) + ": a 0 at dim " + std::to_string(i) +
                            " has no input dim to copy (input is " + text(in) + ")");
      out[i] = in[i];
    } else if (out[i] == -1) {
      if (inferred >= 0) fail_node(node, "shape " + text(target) + " has more than one -1");
      inferred = static_cast<int>(i);
    } else if (out[i] < 0) {
      fail_node(node, "shape " + text(target) + " has a negative dim");
    }
  }
  const int64_t total = checked_product(node, in);
  if (inferred >= 0) {
    Dims known_dims = out;
    known_dims[inferred] = 1;
    const int64_t known = checked_product(node, known_dims);
    if (known == 0 || total % known != 0)
      fail_node(node, "cannot reshape " + text(in) + " to " + text(target));
    out[inferred] = total / known;
  }
  if (checked_product(node, out) != total)
    fail_node(node, "cannot reshape " + text(in) + " (" + std::to_string(total) + " elements) to " +
                        text(target));
  return out;
}

Dims unsqueeze_dims(const onnx::NodeProto& node, const Dims& in, std::vector<int64_t> axes) {
  const int64_t rank = static_cast<int64_t>(in.size() + axes.size());
  for (int64_t& a : axes) a = normalize_axis(node, a, rank, "axes value");
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    fail_node(node, "axes has a repeated axis");
  Dims out;
  size_t next_in = 0, next_axis = 0;
  for (int64_t i = 0; i < rank; ++i) {
    if (next_axis < axes.size() && axes[next_axis] == i) {
      out.push_back(1);
      ++next_axis;
    } else {
      out.push_back(in[next_in++]);
    }
  }
  return out;
}

Dims squeeze_dims(const onnx::NodeProto& node, const Dims& in, std::vector<int64_t> axes) {
  const int64_t rank = static_cast<int64_t>(in.size());
  std::set<int64_t> drop;
  for (int64_t a : axes) {
    const int64_t axis = normalize_axis(node, a, rank, "axes value");
    if (in[axis] != 1)
      fail_node(node, "cannot squeeze axis " + std::to_string(axis) + " of " + text(in) +
                          ": it is not 1");
    drop.insert(axis);
  }
  Dims out;
  for (int64_t i = 0; i < rank; ++i) {
    const bool squeezed = axes.empty() ? in[i] == 1 : drop.count(i) > 0;
    if (!squeezed) out.push_back(in[i]);
  }
  return out;
}

Constant fold_gather(const onnx::NodeProto& node, const Constant& data, const Constant& indices,
                     int64_t axis) {
  const int64_t rank = static_cast<int64_t>(data.dims.size());
  if (rank == 0) fail_node(node, "cannot gather from a scalar");
  axis = normalize_axis(node, axis, rank, "attribute 'axis'");
  const std::vector<int64_t> idx = constant_ints(node, indices, "indices");
  const int64_t extent = data.dims[axis];
  const int64_t outer = product(data.dims, 0, axis);
  const int64_t inner = product(data.dims, axis + 1, data.dims.size());
  std::vector<int64_t> index;
  index.reserve(static_cast<size_t>(outer * idx.size() * inner));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j : idx) {
      if (j < -extent || j >= extent)
        fail_node(node, "index " + std::to_string(j) + " is out of range for dim " +
                            std::to_string(extent));
      if (j < 0) j += extent;
      for (int64_t i = 0; i < inner; ++i) index.push_back((o * extent + j) * inner + i);
    }
  Dims dims(data.dims.begin(), data.dims.begin() + axis);
  dims.insert(dims.end(), indices.dims.begin(), indices.dims.end());
  dims.insert(dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  return select(data, index, dims);
}

Constant fold_scatter_nd(const onnx::NodeProto& node, const Constant& data,
                         const Constant& indices, const Constant& updates,
                         const std::string& reduction) {
  const std::vector<int64_t> idx = constant_ints(node, indices, "indices");
  const size_t rank = data.dims.size();
  if (indices.dims.empty() || indices.dims.back() < 1 ||
      static_cast<size_t>(indices.dims.back()) > rank)
    fail_node(node, "indices of shape " + Shape(indices.dims).str() + " do not index the " +
                        Shape(data.dims).str() + " data");
  const size_t k = static_cast<size_t>(indices.dims.back());
  Dims expected(indices.dims.begin(), indices.dims.end() - 1);
  expected.insert(expected.end(), data.dims.begin() + static_cast<int64_t>(k), data.dims.end());
  if (updates.dims != expected || updates.is_float() != data.is_float())
    fail_node(node, "updates of shape " + Shape(updates.dims).str() + " do not fit indices " +
                        Shape(indices.dims).str() + " into " + Shape(data.dims).str() +
                        " (expected " + Shape(expected).str() + " of the data's type)");
  const int64_t slice = product(data.dims, k, rank);
  Constant out = data;
  const auto apply = [&](auto& target, const auto& source, int64_t to, int64_t from) {
    for (int64_t i = 0; i < slice; ++i) {
      auto& t = target[static_cast<size_t>(to + i)];
      const auto u = source[static_cast<size_t>(from + i)];
      if (reduction == "add") t += u;
      else if (reduction == "mul") t *= u;
      else if (reduction == "max") t = std::max(t, u);
      else if (reduction == "min") t = std::min(t, u);
      else t = u;
    }
  };
  const int64_t tuples = static_cast<int64_t>(idx.size() / k);
  for (int64_t n = 0; n < tuples; ++n) {
    int64_t offset = 0;
    for (size_t j = 0; j < k; ++j) {
      int64_t i = idx[static_cast<size_t>(n) * k + j];
      const int64_t extent = data.dims[j];
      if (i < -extent || i >= extent)
        fail_node(node, "index " + std::to_string(i) + " is out of range for dim " +
                            std::to_string(extent));
      if (i < 0) i += extent;
      offset = offset * extent + i;
    }
    if (out.is_float())
      apply(out.floats, updates.floats, offset * slice, n * slice);
    else
      apply(out.ints, updates.ints, offset * slice, n * slice);
  }
  return out;
}

Constant fold_slice(const onnx::NodeProto& node, const Constant& data,
                    const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                    std::vector<int64_t> axes, std::vector<int64_t> steps) {
  const int64_t rank = static_cast<int64_t>(data.dims.size());
  const size_t n = starts.size();
  if (axes.empty())
    for (size_t k = 0; k < n; ++k) axes.push_back(static_cast<int64_t>(k));
  if (steps.empty()) steps.assign(n, 1);
  if (ends.size() != n || axes.size() != n || steps.size() != n)
    fail_node(node, "starts, ends, axes and steps differ in length");
  std::vector<int64_t> start(rank, 0), step(rank, 1);
  Dims out = data.dims;
  std::set<int64_t> seen;
  for (size_t k = 0; k < n; ++k) {
    const int64_t a = normalize_axis(node, axes[k], rank, "axes value");
    if (!seen.insert(a).second) fail_node(node, "axes has a repeated axis");
    const int64_t dim = data.dims[a];
    // A step beyond the dim takes one element whatever its size; clamping it
    // keeps the arithmetic below from overflowing.
    const int64_t st = std::clamp<int64_t>(steps[k], -kMaxElements, kMaxElements);
    if (st == 0) fail_node(node, "steps has a 0");
    int64_t s = starts[k], e = ends[k];
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      out[a] = e > s ? (e - s - 1) / st + 1 : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      out[a] = s > e ? (s - e - 1) / -st + 1 : 0;
    }
    start[a] = s;
    step[a] = st;
  }
  std::vector<int64_t> stride(rank, 1);
  for (int64_t a = rank - 2; a >= 0; --a) stride[a] = stride[a + 1] * data.dims[a + 1];
  const int64_t count = product(out, 0, out.size());
  std::vector<int64_t> index;
  index.reserve(static_cast<size_t>(count));
  std::vector<int64_t> at(rank, 0);
  for (int64_t e = 0; e < count; ++e) {
    int64_t src = 0;
    for (int64_t a = 0; a < rank; ++a) src += (start[a] + at[a] * step[a]) * stride[a];
    index.push_back(src);
    for (int64_t a = rank - 1; a >= 0; --a) {
      if (++at[a] < out[a]) break;
      at[a] = 0;
    }
  }
  return select(data, index, out);
}

Constant fold_concat(const onnx::NodeProto& node, const std::vector<const Constant*>& parts,
                     int64_t axis) {
  const Constant& first = *parts.at(0);
  const int64_t rank = static_cast<int64_t>(first.dims.size());
  if (rank == 0) fail_node(node, "cannot concatenate scalars");
  axis = normalize_axis(node, axis, rank, "attribute 'axis'");
  Dims dims = first.dims;
  dims[axis] = 0;
  for (const Constant* p : parts) {
    if (p->type != first.type) fail_node(node, "inputs mix float and integer tensors");
    bool fits = static_cast<int64_t>(p->dims.size()) == rank;
    for (int64_t a = 0; fits && a < rank; ++a) fits = a == axis || p->dims[a] == first.dims[a];
    if (!fits)
      fail_node(node, "input " + text(p->dims) + " does not fit " + text(first.dims) + " on axis " +
                          std::to_string(axis));
    dims[axis] += p->dims[axis];
  }
  const int64_t outer = product(first.dims, 0, axis);
  const int64_t inner = product(first.dims, axis + 1, first.dims.size());
  Constant out;
  out.type = first.type;
  out.dims = dims;
  for (int64_t o = 0; o < outer; ++o)
    for (const Constant* p : parts) {
      const int64_t chunk = p->dims[axis] * inner;
      if (p->is_float())
        out.floats.insert(out.floats.end(), p->floats.begin() + o * chunk,
                          p->floats.begin() + (o + 1) * chunk);
      else
        out.ints.insert(out.ints.end(), p->ints.begin() + o * chunk,
                        p->ints.begin() + (o + 1) * chunk);
    }
  return out;
}

Constant fold_cast(const onnx::NodeProto& node, const Constant& in, int64_t to) {
  Constant out;
  out.dims = in.dims;
  switch (to) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::DOUBLE:
      out.type = Constant::Type::kFloat;
      if (in.is_float())
        out.floats = in.floats;
      else
        for (int64_t v : in.ints) out.floats.push_back(static_cast<float>(v));
      return out;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::BOOL:
      out.type = Constant::Type::kInt64;
      if (in.is_float())
        for (float v : in.floats) {
          if (to != onnx::TensorProto::BOOL && !fits_int64(v)) {
            char text[32];
            std::snprintf(text, sizeof text, "%g", v);
            fail_node(node, std::string("value ") + text + " does not fit an integer");
          }
          out.ints.push_back(to == onnx::TensorProto::BOOL ? v != 0.0f : static_cast<int64_t>(v));
        }
      else
        for (int64_t v : in.ints) out.ints.push_back(to == onnx::TensorProto::BOOL ? v != 0 : v);
      return out;
    default:
      fail_node(node, std::string("attribute 'to' = ") + data_type_name(static_cast<int32_t>(to)) +
                          " is not supported (FLOAT, DOUBLE, INT64, INT32, BOOL are)");
  }
}

Constant fold_transpose(const onnx::NodeProto& node, const Constant& in,
                        const std::vector<int64_t>& perm) {
  const int64_t rank = static_cast<int64_t>(in.dims.size());
  std::set<int64_t> seen;
  for (int64_t p : perm)
    if (p < 0 || p >= rank || !seen.insert(p).second)
      fail_node(node, "attribute 'perm' is not a permutation of " + std::to_string(rank) + " dims");
  if (static_cast<int64_t>(perm.size()) != rank)
    fail_node(node, "attribute 'perm' has " + std::to_string(perm.size()) + " values for rank " +
                        std::to_string(rank));
  Dims out;
  for (int64_t p : perm) out.push_back(in.dims[p]);
  std::vector<int64_t> in_stride(rank, 1);
  for (int64_t a = rank - 2; a >= 0; --a) in_stride[a] = in_stride[a + 1] * in.dims[a + 1];
  const int64_t count = product(out, 0, out.size());
  std::vector<int64_t> index;
  index.reserve(static_cast<size_t>(count));
  std::vector<int64_t> at(rank, 0);
  for (int64_t e = 0; e < count; ++e) {
    int64_t src = 0;
    for (int64_t a = 0; a < rank; ++a) src += at[a] * in_stride[perm[a]];
    index.push_back(src);
    for (int64_t a = rank - 1; a >= 0; --a) {
      if (++at[a] < out[a]) break;
      at[a] = 0;
    }
  }
  return select(in, index, out);
}

Constant with_dims(const Constant& in, Dims dims) {
  EF_ASSERT(product(dims, 0, dims.size()) == in.size());
  Constant out = in;
  out.dims = std::move(dims);
  return out;
}

}  // namespace edgeflow::onnx_import
