// IR passes: shape inference of one node, BatchNorm folding, activation
// fusion, dead node removal and the graph validator.
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"

namespace edgeflow {
namespace {

// Bounds that keep shape arithmetic far from int64 overflow.
constexpr int64_t kMaxGeometry = int64_t(1) << 24;  // kernel, stride, dilation, pad
constexpr int64_t kMaxElements = int64_t(1) << 31;  // elements of one tensor

std::string node_label(const Node& node) {
  return "node '" + node.name + "' (" + op_name(node.op) + ")";
}

[[noreturn]] void fail_node(const Node& node, const std::string& message) {
  fail_input(node_label(node) + ": " + message);
}

std::string dims_str(int64_t a, int64_t b) { return std::to_string(a) + "x" + std::to_string(b); }

const Shape& input_shape(const Graph& graph, const Node& node, size_t i) {
  const ValueId v = node.inputs[i];
  if (v < 0 || v >= static_cast<ValueId>(graph.values.size()))
    fail_node(node,
              "input " + std::to_string(i) + " refers to no value (id " + std::to_string(v) + ")");
  return graph.values[v].shape;
}

void expect_inputs(const Node& node, size_t count) {
  if (node.inputs.size() != count)
    fail_node(node, "expects " + std::to_string(count) + " input(s), has " +
                        std::to_string(node.inputs.size()));
}

const Shape& expect_feature_map(const Graph& graph, const Node& node, size_t i) {
  const Shape& s = input_shape(graph, node, i);
  if (s.rank() != 4 || s.dims[0] != 1)
    fail_node(node, "input '" + graph.values[node.inputs[i]].name +
                        "' must be a 1xCxHxW feature map, is " + s.str());
  return s;
}

template <typename T>
const T& attrs_of(const Node& node) {
  const T* a = std::get_if<T>(&node.attrs);
  if (!a) fail_node(node, "has attributes of the wrong kind");
  return *a;
}

void check_window(const Node& node, const Window& w) {
  for (int64_t v : {w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, w.dilation_h, w.dilation_w,
                    w.pad_top, w.pad_left, w.pad_bottom, w.pad_right})
    if (v > kMaxGeometry) fail_node(node, "window geometry " + std::to_string(v) + " exceeds 2^24");
  if (w.kernel_h < 1 || w.kernel_w < 1)
    fail_node(node, "kernel " + dims_str(w.kernel_h, w.kernel_w) + " is empty");
  if (w.stride_h < 1 || w.stride_w < 1)
    fail_node(node, "strides " + dims_str(w.stride_h, w.stride_w) + " must be positive");
  if (w.dilation_h < 1 || w.dilation_w < 1)
    fail_node(node, "dilations " + dims_str(w.dilation_h, w.dilation_w) + " must be positive");
  if (w.pad_top < 0 || w.pad_left < 0 || w.pad_bottom < 0 || w.pad_right < 0)
    fail_node(node, "pads must not be negative");
}

// Output extent of one spatial axis. Ceil mode follows PyTorch and ONNX
// Runtime: the last window must start inside the input or its begin padding.
int64_t window_output(const Node& node, const char* axis, int64_t in, int64_t pad_begin,
                      int64_t pad_end, int64_t extent, int64_t stride, bool ceil_mode) {
  const int64_t span = in + pad_begin + pad_end - extent;
  if (span < 0)
    fail_node(node, std::string("window of extent ") + std::to_string(extent) +
                        " exceeds the padded input " + axis + " " +
                        std::to_string(in + pad_begin + pad_end));
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

Shape window_shape(const Graph& graph, const Node& node, const Window& w, int64_t channels,
                   bool ceil_mode) {
  const Shape& in = expect_feature_map(graph, node, 0);
  check_window(node, w);
  const int64_t h = window_output(node, "height", in.dims[2], w.pad_top, w.pad_bottom, w.extent_h(),
                                  w.stride_h, ceil_mode);
  const int64_t wd = window_output(node, "width", in.dims[3], w.pad_left, w.pad_right, w.extent_w(),
                                   w.stride_w, ceil_mode);
  return Shape({1, channels, h, wd});
}

Shape conv_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ConvAttrs& a = attrs_of<ConvAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  const Dims& wd = a.weight.shape().dims;
  if (wd.size() != 4) fail_node(node, "weight must be OxIxKHxKW, is " + a.weight.shape().str());
  if (static_cast<int64_t>(a.weight.size()) != a.weight.shape().elements())
    fail_node(node, "weight holds " + std::to_string(a.weight.size()) + " values for shape " +
                        a.weight.shape().str());
  if (a.group < 1) fail_node(node, "group " + std::to_string(a.group) + " must be positive");
  if (wd[0] % a.group != 0)
    fail_node(node, "output channels " + std::to_string(wd[0]) + " are not divisible by group " +
                        std::to_string(a.group));
  if (wd[1] * a.group != in.channels())
    fail_node(node, "weight " + a.weight.shape().str() + " with group " + std::to_string(a.group) +
                        " expects " + std::to_string(wd[1] * a.group) +
                        " input channels, input has " + std::to_string(in.channels()));
  if (wd[2] != a.window.kernel_h || wd[3] != a.window.kernel_w)
    fail_node(node, "kernel " + dims_str(a.window.kernel_h, a.window.kernel_w) +
                        " does not match weight " + a.weight.shape().str());
  if (static_cast<int64_t>(a.bias.size()) != wd[0])
    fail_node(node, "bias has " + std::to_string(a.bias.size()) + " values for " +
                        std::to_string(wd[0]) + " output channels");
  return window_shape(graph, node, a.window, wd[0], false);
}

Shape pool_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const PoolAttrs& a = attrs_of<PoolAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  const Window& w = a.window;
  check_window(node, w);
  if (w.pad_top >= w.extent_h() || w.pad_bottom >= w.extent_h() || w.pad_left >= w.extent_w() ||
      w.pad_right >= w.extent_w())
    fail_node(node, "pads must be smaller than the kernel " + dims_str(w.kernel_h, w.kernel_w));
  return window_shape(graph, node, w, in.channels(), a.ceil_mode);
}

Shape concat_shape(const Graph& graph, const Node& node) {
  if (node.inputs.empty()) fail_node(node, "has no inputs");
  if (!std::holds_alternative<std::monostate>(node.attrs))
    fail_node(node, "has attributes of the wrong kind");
  Shape out = expect_feature_map(graph, node, 0);
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const Shape& s = expect_feature_map(graph, node, i);
    if (s.dims[2] != out.dims[2] || s.dims[3] != out.dims[3])
      fail_node(node, "input '" + graph.values[node.inputs[i]].name + "' is " + s.str() +
                          ", expected height x width " + dims_str(out.dims[2], out.dims[3]));
    out.dims[1] += s.dims[1];
  }
  return out;
}

