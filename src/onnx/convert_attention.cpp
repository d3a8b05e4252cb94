// Multi-head attention as exporters write it, recognized on strided views:
//   q [.., h, T, d]  (tokens [1, T, h*d] with the heads split and moved first)
//   k [.., h, d, S]  (the same, transposed)          MatMul -> scores [.., h, T, S]
//   Softmax over the keys (the last axis)                    -> probabilities
//   v [.., h, S, dv]                                  MatMul -> [.., h, T, dv]
// becomes one Attention node of the three token tensors, whose output the
// result is a head-split view of (so the Transpose and Reshape that merge
// the heads again give back plain tokens). Scalar factors on q and k (the
// 1/sqrt(d) scaling) arrive as the views' scales.
//
// Windowed attention (Swin) has one more axis in front, the windows:
//   q [.., nW, h, Tb, d] over window-ordered tokens [1, nW*Tb, C]
// (kWindowPartition), and constants added to the scores (the relative-position
// bias [h, Tb, Tb], the shifted windows' mask [nW, 1, Tb, Tb], through a
// reshape to [1, nW, h, Tb, Tb] and back) become the node's bias.
#include <algorithm>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

struct HeadSplit {
  ValueId base = -1;
  int64_t heads = 1, tokens = 0, per_head = 0;
  int64_t blocks = 1;  // windows of `tokens` tokens each
};

// The view as heads of its base [1, N, h*e]: [.., h, N, e] with strides
// [e, h*e, 1], or, transposed, [.., h, e, N] with strides [e, 1, h*e]; the
// leading dims all 1 but for windows [.., nW, h, N/nW, e] (stride N/nW*h*e).
std::optional<HeadSplit> head_split(Importer& im, const StridedView& v, bool transposed) {
  const size_t r = v.dims.size();
  if (r < 3) return std::nullopt;
  const Shape& base = im.shape_of(v.base);
  if (base.rank() != 3) return std::nullopt;
  const size_t token_axis = transposed ? r - 1 : r - 2, feature_axis = transposed ? r - 2 : r - 1;
  HeadSplit h{v.base, v.dims[r - 3], v.dims[token_axis], v.dims[feature_axis]};
  const int64_t c = base.features();
  for (size_t i = 0; i + 3 < r; ++i) {
    if (v.dims[i] == 1) continue;
    if (i + 4 != r || v.strides[i] != h.tokens * c) return std::nullopt;
    h.blocks = v.dims[i];
  }
  const auto stride_ok = [&](size_t axis, int64_t stride) {
    return v.dims[axis] == 1 || v.strides[axis] == stride;
  };
  if (h.tokens * h.blocks != base.height() || h.heads * h.per_head != c ||
      !stride_ok(r - 3, h.per_head) || !stride_ok(token_axis, c) || !stride_ok(feature_axis, 1))
    return std::nullopt;
  return h;
}

void define_scores(Importer& im, const onnx::NodeProto& node, AttentionScores s) {
  Entry e;
  e.scores = std::make_shared<const AttentionScores>(std::move(s));
  im.define(node.output(0), std::move(e));
}

int64_t product(const Dims& d) {
  int64_t p = 1;
  for (int64_t x : d) p *= x;
  return p;
}

// The bias as the node holds it: [blocks, h, Tb, Sb], or [1, h, Tb, Sb] when
// every window has the same.
Tensor attention_bias(const AttentionScores& p) {
  const Dims& d = p.dims;
  const int64_t tb = d[d.size() - 2], sb = d.back(), per_block = p.heads * tb * sb;
  const int64_t blocks = static_cast<int64_t>(p.bias.size()) / per_block;
  bool shared = true;
  for (size_t i = static_cast<size_t>(per_block); shared && i < p.bias.size(); ++i)
    shared = p.bias[i] == p.bias[i % static_cast<size_t>(per_block)];
  std::vector<float> values = p.bias;
  if (shared) values.resize(static_cast<size_t>(per_block));
  return Tensor(Shape({shared ? 1 : blocks, p.heads, tb, sb}), std::move(values));
}

bool scores(Importer& im, const onnx::NodeProto& node, const StridedView& a,
            const StridedView& b) {
  const std::optional<HeadSplit> q = head_split(im, a, false);
  const std::optional<HeadSplit> k = head_split(im, b, true);
  if (!q || !k || q->heads != k->heads || q->per_head != k->per_head ||
      q->blocks != k->blocks || (q->blocks > 1 && q->tokens != k->tokens) ||
      a.dims.size() != b.dims.size())
    return false;
  AttentionScores s;
  s.q = q->base;
  s.k = k->base;
  s.heads = q->heads;
  s.scale = a.scale * b.scale;
  s.block = q->blocks > 1 ? q->tokens : 0;
  s.dims = a.dims;
  s.dims.back() = k->tokens;
  define_scores(im, node, std::move(s));
  return true;
}

bool attention(Importer& im, const onnx::NodeProto& node, const AttentionScores& p,
               const StridedView& values) {
  const std::optional<HeadSplit> v = head_split(im, values, false);
  if (!p.softmax || !v || v->heads != p.heads || v->tokens != p.dims.back() ||
      values.dims.size() != p.dims.size() || (v->blocks > 1 ? v->tokens : 0) != p.block)
    return false;
  AttentionAttrs attrs;
  attrs.heads = p.heads, attrs.scale = p.scale, attrs.block = p.block;
  if (!p.bias.empty()) attrs.bias = attention_bias(p);
  StridedView out;
  out.base = im.add_node(node, OpKind::kAttention, {p.q, p.k, v->base}, std::move(attrs));
  out.dims = p.dims;
  out.dims.back() = v->per_head;
  const int64_t features = v->heads * v->per_head;
  out.strides.assign(out.dims.size(), 0);
  const size_t r = out.dims.size();
  out.strides[r - 3] = v->per_head, out.strides[r - 2] = features, out.strides[r - 1] = 1;
  if (r >= 4) out.strides[r - 4] = out.dims[r - 2] * features;  // windows
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
  define_scores(im, node, std::move(p));
  return true;
}

bool add_to_scores(Importer& im, const onnx::NodeProto& node) {
  const Entry& a = im.input(node, 0);
  const Entry& b = im.input(node, 1);
  const Entry& x = a.is_scores() ? a : b;
  const Entry& c = a.is_scores() ? b : a;
  if (!x.is_scores() || x.scores->softmax || !c.is_constant() ||
      c.constant->dims.size() > x.scores->dims.size())
    return false;
  const Constant added = fold_expand(node, *c.constant, x.scores->dims);
  if (added.dims != x.scores->dims) return false;
  AttentionScores s = *x.scores;
  const std::vector<float> values = constant_floats(added);  // an integer constant too
  if (s.bias.empty()) s.bias.assign(values.size(), 0.0f);
  for (size_t i = 0; i < values.size(); ++i) s.bias[i] += values[i];
  define_scores(im, node, std::move(s));
  return true;
}

void reshape_scores(Importer& im, const onnx::NodeProto& node, const AttentionScores& s,
                    const Dims& target) {
  if (target.size() < 3 || product(target) != product(s.dims) ||
      !std::equal(target.end() - 3, target.end(), s.dims.end() - 3))
    im.value_input(node, 0);  // fails: scores only go to Softmax and MatMul
  AttentionScores out = s;
  out.dims = target;
  define_scores(im, node, std::move(out));
}

}  // namespace edgeflow::onnx_import
