// Strided views of token tensors (StridedView): what the Reshapes and
// Transposes around attention make of a [1, T, C] tensor, kept as strides
// over its storage instead of copies, and made an IR value only where an op
// needs one (materialize).
#include <algorithm>
#include <limits>
#include <numeric>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

struct Axis {
  int64_t dim, stride;
  bool operator==(const Axis& o) const { return dim == o.dim && stride == o.stride; }
};

// The axes that matter: size-1 axes have no stride worth comparing.
std::vector<Axis> extended_axes(const Dims& dims, const Dims& strides) {
  std::vector<Axis> axes;
  for (size_t i = 0; i < dims.size(); ++i)
    if (dims[i] != 1) axes.push_back({dims[i], strides[i]});
  return axes;
}

// The IR holds computed tensors of rank 2 to 4 with N = 1.
bool representable(const Dims& dims) {
  return dims.size() >= 2 && dims.size() <= 4 && dims[0] == 1;
}

std::string text(const Dims& d) { return Shape(d).str(); }

}  // namespace

StridedView natural_view(Importer& im, ValueId base) {
  // Storage is ONNX order below rank 4 (rank-4 maps are NHWC: never a base).
  EF_ASSERT(im.shape_of(base).rank() < 4);
  StridedView v;
  v.base = base;
  v.dims = im.shape_of(base).dims;
  v.strides = row_major_strides(v.dims);
  return v;
}

bool is_base_itself(Importer& im, const StridedView& view) {
  const StridedView base = natural_view(im, view.base);
  return view.scale == 1.0f && view.dims == base.dims &&
         extended_axes(view.dims, view.strides) == extended_axes(base.dims, base.strides);
}

StridedView transpose_view(const StridedView& view, const std::vector<int64_t>& perm) {
  StridedView out = view;
  for (size_t i = 0; i < perm.size(); ++i) {
    out.dims[i] = view.dims[perm[i]];
    out.strides[i] = view.strides[perm[i]];
  }
  return out;
}

// Groups of old axes whose product is a group of new axes; each old group must
// be contiguous (one stride run), and its new axes split that run.
std::optional<StridedView> reshape_view(const StridedView& view, const Dims& target) {
  const std::vector<Axis> old = extended_axes(view.dims, view.strides);
  std::vector<size_t> fresh;  // the target's axes of size > 1
  for (size_t i = 0; i < target.size(); ++i)
    if (target[i] != 1) fresh.push_back(i);
  StridedView out = view;
  out.dims = target;
  out.strides.assign(target.size(), 0);
  size_t i = 0, j = 0;
  while (i < old.size() && j < fresh.size()) {
    size_t i2 = i, j2 = j;
    int64_t po = old[i].dim, pn = target[fresh[j]];
    while (po != pn) {
      if (po < pn) {
        if (++i2 == old.size()) return std::nullopt;
        po *= old[i2].dim;
      } else {
        if (++j2 == fresh.size()) return std::nullopt;
        pn *= target[fresh[j2]];
      }
    }
    for (size_t k = i; k < i2; ++k)
      if (old[k].stride != old[k + 1].stride * old[k + 1].dim) return std::nullopt;
    int64_t stride = old[i2].stride;
    for (size_t k = j2 + 1; k-- > j;) {
      out.strides[fresh[k]] = stride;
      stride *= target[fresh[k]];
    }
    i = i2 + 1, j = j2 + 1;
  }
  if (i != old.size() || j != fresh.size()) return std::nullopt;
  return out;
}

bool last_axis_is_features(Importer& im, const StridedView& view) {
  const int64_t c = im.shape_of(view.base).features();
  if (view.dims.empty() || view.dims.back() != c || (c > 1 && view.strides.back() != 1))
    return false;
  for (size_t i = 0; i + 1 < view.dims.size(); ++i)
    if (view.dims[i] != 1 && view.strides[i] % c != 0) return false;
  return true;
}

StridedView over_new_features(Importer& im, const StridedView& view, ValueId base) {
  const int64_t old_c = im.shape_of(view.base).features();
  const int64_t new_c = im.shape_of(base).features();
  StridedView out = view;
  out.base = base;
  out.dims.back() = new_c;
  for (size_t i = 0; i + 1 < out.dims.size(); ++i) out.strides[i] = view.strides[i] / old_c * new_c;
  out.strides.back() = 1;
  return out;
}

onnx::NodeProto step_node(const onnx::NodeProto& node, const std::string& name,
                          const std::string& step) {
  onnx::NodeProto n;
  n.set_name(node.name() + "/" + name + "/" + step);
  n.set_op_type(node.op_type());
  n.add_output(name + "/" + step);
  return n;
}

void define_strided(Importer& im, const onnx::NodeProto& node, int output, StridedView view) {
  Entry e;
  if (is_base_itself(im, view))
    e.value = view.base;
  else
    e.strided = std::make_shared<const StridedView>(std::move(view));
  im.define(node.output(output), std::move(e));
}