Shape pad_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const PadAttrs& a = attrs_of<PadAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  for (int64_t p : {a.channels_begin, a.channels_end, a.top, a.bottom, a.left, a.right}) {
    if (p < 0) fail_node(node, "pads must not be negative");
    if (p > kMaxGeometry) fail_node(node, "pad " + std::to_string(p) + " exceeds 2^24");
  }
  return Shape({1, in.dims[1] + a.channels_begin + a.channels_end, in.dims[2] + a.top + a.bottom,
                in.dims[3] + a.left + a.right});
}

Shape gemm_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const GemmAttrs& a = attrs_of<GemmAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  if (in.rank() != 2 || in.dims[0] != 1) fail_node(node, "input must be 1xK, is " + in.str());
  const Dims& wd = a.weight.shape().dims;
  if (wd.size() != 2 || wd[1] != in.dims[1])
    fail_node(node, "weight " + a.weight.shape().str() + " does not fit input " + in.str() +
                        " (expected Nx" + std::to_string(in.dims[1]) + ")");
  if (static_cast<int64_t>(a.weight.size()) != a.weight.shape().elements())
    fail_node(node, "weight holds " + std::to_string(a.weight.size()) + " values for shape " +
                        a.weight.shape().str());
  if (static_cast<int64_t>(a.bias.size()) != wd[0])
    fail_node(node, "bias has " + std::to_string(a.bias.size()) + " values for " +
                        std::to_string(wd[0]) + " outputs");
  return Shape({1, wd[0]});
}

