// Test helpers: one-node graphs built by hand (shapes inferred here, the
// ONNX way), random data with fixed-seed generators, and a one-line
// description of a node for failure traces.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/ir_passes.h"
#include "edgeflow/tensor.h"

namespace edgeflow::test {

inline Shape map_shape(int64_t c, int64_t h, int64_t w) { return Shape({1, c, h, w}); }
inline Shape vector_shape(int64_t k) { return Shape({1, k}); }

// Values 0..n-1 are the inputs (graph.input is value 0), value n the output.
inline Graph single_node_graph(OpKind op, const std::vector<Shape>& inputs, const Shape& output,
                               NodeAttrs attrs) {
  Graph g;
  Node node;
  node.name = std::string(op_name(op)) + "_0";
  node.op = op;
  node.attrs = std::move(attrs);
  for (size_t i = 0; i < inputs.size(); ++i) {
    g.values.push_back(Value{"x" + std::to_string(i), inputs[i], -1});
    node.inputs.push_back(static_cast<ValueId>(i));
  }
  node.output = static_cast<ValueId>(inputs.size());
  g.values.push_back(Value{"y", output, 0});
  g.nodes.push_back(std::move(node));
  g.input = 0;
  g.outputs = {static_cast<ValueId>(inputs.size())};
  g.opset = 13;
  return g;
}

// Output size of one windowed axis. Ceil mode follows PyTorch and ONNX
// Runtime: the last window must start inside the input or the begin pad.
inline int64_t window_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                                  int64_t pad_begin, int64_t pad_end, bool ceil_mode) {
  const int64_t span = in + pad_begin + pad_end - ((kernel - 1) * dilation + 1);
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

inline Shape window_output(const Shape& in, const Window& w, int64_t channels, bool ceil_mode) {
  return map_shape(channels,
                   window_output_size(in.height(), w.kernel_h, w.stride_h, w.dilation_h,
                                      w.pad_top, w.pad_bottom, ceil_mode),
                   window_output_size(in.width(), w.kernel_w, w.stride_w, w.dilation_w,
                                      w.pad_left, w.pad_right, ceil_mode));
}

inline Graph conv_graph(const Shape& in, ConvAttrs attrs) {
  const Shape out = window_output(in, attrs.window, attrs.weight.shape().dims.at(0), false);
  return single_node_graph(OpKind::kConv, {in}, out, std::move(attrs));
}

// A conv with a fused residual input (value 1) of its output's shape.
inline Graph residual_conv_graph(const Shape& in, ConvAttrs attrs) {
  const Shape out = window_output(in, attrs.window, attrs.weight.shape().dims.at(0), false);
  attrs.residual = true;
  return single_node_graph(OpKind::kConv, {in, out}, out, std::move(attrs));
}

inline Graph pool_graph(const Shape& in, const PoolAttrs& attrs) {
  return single_node_graph(OpKind::kPool, {in},
                           window_output(in, attrs.window, in.channels(), attrs.ceil_mode),
                           attrs);
}

// An Add of two computed maps (a kBinary Add) with `activation`.
inline BinaryAttrs add_attrs(Activation activation) {
  BinaryAttrs b;
  b.activation = activation;
  return b;
}

inline Graph add_graph(const Shape& shape, Activation activation) {
  return single_node_graph(OpKind::kBinary, {shape, shape}, shape, add_attrs(activation));
}

inline Graph concat_graph(const std::vector<Shape>& inputs) {
  Dims dims = inputs.at(0).dims;
  dims[1] = 0;
  for (const Shape& s : inputs) dims[1] += s.dims.at(1);
  return single_node_graph(OpKind::kConcat, inputs, Shape(dims), std::monostate{});
}

inline Graph activation_graph(const Shape& shape, Activation activation) {
  return single_node_graph(OpKind::kActivation, {shape}, shape, ActivationAttrs{activation});
}

inline Graph batch_norm_graph(const Shape& shape, BatchNormAttrs attrs) {
  return single_node_graph(OpKind::kBatchNorm, {shape}, shape, std::move(attrs));
}

inline Graph pad_graph(const Shape& in, const PadAttrs& p) {
  const Shape out = map_shape(in.channels() + p.channels_begin + p.channels_end,
                              in.height() + p.top + p.bottom, in.width() + p.left + p.right);
  return single_node_graph(OpKind::kPad, {in}, out, p);
}

inline Graph global_average_pool_graph(const Shape& in) {
  return single_node_graph(OpKind::kGlobalAveragePool, {in}, map_shape(in.channels(), 1, 1),
                           std::monostate{});
}

inline Graph global_max_pool_graph(const Shape& in) {
  return single_node_graph(OpKind::kGlobalMaxPool, {in}, map_shape(in.channels(), 1, 1),
                           std::monostate{});
}

inline Graph flatten_graph(const Shape& in) {
  return single_node_graph(OpKind::kFlatten, {in}, vector_shape(in.elements()),
                           std::monostate{});
}

inline Graph gemm_graph(int64_t k, GemmAttrs attrs) {
  const int64_t n = attrs.weight.shape().dims.at(0);
  return single_node_graph(OpKind::kGemm, {vector_shape(k)}, vector_shape(n), std::move(attrs));
}

// A one-node graph whose output shape comes from infer_output_shape (the
// IR's own shape inference, itself tested against ONNX in the importer tests).
inline Graph inferred_graph(OpKind op, const std::vector<Shape>& inputs, NodeAttrs attrs) {
  Graph g = single_node_graph(op, inputs, Shape({1, 1}), std::move(attrs));
  g.values.back().shape = infer_output_shape(g, g.nodes[0]);
  return g;
}

// ---- random data and parameters ------------------------------------------

inline int64_t uniform_int(std::mt19937& rng, int64_t lo, int64_t hi) {  // [lo, hi]
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

inline bool coin(std::mt19937& rng, double p = 0.5) {
  return std::bernoulli_distribution(p)(rng);
}

// Feature-map sizes of the kernel tests: 1..40 rows, widths 1..41 (mostly odd).
inline int64_t random_height(std::mt19937& rng) { return uniform_int(rng, 1, 40); }
inline int64_t random_width(std::mt19937& rng) {
  return coin(rng, 0.8) ? uniform_int(rng, 0, 20) * 2 + 1 : uniform_int(rng, 1, 20) * 2;
}
inline Shape random_map_shape(std::mt19937& rng) {
  const int64_t channels = uniform_int(rng, 1, 24);
  const int64_t height = random_height(rng);
  return map_shape(channels, height, random_width(rng));
}

inline std::vector<float> random_values(size_t n, std::mt19937& rng, float lo = -1.0f,
                                        float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

inline Tensor random_tensor(const Shape& shape, std::mt19937& rng) {
  return Tensor(shape, random_values(static_cast<size_t>(shape.elements()), rng));
}

// Weights as a real network has them: uniform in +-1/sqrt(fan_in), so that
// sums stay O(1) and a Clip does not hide large values behind small bounds.
inline Tensor random_weights(const Shape& shape, int64_t fan_in, std::mt19937& rng) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
  return Tensor(shape, random_values(static_cast<size_t>(shape.elements()), rng, -bound, bound));
}

// A 3x3 conv with `window`'s strides and pads, random weights and bias and
// a fused ReLU, from the channels of `in` to `out_channels`.
inline Graph relu_conv3x3_graph(const Shape& in, int64_t out_channels, const Window& window,
                                std::mt19937& rng) {
  ConvAttrs conv;
  conv.window = window;
  conv.weight = random_weights(Shape({out_channels, in.channels(), 3, 3}), in.channels() * 9, rng);
  conv.bias = random_values(static_cast<size_t>(out_channels), rng);
  conv.activation.kind = Activation::Kind::kRelu;
  return conv_graph(in, std::move(conv));
}

// None, Relu, a Clip with random or ReLU6 bounds, or one of the other
// activations oneDNN runs as post-ops (LeakyRelu, Sigmoid, HardSigmoid,
// HardSwish, Tanh, Swish): defined for every input.
inline Activation random_activation(std::mt19937& rng) {
  Activation a;
  switch (uniform_int(rng, 0, 9)) {
    case 0: break;
    case 1: a.kind = Activation::Kind::kRelu; break;
    case 2: a.kind = Activation::Kind::kClip; a.min = 0.0f; a.max = 6.0f; break;
    case 3:
      a.kind = Activation::Kind::kClip;
      a.min = -0.3f;
      a.max = 0.4f;
      break;
    case 4: a.kind = Activation::Kind::kLeakyRelu; a.alpha = 0.1f; break;
    case 5: a.kind = Activation::Kind::kSigmoid; break;
    case 6:
      a.kind = Activation::Kind::kHardSigmoid;
      a.alpha = 1.0f / 6.0f;
      a.beta = 0.5f;
      break;
    case 7: a.kind = Activation::Kind::kHardSwish; break;
    case 8: a.kind = Activation::Kind::kTanh; break;
    default: a.kind = Activation::Kind::kSwish;
  }
  return a;
}

// ---- descriptions for failure traces -------------------------------------

inline std::ostream& operator<<(std::ostream& os, const Activation& a) {
  os << activation_name(a.kind);
  if (a.kind == Activation::Kind::kClip) os << "(" << a.min << "," << a.max << ")";
  if (a.alpha != 0.0f || a.beta != 0.0f) os << "(alpha " << a.alpha << ", beta " << a.beta << ")";
  return os;
}

inline std::ostream& operator<<(std::ostream& os, const Window& w) {
  return os << "kernel " << w.kernel_h << "x" << w.kernel_w << " stride " << w.stride_h << "x"
            << w.stride_w << " dilation " << w.dilation_h << "x" << w.dilation_w
            << " pads(t,l,b,r) " << w.pad_top << "," << w.pad_left << "," << w.pad_bottom << ","
            << w.pad_right;
}

// "Conv in 1x3x17x9 out 1x8x9x9 kernel 3x3 ... group 1 act relu".
inline std::string describe(const Graph& g) {
  const Node& n = g.nodes.at(0);
  std::ostringstream os;
  os << op_name(n.op) << " in";
  for (ValueId v : n.inputs) os << " " << g.shape_of(v).str();
  os << " out " << g.shape_of(n.output).str();
  if (auto* c = std::get_if<ConvAttrs>(&n.attrs))
    os << " " << c->window << " group " << c->group << " act " << c->activation;
  if (auto* p = std::get_if<PoolAttrs>(&n.attrs))
    os << " " << (p->kind == PoolAttrs::Kind::kMax ? "max " : "avg ") << p->window
       << " ceil " << p->ceil_mode << " count_include_pad " << p->count_include_pad;
  if (auto* a = std::get_if<ActivationAttrs>(&n.attrs)) os << " act " << a->activation;
  if (auto* b = std::get_if<BatchNormAttrs>(&n.attrs)) os << " act " << b->activation;
  if (auto* p = std::get_if<PadAttrs>(&n.attrs))
    os << " pads(c,t,l | c,b,r) " << p->channels_begin << "," << p->top << "," << p->left
       << " | " << p->channels_end << "," << p->bottom << "," << p->right << " value "
       << p->value;
  if (auto* m = std::get_if<GemmAttrs>(&n.attrs)) os << " act " << m->activation;
  if (auto* t = std::get_if<ConvTransposeAttrs>(&n.attrs))
    os << " " << t->window << " output_padding " << t->output_padding_h << ","
       << t->output_padding_w << " group " << t->group << " act " << t->activation;
  if (auto* r = std::get_if<ResizeAttrs>(&n.attrs))
    os << " mode " << int(r->mode) << " coordinate " << int(r->coordinate) << " nearest "
       << int(r->nearest) << " scales " << r->scale_h << "," << r->scale_w << " sizes_given "
       << r->sizes_given;
  if (auto* b = std::get_if<BinaryAttrs>(&n.attrs))
    os << " " << binary_name(b->kind) << " constant " << b->constant_index << " "
       << b->constant.shape().str() << " act " << b->activation;
  if (auto* s = std::get_if<SoftmaxAttrs>(&n.attrs))
    os << " axis " << s->axis << " coerced " << s->coerced;
  if (auto* r = std::get_if<ReduceAttrs>(&n.attrs)) {
    os << " kind " << int(r->kind) << " axes";
    for (int64_t a : r->axes) os << " " << a;
    if (r->select_last_index) os << " last";
  }
  if (auto* m = std::get_if<MatMulAttrs>(&n.attrs))
    os << " constant " << m->constant_index << " " << m->constant.shape().str();
  if (auto* t = std::get_if<TransposeAttrs>(&n.attrs)) {
    os << " perm";
    for (int64_t p : t->perm) os << " " << p;
  }
  if (auto* r = std::get_if<ReshapeAttrs>(&n.attrs)) os << " row_local " << r->row_local;
  return os.str();
}

}  // namespace edgeflow::test
