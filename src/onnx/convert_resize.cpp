// Converters of Resize (opsets 10, 11, 13) and Upsample (opsets 7-10) on NCHW
// maps, scaling H and W only:
//   Resize-10, Upsample: scales (Upsample-7's is an attribute); asymmetric coordinates; nearest rounds
//     down, or up on an axis that shrinks (ONNX Runtime's reading of them);
//   Resize-11/13: roi, scales or sizes inputs; coordinate_transformation_mode
//     half_pixel (default), pytorch_half_pixel, align_corners, asymmetric,
//     tf_half_pixel_for_nearest (opset 11 only); nearest_mode.
// Refused, naming the attribute: cubic mode, tf_crop_and_resize,
// exclude_outside = 1, and scaling N or C.
#include <cmath>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

ResizeAttrs::Mode read_mode(const onnx::NodeProto& node) {
  const std::string mode = attr_string(node, "mode", "nearest");
  if (mode == "nearest") return ResizeAttrs::Mode::kNearest;
  if (mode == "linear" || mode == "bilinear") return ResizeAttrs::Mode::kLinear;
  fail_node(node, "attribute 'mode' = '" + mode +
                      "' is not supported (nearest and linear are; cubic is not)");
}

// The output extents from scales [4] (N and C must be 1).
void apply_scales(const onnx::NodeProto& node, const Constant& c, const Shape& in,
                  ResizeAttrs& a) {
  const std::vector<float> scales = constant_floats(c);
  if (scales.size() != 4)
    fail_node(node, "scales has " + std::to_string(scales.size()) + " values; a rank-4 input needs 4");
  if (scales[0] != 1.0f || scales[1] != 1.0f)
    fail_node(node, "scales " + std::to_string(scales[0]) + ", " + std::to_string(scales[1]) +
                        " on N and C are not supported (only H and W are resized)");
  for (int k = 2; k < 4; ++k)
    if (!(scales[k] > 0.0f) || !std::isfinite(scales[k]))
      fail_node(node, "scale " + std::to_string(scales[k]) + " must be positive");
  for (int k = 2; k < 4; ++k)  // before the casts below, which would overflow
    if (double(in.dims[k]) * scales[k] > double(int64_t(1) << 24))
      fail_node(node, "scale " + std::to_string(scales[k]) + " gives an output extent above 2^24");
  a.scale_h = scales[2];
  a.scale_w = scales[3];
  a.out_h = static_cast<int64_t>(std::floor(double(in.dims[2]) * a.scale_h));
  a.out_w = static_cast<int64_t>(std::floor(double(in.dims[3]) * a.scale_w));
  if (a.out_h < 1 || a.out_w < 1)
    fail_node(node, "scales give an empty output " + std::to_string(a.out_h) + "x" +
                        std::to_string(a.out_w));
}

void apply_sizes(const onnx::NodeProto& node, const Constant& c, const Shape& in, ResizeAttrs& a) {
  const std::vector<int64_t> sizes = constant_ints(node, c, "sizes");
  if (sizes.size() != 4)
    fail_node(node, "sizes has " + std::to_string(sizes.size()) + " values; a rank-4 input needs 4");
  if (sizes[0] != in.dims[0] || sizes[1] != in.dims[1])
    fail_node(node, "sizes " + Shape(sizes).str() + " change N or C of " + in.str() +
                        " (only H and W are resized)");
  if (sizes[2] < 1 || sizes[3] < 1) fail_node(node, "sizes " + Shape(sizes).str() + " are empty");
  a.sizes_given = true;
  a.out_h = sizes[2];
  a.out_w = sizes[3];
  a.scale_h = double(a.out_h) / double(in.dims[2]);
  a.scale_w = double(a.out_w) / double(in.dims[3]);
}

ValueId map_input(Importer& im, const onnx::NodeProto& node) {
  const ValueId x = im.value_input(node, 0);
  if (im.shape_of(x).rank() != 4)
    fail_node(node, "input '" + node.input(0) + "' is " + im.shape_of(x).str() +
                        "; only NCHW feature maps are resized");
  return x;
}

// Resize-10 and Upsample: X and scales (Upsample-7's attribute, or input 1).
void resize_with_scales(Importer& im, const onnx::NodeProto& node, const Constant* scales) {
  const ValueId x = map_input(im, node);
  ResizeAttrs a;
  a.mode = read_mode(node);
  a.coordinate = ResizeAttrs::Coordinate::kAsymmetric;
  a.nearest = ResizeAttrs::Nearest::kSimple;
  if (!scales) fail_node(node, "input 1 (scales) is missing");
  apply_scales(node, *scales, im.shape_of(x), a);
  im.add_node(node, OpKind::kResize, {x}, a);
}