// The activation slot of a node that can carry one, or nullptr.
Activation* activation_slot(Node& node) {
  if (auto* a = std::get_if<ConvAttrs>(&node.attrs)) return &a->activation;
  if (auto* a = std::get_if<AddAttrs>(&node.attrs)) return &a->activation;
  if (auto* a = std::get_if<GemmAttrs>(&node.attrs)) return &a->activation;
  if (auto* a = std::get_if<BatchNormAttrs>(&node.attrs)) return &a->activation;
  return nullptr;
}

// How often each value is read: by node inputs, and by the graph outputs.
std::vector<int> use_counts(const Graph& graph) {
  std::vector<int> uses(graph.values.size(), 0);
  for (const Node& n : graph.nodes)
    for (ValueId v : n.inputs) ++uses.at(v);
  for (ValueId v : graph.outputs) ++uses.at(v);
  return uses;
}

// Drops the nodes with keep[i] == false and every value nothing refers to any
// more; renumbers values and recomputes producers.
void compact(Graph& graph, const std::vector<bool>& keep) {
  std::vector<bool> used(graph.values.size(), false);
  if (graph.input >= 0) used.at(graph.input) = true;
  for (ValueId v : graph.outputs) used.at(v) = true;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!keep[i]) continue;
    used.at(graph.nodes[i].output) = true;
    for (ValueId v : graph.nodes[i].inputs) used.at(v) = true;
  }
  std::vector<ValueId> remap(graph.values.size(), -1);
  std::vector<Value> values;
  for (size_t v = 0; v < graph.values.size(); ++v) {
    if (!used[v]) continue;
    remap[v] = static_cast<ValueId>(values.size());
    values.push_back(std::move(graph.values[v]));
    values.back().producer = -1;
  }
  std::vector<Node> nodes;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!keep[i]) continue;
    Node n = std::move(graph.nodes[i]);
    for (ValueId& v : n.inputs) v = remap[v];
    n.output = remap[n.output];
    values[n.output].producer = static_cast<int>(nodes.size());
    nodes.push_back(std::move(n));
  }
  if (graph.input >= 0) graph.input = remap[graph.input];
  for (ValueId& v : graph.outputs) v = remap[v];
  graph.values = std::move(values);
  graph.nodes = std::move(nodes);
}

// Lets node `p` produce the output of node `i` (which is then dropped).
void take_over_output(Graph& graph, int p, int i) {
  graph.nodes[p].output = graph.nodes[i].output;
  graph.values[graph.nodes[i].output].producer = p;
}

