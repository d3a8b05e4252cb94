// Converters of the windowed ops: Conv, MaxPool, AveragePool,
// GlobalAveragePool and GlobalMaxPool. Only 2-D windows over NCHW maps; auto_pad is resolved
// here into explicit pads:
//
//   SAME_*: out = ceil(in / stride), total = max(0, (out-1)*stride + extent - in)
//           SAME_UPPER puts the odd pixel at the end, SAME_LOWER at the begin.
#include <algorithm>
#include <map>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

constexpr int64_t kMaxGeometry = int64_t(1) << 24;  // as the IR's shape inference

}  // namespace

std::vector<int64_t> pair_attr(const onnx::NodeProto& node, const std::string& name) {
  std::vector<int64_t> v = attr_ints(node, name);
  if (v.empty()) return {1, 1};
  if (v.size() != 2)
    fail_node(node, "attribute '" + name + "' has " + std::to_string(v.size()) +
                        " values; a 2-D window needs 2");
  for (int64_t x : v)
    if (x < 1 || x > kMaxGeometry)
      fail_node(node, "attribute '" + name + "' has a value outside 1 to 2^24");
  return v;
}

std::vector<int64_t> pads_attr(const onnx::NodeProto& node) {
  const std::vector<int64_t> pads = attr_ints(node, "pads");
  if (pads.empty()) return {0, 0, 0, 0};
  if (pads.size() != 4)
    fail_node(node, "attribute 'pads' has " + std::to_string(pads.size()) +
                        " values; a 2-D window needs 4");
  for (int64_t p : pads)
    if (p < 0 || p > kMaxGeometry) fail_node(node, "attribute 'pads' has a value outside 0 to 2^24");
  // ONNX order: [H_begin, W_begin, H_end, W_end].
  return pads;
}

namespace {

void same_pads(int64_t in, int64_t stride, int64_t extent, bool upper, int64_t& begin,
               int64_t& end) {
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>(0, (out - 1) * stride + extent - in);
  begin = upper ? total / 2 : total - total / 2;
  end = total - begin;
}

// The window of a 2-D conv or pool over `in`; `auto_pad` reports whether the
// pads came from auto_pad (then ceil_mode has no effect).
Window read_window(const onnx::NodeProto& node, const Shape& in, int64_t kernel_h, int64_t kernel_w,
                   bool is_pool, bool& auto_pad) {
  Window w;
  w.kernel_h = kernel_h;
  w.kernel_w = kernel_w;
  if (kernel_h < 1 || kernel_w < 1) fail_node(node, "kernel has an empty dim");
  const std::vector<int64_t> strides = pair_attr(node, "strides");
  const std::vector<int64_t> dilations = pair_attr(node, "dilations");
  if (is_pool && (dilations[0] != 1 || dilations[1] != 1))
    fail_node(node, "attribute 'dilations' must be 1 for pooling");
  w.stride_h = strides[0];
  w.stride_w = strides[1];
  w.dilation_h = dilations[0];
  w.dilation_w = dilations[1];

  const std::string mode = attr_string(node, "auto_pad", "NOTSET");
  auto_pad = mode != "NOTSET";
  if (mode == "NOTSET") {
    const std::vector<int64_t> pads = pads_attr(node);
    w.pad_top = pads[0];
    w.pad_left = pads[1];
    w.pad_bottom = pads[2];
    w.pad_right = pads[3];
  } else if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
    const bool upper = mode == "SAME_UPPER";
    same_pads(in.dims[2], w.stride_h, w.extent_h(), upper, w.pad_top, w.pad_bottom);
    same_pads(in.dims[3], w.stride_w, w.extent_w(), upper, w.pad_left, w.pad_right);
  } else if (mode != "VALID") {
    fail_node(node, "attribute 'auto_pad' = '" + mode + "' is not supported");
  }
  return w;
}

ValueId feature_map_input(Importer& im, const onnx::NodeProto& node, const char* what) {
  const ValueId x = im.value_input(node, 0);
  const Shape& in = im.shape_of(x);
  if (in.rank() != 4)
    fail_node(node, std::string("only 2-D ") + what +
                        " over NCHW feature maps is supported; input '" + node.input(0) + "' is " +
                        in.str());
  return x;
}

std::vector<int64_t> pool_kernel(const onnx::NodeProto& node) {
  const std::vector<int64_t> k = attr_ints(node, "kernel_shape");
  if (k.empty()) fail_node(node, "attribute 'kernel_shape' is missing");
  if (k.size() != 2)
    fail_node(node, "only 2-D pooling is supported; attribute 'kernel_shape' has " +
                        std::to_string(k.size()) + " dims");
  for (int64_t x : k)
    if (x < 1 || x > kMaxGeometry)
      fail_node(node, "attribute 'kernel_shape' has a value outside 1 to 2^24");
  return k;
}

}  // namespace

