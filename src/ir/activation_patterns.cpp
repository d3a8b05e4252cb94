// Activations exporters write as several ops, recognized and made one:
//   fuse_gated_activations  Mul(x, Sigmoid(x)) -> Swish, Mul(x, HardSigmoid(x)) -> HardSwish
//   fuse_gelus              Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5) -> Gelu
#include <cmath>
#include <optional>
#include <variant>
#include <vector>

#include "edgeflow/ir_passes.h"
#include "ir/rewrite_internal.h"

namespace edgeflow {
namespace {

using namespace rewrite_detail;

// The single value of a one-element constant operand of a plain Binary.
std::optional<float> scalar_operand(const Node& n, BinaryAttrs::Kind kind) {
  if (n.op != OpKind::kBinary || !plain_binary(n, kind, true)) return std::nullopt;
  const Tensor& c = std::get<BinaryAttrs>(n.attrs).constant;
  if (c.size() != 1) return std::nullopt;
  return c.data()[0];
}

bool near(std::optional<float> v, double target) {
  return v && std::fabs(*v - target) <= 1e-6 * std::fabs(target);
}

// The nodes of Add(Erf(x / sqrt 2), 1), the gate of a GELU, producing `gate`.
struct ErfGate {
  ValueId x = -1;
  std::vector<int> nodes;
};

std::optional<ErfGate> erf_gate(const Matcher& m, ValueId gate) {
  const int add = m.producer(gate, OpKind::kBinary);
  if (add < 0 || !near(scalar_operand(m.node(add), BinaryAttrs::Kind::kAdd), 1.0)) return {};
  const int erf = m.producer(m.node(add).inputs[0], OpKind::kActivation);
  if (erf < 0 || !is_activation(m.node(erf), Activation::Kind::kErf)) return {};
  const int scale = m.producer(m.node(erf).inputs[0], OpKind::kBinary);
  if (scale < 0) return {};
  const Node& s = m.node(scale);
  const bool by_root2 = near(scalar_operand(s, BinaryAttrs::Kind::kDiv), std::sqrt(2.0)) &&
                        std::get<BinaryAttrs>(s.attrs).constant_index == 1;
  if (!by_root2 && !near(scalar_operand(s, BinaryAttrs::Kind::kMul), std::sqrt(0.5))) return {};
  return ErfGate{s.inputs[0], {add, erf, scale}};
}

}  // namespace

// The gated form of a gate activation applied to x and multiplied by x.
std::optional<Activation> gated_form(const Activation& gate) {
  if (gate.kind == Activation::Kind::kSigmoid) return Activation{Activation::Kind::kSwish};
  if (gate.kind == Activation::Kind::kHardSigmoid &&
      std::fabs(gate.alpha - 1.0f / 6.0f) < 1e-7f && gate.beta == 0.5f)
    return Activation{Activation::Kind::kHardSwish};
  return std::nullopt;
}

int fuse_gated_activations(Graph& graph) {
  const std::vector<int> uses = use_counts(graph);
  std::vector<bool> keep(graph.nodes.size(), true);
  const Matcher m{graph, uses, keep};
  int fused = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& mul = graph.nodes[i];
    if (mul.op != OpKind::kBinary || !plain_binary(mul, BinaryAttrs::Kind::kMul, false)) continue;
    for (int side = 0; side < 2; ++side) {
      const ValueId x = mul.inputs[side];
      const int gate = m.producer(mul.inputs[1 - side], OpKind::kActivation);
      if (gate < 0 || m.node(gate).inputs != std::vector<ValueId>{x}) continue;
      const auto* g = std::get_if<ActivationAttrs>(&m.node(gate).attrs);
      const std::optional<Activation> gated = g ? gated_form(g->activation) : std::nullopt;
      if (!gated) continue;
      Node& out = graph.nodes[i];
      out.op = OpKind::kActivation;
      out.inputs = {x};
      out.attrs = ActivationAttrs{*gated};
      keep[gate] = false;
      ++fused;
      break;
    }
  }
  if (fused) compact(graph, keep);
  return fused;
}

int fuse_gelus(Graph& graph) {
  const std::vector<int> uses = use_counts(graph);
  std::vector<bool> keep(graph.nodes.size(), true);
  const Matcher m{graph, uses, keep};
  int fused = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& outer = graph.nodes[i];
    if (outer.op != OpKind::kBinary) continue;
    const bool by_half = near(scalar_operand(outer, BinaryAttrs::Kind::kMul), 0.5);
    if (!by_half && !plain_binary(outer, BinaryAttrs::Kind::kMul, false)) continue;
    // Two orders: (x * gate) * 0.5, and (x * 0.5) * gate.
    std::optional<ErfGate> gate;
    int inner = -1;
    if (by_half) {
      inner = m.producer(outer.inputs[0], OpKind::kBinary);
      if (inner < 0 || !plain_binary(m.node(inner), BinaryAttrs::Kind::kMul, false)) continue;
      for (int side = 0; side < 2 && !gate; ++side) {
        gate = erf_gate(m, m.node(inner).inputs[1 - side]);
        if (gate && gate->x != m.node(inner).inputs[side]) gate.reset();
      }
    } else {
      for (int side = 0; side < 2 && !gate; ++side) {
        inner = m.producer(outer.inputs[side], OpKind::kBinary);
        if (inner < 0 || !near(scalar_operand(m.node(inner), BinaryAttrs::Kind::kMul), 0.5))
          continue;
        gate = erf_gate(m, outer.inputs[1 - side]);
        if (gate && gate->x != m.node(inner).inputs[0]) gate.reset();
      }
    }
    if (!gate) continue;
    Node& out = graph.nodes[i];
    out.op = OpKind::kActivation;
    out.inputs = {gate->x};
    out.attrs = ActivationAttrs{Activation{Activation::Kind::kGelu}};
    keep[inner] = false;
    for (int dead : gate->nodes) keep[dead] = false;
    ++fused;
  }
  if (fused) compact(graph, keep);
  return fused;
}

}  // namespace edgeflow