void validate_structure(const Graph& graph) {
  const int values = static_cast<int>(graph.values.size());
  const int nodes = static_cast<int>(graph.nodes.size());
  auto in_range = [&](ValueId v) { return v >= 0 && v < values; };
  if (!in_range(graph.input)) fail_input("the graph input refers to no value");
  const Value& input = graph.values[graph.input];
  if (input.producer != -1) fail_input("the graph input '" + input.name + "' has a producer");
  if (input.shape.rank() != 4 || input.shape.dims[0] != 1)
    fail_input("the graph input '" + input.name + "' must be 1xCxHxW, is " + input.shape.str());
  int64_t elements = 1;
  for (int64_t d : input.shape.dims) {
    if (d < 1 || d > kMaxElements || elements * d > kMaxElements)
      fail_input("the graph input '" + input.name +
                 "' is empty or has more than 2^31 elements: " + input.shape.str());
    elements *= d;
  }
  if (graph.outputs.empty()) fail_input("the graph has no outputs");
  for (ValueId v : graph.outputs) {
    if (!in_range(v))
      fail_input("a graph output refers to no value (id " + std::to_string(v) + ")");
    if (graph.values[v].producer < 0)
      fail_input("graph output '" + graph.values[v].name + "' is produced by no node");
  }
  for (int v = 0; v < values; ++v) {
    const int p = graph.values[v].producer;
    if (p < -1 || p >= nodes || (p >= 0 && graph.nodes[p].output != v))
      fail_input("value '" + graph.values[v].name + "' names the wrong producer");
  }
  std::set<std::string> names;
  for (int i = 0; i < nodes; ++i) {
    const Node& n = graph.nodes[i];
    if (n.name.empty())
      fail_input("node " + std::to_string(i) + " (" + op_name(n.op) + ") has no name");
    if (!names.insert(n.name).second) fail_node(n, "has the name of another node");
    if (!in_range(n.output)) fail_node(n, "output refers to no value");
    if (graph.values[n.output].producer != i)
      fail_node(n, "output '" + graph.values[n.output].name + "' names another producer");
    for (ValueId v : n.inputs) {
      if (!in_range(v)) fail_node(n, "an input refers to no value (id " + std::to_string(v) + ")");
      const int p = graph.values[v].producer;
      if (p < 0 && v != graph.input)
        fail_node(n, "input '" + graph.values[v].name + "' is produced by no node");
      if (p >= i)
        fail_node(n, "input '" + graph.values[v].name +
                         "' is produced later (nodes are not in topological order)");
    }
  }
}

// The shape, unless one of its dims or its element count is out of bounds.
Shape bounded(const Node& node, Shape shape) {
  int64_t elements = 1;
  for (int64_t d : shape.dims) {
    if (d < 1 || d > kMaxElements || elements * d > kMaxElements)
      fail_node(node, "output " + shape.str() + " is empty or has more than 2^31 elements");
    elements *= d;
  }
  return shape;
}

Shape infer_unbounded(const Graph& graph, const Node& node) {
  switch (node.op) {
    case OpKind::kConv: return conv_shape(graph, node);
    case OpKind::kPool: return pool_shape(graph, node);
    case OpKind::kGlobalAveragePool: {
      expect_inputs(node, 1);
      attrs_of<std::monostate>(node);
      return Shape({1, expect_feature_map(graph, node, 0).channels(), 1, 1});
    }
    case OpKind::kAdd: {
      expect_inputs(node, 2);
      attrs_of<AddAttrs>(node);
      const Shape& a = input_shape(graph, node, 0);
      const Shape& b = input_shape(graph, node, 1);
      if (a != b) fail_node(node, "inputs differ in shape: " + a.str() + " and " + b.str());
      return a;
    }
    case OpKind::kConcat: return concat_shape(graph, node);
    case OpKind::kActivation: {
      expect_inputs(node, 1);
      if (attrs_of<ActivationAttrs>(node).activation.none()) fail_node(node, "has no activation");
      return input_shape(graph, node, 0);
    }
    case OpKind::kBatchNorm: {
      expect_inputs(node, 1);
      const BatchNormAttrs& a = attrs_of<BatchNormAttrs>(node);
      const Shape& in = expect_feature_map(graph, node, 0);
      if (static_cast<int64_t>(a.scale.size()) != in.channels() ||
          static_cast<int64_t>(a.shift.size()) != in.channels())
        fail_node(node, "scale/shift have " + std::to_string(a.scale.size()) + "/" +
                            std::to_string(a.shift.size()) + " values for " +
                            std::to_string(in.channels()) + " channels");
      return in;
    }
    case OpKind::kPad: return pad_shape(graph, node);
    case OpKind::kFlatten: {
      expect_inputs(node, 1);
      attrs_of<std::monostate>(node);
      const Shape& in = expect_feature_map(graph, node, 0);
      return Shape({1, in.elements()});
    }
    case OpKind::kGemm: return gemm_shape(graph, node);
  }
  fail_node(node, "unknown op");
}

}  // namespace