void check_spatial_dims(const onnx::GraphProto& graph) {
  std::map<std::string, int> weight_rank;
  for (const onnx::TensorProto& t : graph.initializer()) weight_rank[t.name()] = t.dims_size();
  for (const onnx::NodeProto& node : graph.node()) {
    const std::string& op = node.op_type();
    if (!node.domain().empty() && node.domain() != "ai.onnx") continue;
    const bool conv = op == "Conv" || op == "ConvTranspose";
    if (!conv && op != "MaxPool" && op != "AveragePool") continue;
    const std::vector<int64_t> kernel = attr_ints(node, "kernel_shape");
    const char* what = op == "Conv"            ? "convolutions"
                       : op == "ConvTranspose" ? "transposed convolutions"
                                               : "pooling windows";
    if (!kernel.empty() && kernel.size() != 2)
      fail_node(node, std::string("only 2-D ") + what +
                          " are supported; attribute 'kernel_shape' has " +
                          std::to_string(kernel.size()) + " dims (a " +
                          std::to_string(kernel.size()) + "-D window)");
    if (conv && node.input_size() > 1) {
      auto it = weight_rank.find(node.input(1));
      if (it != weight_rank.end() && it->second != 4 && it->second >= 3)
        fail_node(node, std::string("only 2-D ") + what + " are supported; weight '" +
                            node.input(1) +
                            "' has rank " + std::to_string(it->second) + " (a " +
                            std::to_string(it->second - 2) + "-D convolution)");
    }
  }
}

void convert_conv(Importer& im, const onnx::NodeProto& node) {
  const std::vector<int64_t> kernel = attr_ints(node, "kernel_shape");
  if (!kernel.empty() && kernel.size() != 2)
    fail_node(node, "only 2-D convolutions are supported; attribute 'kernel_shape' has " +
                        std::to_string(kernel.size()) + " dims (a " +
                        std::to_string(kernel.size()) + "-D convolution)");
  const Constant* w = im.constant_input(node, 1, "weight");
  if (!w) fail_node(node, "input 1 (the weight) is missing");
  if (w->dims.size() != 4)
    fail_node(node, "only 2-D convolutions are supported; weight '" + node.input(1) +
                        "' has rank " + std::to_string(w->dims.size()) + " (a " +
                        std::to_string(int(w->dims.size()) - 2) + "-D convolution)");
  if (!w->is_float()) fail_node(node, "weight '" + node.input(1) + "' must be float");
  if (!kernel.empty() && (kernel[0] != w->dims[2] || kernel[1] != w->dims[3]))
    fail_node(node, "attribute 'kernel_shape' " + Shape(kernel).str() + " does not match weight '" +
                        node.input(1) + "' " + Shape(w->dims).str());
  const ValueId x = feature_map_input(im, node, "convolution");

  ConvAttrs a;
  bool auto_pad = false;
  a.window = read_window(node, im.shape_of(x), w->dims[2], w->dims[3], false, auto_pad);
  a.group = attr_int(node, "group", 1);
  a.weight = Tensor(Shape(w->dims), w->floats);
  a.bias.assign(static_cast<size_t>(w->dims[0]), 0.0f);
  if (const Constant* b = im.constant_input(node, 2, "bias")) {
    if (!b->is_float() || b->dims.size() != 1 || b->dims[0] != w->dims[0])
      fail_node(node, "bias '" + node.input(2) + "' must be " + std::to_string(w->dims[0]) +
                          " floats, is " + Shape(b->dims).str());
    a.bias = b->floats;
  }
  im.add_node(node, OpKind::kConv, {x}, std::move(a));
}

void convert_max_pool(Importer& im, const onnx::NodeProto& node) {
  if (node.output_size() > 1 && !node.output(1).empty() && im.is_used(node.output(1)))
    fail_node(node, "output 'Indices' ('" + node.output(1) + "') is used; it is not supported");
  if (im.opset() < 10) {
    refuse_attr(node, "ceil_mode", "is not part of MaxPool before opset 10");
    refuse_attr(node, "dilations", "is not part of MaxPool before opset 10");
  }
  const std::vector<int64_t> kernel = pool_kernel(node);
  const ValueId x = feature_map_input(im, node, "pooling");
  PoolAttrs p;
  p.kind = PoolAttrs::Kind::kMax;
  bool auto_pad = false;
  p.window = read_window(node, im.shape_of(x), kernel[0], kernel[1], true, auto_pad);
  p.ceil_mode = attr_int(node, "ceil_mode", 0) != 0 && !auto_pad;
  im.add_node(node, OpKind::kPool, {x}, std::move(p));
}

void convert_average_pool(Importer& im, const onnx::NodeProto& node) {
  if (im.opset() < 10) refuse_attr(node, "ceil_mode", "is not part of AveragePool before opset 10");
  const std::vector<int64_t> kernel = pool_kernel(node);
  const ValueId x = feature_map_input(im, node, "pooling");
  PoolAttrs p;
  p.kind = PoolAttrs::Kind::kAverage;
  bool auto_pad = false;
  p.window = read_window(node, im.shape_of(x), kernel[0], kernel[1], true, auto_pad);
  p.ceil_mode = attr_int(node, "ceil_mode", 0) != 0 && !auto_pad;
  p.count_include_pad = attr_int(node, "count_include_pad", 0) != 0;
  im.add_node(node, OpKind::kPool, {x}, std::move(p));
}

void convert_global_average_pool(Importer& im, const onnx::NodeProto& node) {
  const ValueId x = feature_map_input(im, node, "pooling");
  im.add_node(node, OpKind::kGlobalAveragePool, {x}, std::monostate{});
}

void convert_global_max_pool(Importer& im, const onnx::NodeProto& node) {
  const ValueId x = feature_map_input(im, node, "pooling");
  im.add_node(node, OpKind::kGlobalMaxPool, {x}, std::monostate{});
}

}  // namespace edgeflow::onnx_import
