// Test helper: multi-layer DAGs built by hand, layer by layer, with shapes
// given explicitly and random weights from a fixed seed.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "edgeflow/ir.h"

namespace edgeflow::test {

class DagBuilder {
 public:
  explicit DagBuilder(const Shape& input, uint32_t seed = 7) : rng_(seed) {
    graph_.values.push_back(Value{"input", input, -1});
    graph_.input = 0;
    graph_.opset = 13;
  }

  // A k x k conv, stride s, pad (k-1)/2 on every side, `out_c` channels.
  ValueId conv(const std::string& name, ValueId in, int64_t out_c, int64_t k, int64_t s = 1,
               bool relu = false) {
    const Shape& x = graph_.shape_of(in);
    ConvAttrs a;
    a.window.kernel_h = a.window.kernel_w = k;
    a.window.stride_h = a.window.stride_w = s;
    a.window.pad_top = a.window.pad_bottom = a.window.pad_left = a.window.pad_right = (k - 1) / 2;
    a.weight = random_tensor(Shape({out_c, x.channels(), k, k}), 0.3f);
    a.bias = random_tensor(Shape({out_c}), 0.1f).values();
    if (relu) a.activation.kind = Activation::Kind::kRelu;
    const int64_t h = (x.height() + 2 * ((k - 1) / 2) - k) / s + 1;
    const int64_t w = (x.width() + 2 * ((k - 1) / 2) - k) / s + 1;
    return add(name, OpKind::kConv, {in}, Shape({1, out_c, h, w}), a);
  }

  ValueId max_pool(const std::string& name, ValueId in, int64_t k, int64_t s, int64_t p) {
    const Shape& x = graph_.shape_of(in);
    PoolAttrs a;
    a.window.kernel_h = a.window.kernel_w = k;
    a.window.stride_h = a.window.stride_w = s;
    a.window.pad_top = a.window.pad_bottom = a.window.pad_left = a.window.pad_right = p;
    const int64_t h = (x.height() + 2 * p - k) / s + 1, w = (x.width() + 2 * p - k) / s + 1;
    return add(name, OpKind::kPool, {in}, Shape({1, x.channels(), h, w}), a);
  }

  ValueId sum(const std::string& name, ValueId a, ValueId b) {
    return add(name, OpKind::kBinary, {a, b}, graph_.shape_of(a), BinaryAttrs{});
  }

  ValueId concat(const std::string& name, const std::vector<ValueId>& ins) {
    Dims d = graph_.shape_of(ins.at(0)).dims;
    d[1] = 0;
    for (ValueId v : ins) d[1] += graph_.shape_of(v).channels();
    return add(name, OpKind::kConcat, ins, Shape(d), std::monostate{});
  }

  ValueId global_pool(const std::string& name, ValueId in) {
    return add(name, OpKind::kGlobalAveragePool, {in},
               Shape({1, graph_.shape_of(in).channels(), 1, 1}), std::monostate{});
  }

  ValueId flatten(const std::string& name, ValueId in) {
    return add(name, OpKind::kFlatten, {in}, Shape({1, graph_.shape_of(in).elements()}),
               std::monostate{});
  }

  ValueId gemm(const std::string& name, ValueId in, int64_t out) {
    GemmAttrs a;
    a.weight = random_tensor(Shape({out, graph_.shape_of(in).elements()}), 0.2f);
    a.bias = random_tensor(Shape({out}), 0.1f).values();
    return add(name, OpKind::kGemm, {in}, Shape({1, out}), a);
  }

  Graph finish(ValueId output) {
    graph_.outputs = {output};
    return graph_;
  }

 private:
  ValueId add(const std::string& name, OpKind op, std::vector<ValueId> ins, const Shape& out,
              NodeAttrs attrs) {
    const ValueId v = static_cast<ValueId>(graph_.values.size());
    graph_.values.push_back(Value{name + ":out", out, static_cast<int>(graph_.nodes.size())});
    Node n;
    n.name = name;
    n.op = op;
    n.inputs = std::move(ins);
    n.output = v;
    n.attrs = std::move(attrs);
    graph_.nodes.push_back(std::move(n));
    return v;
  }

  Tensor random_tensor(const Shape& s, float scale) {
    std::uniform_real_distribution<float> u(-scale, scale);
    std::vector<float> v(static_cast<size_t>(s.elements()));
    for (float& x : v) x = u(rng_);
    return Tensor(s, std::move(v));
  }

  Graph graph_;
  std::mt19937 rng_;
};

}  // namespace edgeflow::test
