// Hand-built graphs for the IR pass tests: random weights, a builder that
// infers shapes node by node, the attributes of common layers, and the
// reference output of a whole graph.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "edgeflow/ir_passes.h"
#include "edgeflow/kernels.h"

namespace edgeflow::irtest {

inline std::vector<float> random_values(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (float& x : v) x = dist(rng);
  return v;
}

// Builds a graph node by node, with shapes from infer_output_shape.
struct GraphBuilder {
  Graph g;

  explicit GraphBuilder(Dims input) {
    g.values.push_back(Value{"x", Shape(std::move(input)), -1});
    g.input = 0;
  }
  ValueId add(const std::string& name, OpKind op, std::vector<ValueId> inputs, NodeAttrs attrs) {
    Node n;
    n.name = name;
    n.op = op;
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    const Shape shape = infer_output_shape(g, n);
    n.output = static_cast<ValueId>(g.values.size());
    g.values.push_back(Value{name + "_out", shape, static_cast<int>(g.nodes.size())});
    g.nodes.push_back(std::move(n));
    return g.nodes.back().output;
  }
  Graph done(std::vector<ValueId> outputs) {
    g.outputs = std::move(outputs);
    return g;
  }
};

inline ConvAttrs conv(int64_t out, int64_t in, int64_t k, int64_t pad, uint32_t seed, int64_t group = 1) {
  ConvAttrs a;
  a.window.kernel_h = a.window.kernel_w = k;
  a.window.pad_top = a.window.pad_bottom = a.window.pad_left = a.window.pad_right = pad;
  a.group = group;
  a.weight = Tensor(Shape({out, in / group, k, k}),
                    random_values(size_t(out * (in / group) * k * k), seed));
  a.bias = random_values(size_t(out), seed + 1);
  return a;
}

inline BatchNormAttrs batch_norm(int64_t channels, uint32_t seed) {
  BatchNormAttrs b;
  b.scale = random_values(size_t(channels), seed);
  b.shift = random_values(size_t(channels), seed + 1);
  return b;
}

inline ActivationAttrs relu() {
  ActivationAttrs a;
  a.activation.kind = Activation::Kind::kRelu;
  return a;
}

inline ActivationAttrs clip(float lo, float hi) {
  ActivationAttrs a;
  a.activation = Activation{Activation::Kind::kClip, lo, hi};
  return a;
}

inline PoolAttrs max_pool(int64_t k, int64_t s, int64_t pad, bool ceil_mode) {
  PoolAttrs p;
  p.window.kernel_h = p.window.kernel_w = k;
  p.window.stride_h = p.window.stride_w = s;
  p.window.pad_top = p.window.pad_bottom = p.window.pad_left = p.window.pad_right = pad;
  p.ceil_mode = ceil_mode;
  return p;
}

// The graph's first output, every node computed by the reference.
inline Tensor reference_output(const Graph& g, const Tensor& input) {
  std::vector<Tensor> values(g.values.size());
  values[g.input] = input;
  for (const Node& n : g.nodes) {
    std::vector<const Tensor*> inputs;
    for (ValueId v : n.inputs) inputs.push_back(&values.at(v));
    values.at(n.output) = reference_forward(g, n, inputs);
  }
  return values.at(g.outputs.at(0));
}

}  // namespace edgeflow::irtest
