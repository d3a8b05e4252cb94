// Converter of ConvTranspose (2-D, NCHW). Pads come from 'pads', from
// auto_pad, or from 'output_shape'; ONNX and ONNX Runtime disagree on which
// side takes the odd pixel of an inferred total padding, so an odd total is
// refused naming the attribute rather than guessed:
//   H_out = stride*(H_in - 1) + output_padding + extent - pad_top - pad_bottom
#include <algorithm>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

constexpr int64_t kMaxGeometry = int64_t(1) << 24;

// Equal begin/end pads for a wanted output extent, or a refusal.
void inferred_pads(const onnx::NodeProto& node, const char* attribute, int64_t in, int64_t out,
                   int64_t stride, int64_t extent, int64_t output_padding, int64_t& begin,
                   int64_t& end) {
  const int64_t total = stride * (in - 1) + output_padding + extent - out;
  if (total < 0)
    fail_node(node, std::string("attribute '") + attribute + "' asks for an output of " +
                        std::to_string(out) + ", larger than the transposed convolution gives");
  if (total % 2 != 0)
    fail_node(node, std::string("attribute '") + attribute + "' needs an odd total padding " +
                        std::to_string(total) +
                        ", whose split ONNX leaves ambiguous; give explicit 'pads'");
  begin = end = total / 2;
}

}  // namespace

void convert_conv_transpose(Importer& im, const onnx::NodeProto& node) {
  const Constant* w = im.constant_input(node, 1, "weight");
  if (!w) fail_node(node, "input 1 (the weight) is missing");
  if (w->dims.size() != 4)
    fail_node(node, "only 2-D transposed convolutions are supported; weight '" + node.input(1) +
                        "' has rank " + std::to_string(w->dims.size()));
  if (!w->is_float()) fail_node(node, "weight '" + node.input(1) + "' must be float");
  const std::vector<int64_t> kernel = attr_ints(node, "kernel_shape");
  if (!kernel.empty() && (kernel.size() != 2 || kernel[0] != w->dims[2] || kernel[1] != w->dims[3]))
    fail_node(node, "attribute 'kernel_shape' " + Shape(kernel).str() + " does not match weight " +
                        Shape(w->dims).str());
  const ValueId x = im.value_input(node, 0);
  const Shape& in = im.shape_of(x);
  if (in.rank() != 4)
    fail_node(node, "input '" + node.input(0) + "' is " + in.str() +
                        "; only 2-D transposed convolutions over NCHW maps are supported");

  ConvTransposeAttrs a;
  Window& win = a.window;
  win.kernel_h = w->dims[2];
  win.kernel_w = w->dims[3];
  const std::vector<int64_t> strides = pair_attr(node, "strides");
  const std::vector<int64_t> dilations = pair_attr(node, "dilations");
  win.stride_h = strides[0], win.stride_w = strides[1];
  win.dilation_h = dilations[0], win.dilation_w = dilations[1];
  std::vector<int64_t> op = attr_ints(node, "output_padding");
  if (op.empty()) op = {0, 0};
  if (op.size() != 2 || op[0] < 0 || op[1] < 0 || op[0] > kMaxGeometry || op[1] > kMaxGeometry)
    fail_node(node, "attribute 'output_padding' must be 2 values in 0 to 2^24");
  a.output_padding_h = op[0], a.output_padding_w = op[1];
  a.group = attr_int(node, "group", 1);
  if (a.group < 1 || a.group > kMaxGeometry)
    fail_node(node, "attribute 'group' must be in 1 to 2^24, is " + std::to_string(a.group));

  const std::string auto_pad = attr_string(node, "auto_pad", "NOTSET");
  const std::vector<int64_t> output_shape = attr_ints(node, "output_shape");
  if (!output_shape.empty()) {
    if (output_shape.size() != 2 && output_shape.size() != 4)
      fail_node(node, "attribute 'output_shape' has " + std::to_string(output_shape.size()) +
                          " values; expected the 2 spatial dims");
    const int64_t oh = output_shape[output_shape.size() - 2], ow = output_shape.back();
    inferred_pads(node, "output_shape", in.dims[2], oh, win.stride_h, win.extent_h(), op[0],
                  win.pad_top, win.pad_bottom);
    inferred_pads(node, "output_shape", in.dims[3], ow, win.stride_w, win.extent_w(), op[1],
                  win.pad_left, win.pad_right);
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    inferred_pads(node, "auto_pad", in.dims[2], in.dims[2] * win.stride_h, win.stride_h,
                  win.extent_h(), op[0], win.pad_top, win.pad_bottom);
    inferred_pads(node, "auto_pad", in.dims[3], in.dims[3] * win.stride_w, win.stride_w,
                  win.extent_w(), op[1], win.pad_left, win.pad_right);
  } else if (auto_pad == "NOTSET") {
    const std::vector<int64_t> pads = pads_attr(node);
    win.pad_top = pads[0], win.pad_left = pads[1], win.pad_bottom = pads[2],
    win.pad_right = pads[3];
  } else if (auto_pad != "VALID") {
    fail_node(node, "attribute 'auto_pad' = '" + auto_pad + "' is not supported");
  }
  a.weight = Tensor(Shape(w->dims), w->floats);
  const int64_t out_channels = w->dims[1] * std::max<int64_t>(1, a.group);
  a.bias.assign(static_cast<size_t>(out_channels), 0.0f);
  if (const Constant* b = im.constant_input(node, 2, "bias")) {
    if (!b->is_float() || b->dims.size() != 1 || b->dims[0] != out_channels)
      fail_node(node, "bias '" + node.input(2) + "' must be " + std::to_string(out_channels) +
                          " floats, is " + Shape(b->dims).str());
    a.bias = b->floats;
  }
  im.add_node(node, OpKind::kConvTranspose, {x}, std::move(a));
}

}  // namespace edgeflow::onnx_import