Shape infer_output_shape(const Graph& graph, const Node& node) {
  return bounded(node, infer_unbounded(graph, node));
}

int fold_batchnorms(Graph& graph) {
  const std::vector<int> uses = use_counts(graph);
  std::vector<bool> keep(graph.nodes.size(), true);
  int folded = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& bn = graph.nodes[i];
    if (bn.op != OpKind::kBatchNorm || bn.inputs.size() != 1) continue;
    const ValueId in = bn.inputs[0];
    const int p = graph.values.at(in).producer;
    if (p < 0 || !keep[p] || graph.nodes[p].op != OpKind::kConv || uses[in] != 1) continue;
    ConvAttrs* conv_attrs = std::get_if<ConvAttrs>(&graph.nodes[p].attrs);
    const BatchNormAttrs* bn_attrs = std::get_if<BatchNormAttrs>(&bn.attrs);
    if (!conv_attrs || !bn_attrs) continue;
    ConvAttrs& conv = *conv_attrs;
    const BatchNormAttrs& b = *bn_attrs;
    const size_t out_channels = conv.bias.size();
    if (!conv.activation.none() || b.scale.size() != out_channels ||
        b.shift.size() != out_channels || out_channels == 0 ||
        conv.weight.size() % out_channels != 0)
      continue;
    const size_t per_channel = conv.weight.size() / out_channels;
    float* w = conv.weight.data();
    for (size_t o = 0; o < out_channels; ++o) {
      for (size_t k = 0; k < per_channel; ++k) w[o * per_channel + k] *= b.scale[o];
      conv.bias[o] = conv.bias[o] * b.scale[o] + b.shift[o];
    }
    conv.activation = b.activation;
    take_over_output(graph, p, static_cast<int>(i));
    keep[i] = false;
    ++folded;
  }
  if (folded) compact(graph, keep);
  return folded;
}

int fuse_activations(Graph& graph) {
  const std::vector<int> uses = use_counts(graph);
  std::vector<bool> keep(graph.nodes.size(), true);
  int fused = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& act = graph.nodes[i];
    if (act.op != OpKind::kActivation || act.inputs.size() != 1) continue;
    const ValueId in = act.inputs[0];
    const int p = graph.values.at(in).producer;
    if (p < 0 || !keep[p] || uses[in] != 1) continue;
    Activation* slot = activation_slot(graph.nodes[p]);
    const ActivationAttrs* a = std::get_if<ActivationAttrs>(&act.attrs);
    if (!slot || !slot->none() || !a || a->activation.none()) continue;
    *slot = a->activation;
    take_over_output(graph, p, static_cast<int>(i));
    keep[i] = false;
    ++fused;
  }
  if (fused) compact(graph, keep);
  return fused;
}

int remove_dead_nodes(Graph& graph) {
  std::vector<bool> live_value(graph.values.size(), false);
  for (ValueId v : graph.outputs) live_value.at(v) = true;
  std::vector<bool> keep(graph.nodes.size(), false);
  int removed = 0;
  for (size_t i = graph.nodes.size(); i-- > 0;) {
    const Node& n = graph.nodes[i];
    if (!live_value.at(n.output)) {
      ++removed;
      continue;
    }
    keep[i] = true;
    for (ValueId v : n.inputs) live_value.at(v) = true;
  }
  compact(graph, keep);
  return removed;
}

void validate_graph(const Graph& graph) {
  try {
    validate_structure(graph);
    for (const Node& n : graph.nodes) {
      const Shape expected = infer_output_shape(graph, n);
      const Value& out = graph.values[n.output];
      if (out.shape != expected)
        fail_node(n, "output '" + out.name + "' is stored as " + out.shape.str() +
                         ", the op gives " + expected.str());
    }
  } catch (const Error& e) {
    fail_input(std::string("invalid graph: ") + e.what());
  }
}

void optimize_graph(Graph& graph) {
  fold_batchnorms(graph);
  fuse_activations(graph);
  remove_dead_nodes(graph);
  validate_graph(graph);
}

}  // namespace edgeflow