ResizeAttrs::Coordinate read_coordinate(Importer& im, const onnx::NodeProto& node) {
  using C = ResizeAttrs::Coordinate;
  const std::string mode = attr_string(node, "coordinate_transformation_mode", "half_pixel");
  if (mode == "half_pixel") return C::kHalfPixel;
  if (mode == "pytorch_half_pixel") return C::kPytorchHalfPixel;
  if (mode == "align_corners") return C::kAlignCorners;
  if (mode == "asymmetric") return C::kAsymmetric;
  if (mode == "tf_half_pixel_for_nearest" && im.opset() < 13) return C::kTfHalfPixelForNearest;
  fail_node(node, "attribute 'coordinate_transformation_mode' = '" + mode +
                      "' is not supported at opset " + std::to_string(im.opset()));
}

ResizeAttrs::Nearest read_nearest(const onnx::NodeProto& node) {
  using N = ResizeAttrs::Nearest;
  const std::string mode = attr_string(node, "nearest_mode", "round_prefer_floor");
  if (mode == "round_prefer_floor") return N::kRoundPreferFloor;
  if (mode == "round_prefer_ceil") return N::kRoundPreferCeil;
  if (mode == "floor") return N::kFloor;
  if (mode == "ceil") return N::kCeil;
  fail_node(node, "attribute 'nearest_mode' = '" + mode + "' is not supported");
}

}  // namespace

void convert_resize(Importer& im, const onnx::NodeProto& node) {
  if (im.opset() < 11) {
    for (const char* name : {"coordinate_transformation_mode", "nearest_mode"})
      refuse_attr(node, name, "is not part of Resize before opset 11");
    return resize_with_scales(im, node, im.constant_input(node, 1, "scales"));
  }
  const ValueId x = map_input(im, node);
  ResizeAttrs a;
  a.mode = read_mode(node);
  a.coordinate = read_coordinate(im, node);
  a.nearest = read_nearest(node);
  if (attr_int(node, "exclude_outside", 0) != 0)
    fail_node(node, "attribute 'exclude_outside' = 1 is not supported");
  // Opset 18's additions, supported in their default (pre-18) meaning.
  if (attr_int(node, "antialias", 0) != 0)
    fail_node(node, "attribute 'antialias' = 1 is not supported");
  const std::string policy = attr_string(node, "keep_aspect_ratio_policy", "stretch");
  if (policy != "stretch")
    fail_node(node, "attribute 'keep_aspect_ratio_policy' = '" + policy +
                        "' is not supported (only 'stretch')");
  if (find_attr(node, "axes"))
    fail_node(node, "attribute 'axes' is not supported (scales or sizes of every axis)");
  const Constant* scales = im.constant_input(node, 2, "scales");
  const Constant* sizes = im.constant_input(node, 3, "sizes");
  const bool has_scales = scales && scales->size() > 0;
  const bool has_sizes = sizes && sizes->size() > 0;
  if (has_scales == has_sizes)
    fail_node(node, "exactly one of the inputs 'scales' and 'sizes' must be given");
  if (has_scales)
    apply_scales(node, *scales, im.shape_of(x), a);
  else
    apply_sizes(node, *sizes, im.shape_of(x), a);
  im.add_node(node, OpKind::kResize, {x}, a);
}

void convert_upsample(Importer& im, const onnx::NodeProto& node) {
  if (im.opset() >= 9) {
    refuse_attr(node, "scales", "is not part of Upsample from opset 9 on (scales is input 1)");
    return resize_with_scales(im, node, im.constant_input(node, 1, "scales"));
  }
  if (node.input_size() > 1 && !node.input(1).empty())
    fail_node(node, "input 1 ('" + node.input(1) + "') is not part of Upsample before opset 9 "
                    "(scales is an attribute)");
  if (!find_attr(node, "scales")) fail_node(node, "attribute 'scales' is missing");
  Constant scales;
  scales.floats = attr_floats(node, "scales");
  scales.dims = {static_cast<int64_t>(scales.floats.size())};
  resize_with_scales(im, node, &scales);
}

}  // namespace edgeflow::onnx_import
