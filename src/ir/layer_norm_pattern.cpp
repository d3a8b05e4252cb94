// fuse_layer_norms: the layer normalization exporters write op by op before
// opset 17 (torch's LayerNorm at opset 13/14):
//
//   m = ReduceMean(x, axis)   d = Sub(x, m)   v = ReduceMean(Pow(d, 2), axis)
//   y = Div(d, Sqrt(Add(v, epsilon)))
//
// becomes one LayerNorm over that axis (with scale 1, shift 0: the Mul and
// Add of the affine part that follow are folded in by fold_channel_affines).
// Only where the axis is the innermost of the storage, so a kernel runs it.
#include "edgeflow/ir_passes.h"
#include "ir/rewrite_internal.h"

namespace edgeflow {
namespace {

using namespace rewrite_detail;

// The single axis a mean over it is taken, or 0 when it is not such a mean.
int64_t mean_axis(const Node& n) {
  const auto* r = std::get_if<ReduceAttrs>(&n.attrs);
  if (!r || r->kind != ReduceAttrs::Kind::kMean || r->axes.size() != 1) return 0;
  return r->axes[0];
}

}  // namespace

int fuse_layer_norms(Graph& graph) {
  const std::vector<int> uses = use_counts(graph);
  std::vector<bool> keep(graph.nodes.size(), true);
  const Matcher m{graph, uses, keep};
  int fused = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& div = graph.nodes[i];
    if (div.op != OpKind::kBinary || !plain_binary(div, BinaryAttrs::Kind::kDiv, false)) continue;
    const int sub = m.producer(div.inputs[0], OpKind::kBinary, Matcher::kAnyReads);
    const int sqrt = m.producer(div.inputs[1], OpKind::kActivation);
    if (sub < 0 || sqrt < 0 || !plain_binary(m.node(sub), BinaryAttrs::Kind::kSub, false) ||
        !is_activation(m.node(sqrt), Activation::Kind::kSqrt))
      continue;
    const ValueId x = m.node(sub).inputs[0];
    const int mean = m.producer(m.node(sub).inputs[1], OpKind::kReduce);
    const int add = m.producer(m.node(sqrt).inputs[0], OpKind::kBinary);
    if (mean < 0 || add < 0 || m.node(mean).inputs[0] != x ||
        !plain_binary(m.node(add), BinaryAttrs::Kind::kAdd, true) ||
        std::get<BinaryAttrs>(m.node(add).attrs).constant.size() != 1)
      continue;
    const int var = m.producer(m.node(add).inputs[0], OpKind::kReduce);
    if (var < 0) continue;
    const int64_t axis = mean_axis(m.node(mean));
    const size_t rank = graph.shape_of(x).rank();
    if (axis == 0 || mean_axis(m.node(var)) != axis || !layer_norm_axis_is_innermost(axis, rank))
      continue;
    // The square: Pow(d, 2) (an activation) or Mul(d, d).
    const ValueId d = graph.nodes[sub].output;
    const int square = graph.values.at(m.node(var).inputs[0]).producer;
    if (square < 0 || !keep[square] || uses[m.node(var).inputs[0]] != 1) continue;
    const Node& sq = m.node(square);
    const auto* pow = std::get_if<ActivationAttrs>(&sq.attrs);
    const bool squares =
        (sq.op == OpKind::kActivation && pow && pow->activation.kind == Activation::Kind::kPow &&
         pow->activation.alpha == 2.0f && sq.inputs[0] == d) ||
        (sq.op == OpKind::kBinary && plain_binary(sq, BinaryAttrs::Kind::kMul, false) &&
         sq.inputs == std::vector<ValueId>{d, d});
    // d is read by the square (once or twice) and the Div, nothing else.
    if (!squares || uses[d] != 1 + static_cast<int>(sq.inputs.size())) continue;

    LayerNormAttrs ln;
    ln.axis = axis;
    ln.epsilon = std::get<BinaryAttrs>(m.node(add).attrs).constant.data()[0];
    const int64_t n = graph.shape_of(x).dims[rank + axis];
    ln.scale.assign(static_cast<size_t>(n), 1.0f);
    ln.shift.assign(static_cast<size_t>(n), 0.0f);
    Node& out = graph.nodes[i];
    out.op = OpKind::kLayerNorm;
    out.inputs = {x};
    out.attrs = std::move(ln);
    for (int dead : {sub, sqrt, mean, add, var, square}) keep[dead] = false;
    ++fused;
  }
  if (fused) compact(graph, keep);
  return fused;
}

}  // namespace edgeflow
