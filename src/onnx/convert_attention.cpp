// Multi-head attention as exporters write it, recognized on strided views:
//   q [.., h, T, d]  (tokens [1, T, h*d] with the heads split and moved first)
//   k [.., h, d, S]  (the same, transposed)          MatMul -> scores [.., h, T, S]
//   Softmax over the keys (the last axis)                    -> probabilities
//   v [.., h, S, dv]                                  MatMul -> [.., h, T, dv]
// becomes one Attention node of the three token tensors, whose output the
// result is a head-split view of (so the Transpose and Reshape that merge
// the heads again give back plain tokens). Scalar factors on q and k (the
// 1/sqrt(d) scaling) arrive as the views' scales.
#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

struct HeadSplit {
  ValueId base = -1;
  int64_t heads = 1, tokens = 0, per_head = 0;
};

// The view as heads of its base [1, N, h*e]: [.., h, N, e] with strides
// [e, h*e, 1], or, transposed, [.., h, e, N] with strides [e, 1, h*e]; the
// leading dims all 1.
std::optional<HeadSplit> head_split(Importer& im, const StridedView& v, bool transposed) {
  const size_t r = v.dims.size();
  if (r < 3) return std::nullopt;
  for (size_t i = 0; i + 3 < r; ++i)
    if (v.dims[i] != 1) return std::nullopt;
  const Shape& base = im.shape_of(v.base);
  if (base.rank() != 3) return std::nullopt;
  const size_t token_axis = transposed ? r - 1 : r - 2, feature_axis = transposed ? r - 2 : r - 1;
  HeadSplit h{v.base, v.dims[r - 3], v.dims[token_axis], v.dims[feature_axis]};
  const int64_t c = base.features();
  const auto stride_ok = [&](size_t axis, int64_t stride) {
    return v.dims[axis] == 1 || v.strides[axis] == stride;
  };
  if (h.tokens != base.height() || h.heads * h.per_head != c || !stride_ok(r - 3, h.per_head) ||
      !stride_ok(token_axis, c) || !stride_ok(feature_axis, 1))
    return std::nullopt;
  return h;
}

bool scores(Importer& im, const onnx::NodeProto& node, const StridedView& a,
            const StridedView& b) {
  const std::optional<HeadSplit> q = head_split(im, a, false);
  const std::optional<HeadSplit> k = head_split(im, b, true);
  if (!q || !k || q->heads != k->heads || q->per_head != k->per_head ||
      a.dims.size() != b.dims.size())
    return false;
  AttentionScores s;
  s.q = q->base;
  s.k = k->base;
  s.heads = q->heads;
  s.scale = a.scale * b.scale;
  s.dims = a.dims;
  s.dims.back() = k->tokens;
  Entry e;
  e.scores = std::make_shared<const AttentionScores>(std::move(s));
  im.define(node.output(0), std::move(e));
  return true;
}

bool attention(Importer& im, const onnx::NodeProto& node, const AttentionScores& p,
               const StridedView& values) {
  const std::optional<HeadSplit> v = head_split(im, values, false);
  if (!p.softmax || !v || v->heads != p.heads || v->tokens != p.dims.back() ||
      values.dims.size() != p.dims.size())
    return false;
  StridedView out;
  out.base = im.add_node(node, OpKind::kAttention, {p.q, p.k, v->base},
                         AttentionAttrs{p.heads, p.scale});
  out.dims = p.dims;
  out.dims.back() = v->per_head;
  const int64_t features = v->heads * v->per_head;
  out.strides.assign(out.dims.size(), 0);
  const size_t r = out.dims.size();
  out.strides[r - 3] = v->per_head, out.strides[r - 2] = features, out.strides[r - 1] = 1;
  out.scale = values.scale;
  define_strided(im, node, 0, std::move(out));
  return true;
}

}  // namespace

bool matmul_of_views(Importer& im, const onnx::NodeProto& node) {
  const Entry& a = im.input(node, 0);
  const Entry& b = im.input(node, 1);
  if (a.is_strided() && b.is_strided()) return scores(im, node, *a.strided, *b.strided);
  if (a.is_scores() && b.is_strided()) return attention(im, node, *a.scores, *b.strided);
  return false;
}

bool softmax_on_scores(Importer& im, const onnx::NodeProto& node) {
  const Entry& x = im.input(node, 0);
  if (!x.is_scores() || x.scores->softmax) return false;
  const int64_t rank = static_cast<int64_t>(x.scores->dims.size());
  const int64_t fallback = im.opset() < 13 ? 1 : -1;
  const int64_t axis = normalize_axis(node, attr_int(node, "axis", fallback), rank,
                                      "attribute 'axis'");
  if (axis != rank - 1) return false;
  AttentionScores p = *x.scores;
  p.softmax = true;
  Entry e;
  e.scores = std::make_shared<const AttentionScores>(std::move(p));
  im.define(node.output(0), std::move(e));
  return true;
}

}  // namespace edgeflow::onnx_import
