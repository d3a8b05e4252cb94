// Ops on a strided view of tokens that commute with it and so run on its
// base (tensor_view.cpp): elementwise ops with a constant (laid out as the
// base's storage), and MatMul or Gemm by a constant over the features. The
// result is the same view of the op's output.
#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

// The constant times `factor`.
Constant scaled(const Constant& c, float factor) {
  Constant out;
  out.dims = c.dims;
  out.floats = constant_floats(c);
  for (float& x : out.floats) x *= factor;
  return out;
}

// The MatMul of the view's base by w [C, N] (features in, out), then the
// view over its result; the view's scale is folded into w.
StridedView linear(Importer& im, const onnx::NodeProto& node, const StridedView& view,
                   std::vector<float> w, int64_t n) {
  const int64_t c = im.shape_of(view.base).features();
  for (float& x : w) x *= view.scale;
  MatMulAttrs m;
  m.constant_index = 1;
  m.constant = Tensor(Shape({c, n}), std::move(w));
  StridedView out = view;
  out.scale = 1.0f;
  return over_new_features(im, out, im.add_node(node, OpKind::kMatMul, {view.base}, std::move(m)));
}

}  // namespace

bool binary_on_view(Importer& im, const onnx::NodeProto& node, BinaryAttrs::Kind kind) {
  using Kind = BinaryAttrs::Kind;
  const Entry& a = im.input(node, 0);
  const Entry& b = im.input(node, 1);
  const int side = a.is_strided() ? 0 : 1;  // the view's operand
  const Entry& other = side == 0 ? b : a;
  if (!(side == 0 ? a : b).is_strided() || !other.is_constant() || kind == Kind::kPow)
    return false;
  StridedView view = *(side == 0 ? a : b).strided;
  const Constant& c = *other.constant;
  const float s = view.scale;
  if (s == 0.0f) return false;
  // A scalar factor only changes the scale.
  if (c.size() == 1 && c.dims.size() <= view.dims.size()) {
    const float x = constant_floats(c)[0];
    if (kind == Kind::kMul || (kind == Kind::kDiv && side == 0 && x != 0.0f)) {
      view.scale = kind == Kind::kMul ? s * x : s / x;
      define_strided(im, node, 0, std::move(view));
      return true;
    }
  }
  // s*x + c = s*(x + c/s), c - s*x = s*(c/s - x), s*x*c, s*x/c: the scale
  // stays outside; c/(s*x) = (1/s)*(c/x).
  const bool additive = kind == Kind::kAdd || kind == Kind::kSub;
  const Constant operand = additive ? scaled(c, 1.0f / s) : c;
  StridedView unscaled = view;
  unscaled.scale = 1.0f;
  BinaryAttrs attrs;
  attrs.kind = kind;
  attrs.constant_index = 1 - side;
  attrs.constant = constant_over_base(im, node, unscaled, operand);
  view.base = im.add_node(node, OpKind::kBinary, {view.base}, std::move(attrs));
  if (kind == Kind::kDiv && side == 1) view.scale = 1.0f / s;
  define_strided(im, node, 0, std::move(view));
  return true;
}

bool matmul_on_view(Importer& im, const onnx::NodeProto& node) {
  const Entry& a = im.input(node, 0);
  const Entry& b = im.input(node, 1);
  if (!a.is_strided() || !b.is_constant()) return false;
  const StridedView& view = *a.strided;
  const Constant& w = *b.constant;
  if (w.dims.size() != 2 || !last_axis_is_features(im, view) || w.dims[0] != view.dims.back())
    return false;
  define_strided(im, node, 0, linear(im, node, view, constant_floats(w), w.dims[1]));
  return true;
}

bool gemm_on_view(Importer& im, const onnx::NodeProto& node) {
  const Entry& a = im.input(node, 0);
  if (!a.is_strided()) return false;
  const StridedView& view = *a.strided;
  const Constant* b = im.constant_input(node, 1, "B");
  if (!b) fail_node(node, "input 1 (B) is missing");
  const bool trans_b = attr_int(node, "transB", 0) != 0;
  const int64_t k = view.dims.back();
  if (view.dims.size() != 2 || attr_int(node, "transA", 0) != 0 ||
      !last_axis_is_features(im, view) || b->dims.size() != 2 || b->dims[trans_b ? 1 : 0] != k)
    return false;
  const int64_t n = b->dims[trans_b ? 0 : 1];
  const float alpha = attr_float(node, "alpha", 1.0f);
  const std::vector<float> bf = constant_floats(*b);
  std::vector<float> w(static_cast<size_t>(k * n));  // [K, N]
  for (int64_t i = 0; i < k; ++i)
    for (int64_t o = 0; o < n; ++o)
      w[i * n + o] = alpha * (trans_b ? bf[o * k + i] : bf[i * n + o]);
  const Constant* c = im.constant_input(node, 2, "C");
  if (!c) {
    define_strided(im, node, 0, linear(im, node, view, std::move(w), n));
    return true;
  }
  onnx::NodeProto product = node;
  product.set_name(node.name() + "/matmul");
  product.set_output(0, node.output(0) + "/matmul");
  const StridedView out = linear(im, product, view, std::move(w), n);
  const Constant bias = scaled(*c, attr_float(node, "beta", 1.0f));
  BinaryAttrs add;
  add.kind = BinaryAttrs::Kind::kAdd;
  add.constant_index = 1;
  add.constant = constant_over_base(im, node, out, bias);
  StridedView sum = out;
  sum.base = im.add_node(node, OpKind::kBinary, {out.base}, std::move(add));
  define_strided(im, node, 0, std::move(sum));
  return true;
}

}  // namespace edgeflow::onnx_import