ValueId materialize(Importer& im, const onnx::NodeProto& node, const std::string& name,
                    const StridedView& view) {
  const size_t rank = view.dims.size();
  // The view's axes in storage order (size-1 axes first): a reshape of the
  // storage when their strides are row-major, which a transpose then permutes.
  std::vector<size_t> order(rank);
  std::iota(order.begin(), order.end(), 0);
  const auto key = [&](size_t a) {
    return view.dims[a] == 1 ? std::numeric_limits<int64_t>::max() : view.strides[a];
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) > key(b); });
  Dims sorted, sorted_strides;
  for (size_t a : order) sorted.push_back(view.dims[a]), sorted_strides.push_back(view.strides[a]);
  const bool storage_order = extended_axes(sorted, sorted_strides) ==
                             extended_axes(sorted, row_major_strides(sorted));
  if (!storage_order || !representable(sorted) || !representable(view.dims))
    fail_node(node, "input '" + name + "' is a " + text(view.dims) + " view of the computed " +
                        text(im.shape_of(view.base).dims) + " tensor '" +
                        im.graph().values[view.base].name +
                        "', which this op cannot take: computed tensors have rank 2 to 4 with "
                        "N = 1 (other shapes only between the Reshapes and Transposes of an "
                        "attention block)");
  ValueId v = view.base;
  if (sorted != im.shape_of(v).dims)
    v = im.add_node(step_node(node, name, "reshape"), OpKind::kReshape, {v},
                    ReshapeAttrs{sorted, reshape_is_row_local(im.shape_of(v), Shape(sorted))});
  std::vector<int64_t> perm(rank);
  for (size_t k = 0; k < rank; ++k) perm[order[k]] = static_cast<int64_t>(k);
  // perm above is the inverse of `order`: output axis i is sorted axis perm[i].
  std::vector<int64_t> identity(rank);
  std::iota(identity.begin(), identity.end(), 0);
  if (perm != identity)
    v = im.add_node(step_node(node, name, "transpose"), OpKind::kTranspose, {v},
                    TransposeAttrs{perm});
  if (view.scale != 1.0f) {
    BinaryAttrs mul;
    mul.kind = BinaryAttrs::Kind::kMul;
    mul.constant_index = 1;
    mul.constant = Tensor(Shape(Dims(rank, 1)), std::vector<float>{view.scale});
    v = im.add_node(step_node(node, name, "scale"), OpKind::kBinary, {v}, std::move(mul));
  }
  return v;
}

Tensor constant_over_base(Importer& im, const onnx::NodeProto& node, const StridedView& view,
                          const Constant& c) {
  const size_t rank = view.dims.size();
  if (c.dims.size() > rank)
    fail_node(node, "the constant operand " + text(c.dims) + " has a higher rank than the " +
                        text(view.dims) + " tensor it meets");
  Dims cdims(rank - c.dims.size(), 1);
  cdims.insert(cdims.end(), c.dims.begin(), c.dims.end());
  for (size_t i = 0; i < rank; ++i)
    if (cdims[i] != 1 && cdims[i] != view.dims[i])
      fail_node(node, "the constant operand " + text(c.dims) + " does not broadcast to " +
                          text(view.dims));
  const Dims cstrides = row_major_strides(cdims);
  const std::vector<float> values = constant_floats(c);
  const Shape& base = im.shape_of(view.base);
  std::vector<float> out(static_cast<size_t>(MadeConstantBudget::charge(
      node_label(node) + ": the constant operand laid out over the tensor", base.dims,
      element_bytes(Constant::Type::kFloat))));
  std::vector<int64_t> at(rank, 0);
  for (int64_t n = 0; n < base.elements(); ++n) {
    int64_t offset = 0, from = 0;
    for (size_t i = 0; i < rank; ++i) {
      offset += at[i] * view.strides[i];
      if (cdims[i] != 1) from += at[i] * cstrides[i];
    }
    out[static_cast<size_t>(offset)] = values[static_cast<size_t>(from)];
    for (size_t i = rank; i-- > 0;) {
      if (++at[i] < view.dims[i]) break;
      at[i] = 0;
    }
  }
  // Shrink to what it varies along: the features, the rows, or both.
  const int64_t rows = base.height(), features = base.features();
  bool by_features = true, by_rows = true;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t f = 0; f < features; ++f) {
      const float x = out[static_cast<size_t>(r * features + f)];
      by_features = by_features && x == out[static_cast<size_t>(f)];
      by_rows = by_rows && x == out[static_cast<size_t>(r * features)];
    }
  if (by_features) {
    out.resize(static_cast<size_t>(features));
    return Tensor(Shape({1, 1, features}), std::move(out));
  }
  if (by_rows) {
    std::vector<float> per_row(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) per_row[r] = out[static_cast<size_t>(r * features)];
    return Tensor(Shape({1, rows, 1}), std::move(per_row));
  }
  return Tensor(base, std::move(out));
}

}  // namespace edgeflow::onnx_import
