// Converters of BatchNormalization, LayerNormalization, LRN, Relu, Clip, Gemm and Pad, and the
// ops that vanish at inference (Identity, Dropout). Each follows the op's
// definition in the model's opset: Clip and Pad moved their attributes to
// inputs in opset 11, Dropout in opset 12.
#include <cmath>
#include <limits>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

std::string shape_text(const Dims& d) { return Shape(d).str(); }

// A float vector of `count` values (dims [count]) given as input i.
const std::vector<float>& channel_vector(Importer& im, const onnx::NodeProto& node, int i,
                                         const std::string& role, int64_t count) {
  const Constant* c = im.constant_input(node, i, role);
  if (!c) fail_node(node, "input " + std::to_string(i) + " (" + role + ") is missing");
  if (!c->is_float() || c->dims.size() != 1 || c->dims[0] != count)
    fail_node(node, "input '" + node.input(i) + "' (" + role + ") must be " +
                        std::to_string(count) + " floats, is " + shape_text(c->dims) +
                        (c->is_float() ? "" : " integers"));
  return c->floats;
}

// A scalar given as a constant input (a one-element tensor).
bool scalar_input(Importer& im, const onnx::NodeProto& node, int i, const std::string& role,
                  float& value) {
  const Constant* c = im.constant_input(node, i, role);
  if (!c) return false;
  if (c->size() != 1)
    fail_node(node, "input '" + node.input(i) + "' (" + role + ") must be a scalar, is " +
                        shape_text(c->dims));
  value = c->is_float() ? c->floats[0] : static_cast<float>(c->ints[0]);
  return true;
}

void refuse_used_outputs(Importer& im, const onnx::NodeProto& node, const std::string& why) {
  for (int k = 1; k < node.output_size(); ++k)
    if (!node.output(k).empty() && im.is_used(node.output(k)))
      fail_node(node,
                "output " + std::to_string(k) + " ('" + node.output(k) + "') is used; " + why);
}

void refuse_extra_inputs(const onnx::NodeProto& node, int allowed, const std::string& why) {
  for (int k = allowed; k < node.input_size(); ++k)
    if (!node.input(k).empty())
      fail_node(node, "input " + std::to_string(k) + " ('" + node.input(k) + "') " + why);
}

}  // namespace

namespace {

// The four statistics inputs of BatchNormalization, as floats.
struct NormStatistics {
  const std::vector<float>* gamma;
  const std::vector<float>* beta;
  const std::vector<float>* mean;
  const std::vector<float>* var;
};

// Per-element (opsets 7-8, spatial = 0) normalization with [C, H, W]
// statistics: x * a + b, a Mul and an Add by constants of that shape.
void per_element_batch_norm(Importer& im, const onnx::NodeProto& node, const Dims& dims,
                            const NormStatistics& s, double epsilon) {
  Constant a, b;
  a.dims = b.dims = dims;
  a.floats.resize(s.gamma->size());
  b.floats.resize(s.gamma->size());
  for (size_t i = 0; i < a.floats.size(); ++i) {
    const double denominator = double((*s.var)[i]) + epsilon;
    if (!(denominator > 0.0))
      fail_node(node, "variance + epsilon of element " + std::to_string(i) + " is not positive");
    const double scale = double((*s.gamma)[i]) / std::sqrt(denominator);
    a.floats[i] = static_cast<float>(scale);
    b.floats[i] = static_cast<float>(double((*s.beta)[i]) - double((*s.mean)[i]) * scale);
  }
  const std::string& y = node.output(0);
  im.define_constant(y + "/scale", std::move(a));
  im.define_constant(y + "/shift", std::move(b));
  onnx::NodeProto mul;
  mul.set_op_type("Mul");
  mul.set_name(node.name() + "/scale");
  mul.add_input(node.input(0));
  mul.add_input(y + "/scale");
  mul.add_output(y + "/scaled");
  convert_mul(im, mul);
  onnx::NodeProto add;
  add.set_op_type("Add");
  add.set_name(node.name());
  add.add_input(y + "/scaled");
  add.add_input(y + "/shift");
  add.add_output(y);
  convert_add(im, add);
}

}  // namespace

// BatchNormalization at inference: a per-channel affine. Opsets 7-8 also
// have 'spatial' = 0, statistics per element ([C, H, W]); given per channel
// ([C]) it is the same as spatial = 1.
void convert_batch_norm(Importer& im, const onnx::NodeProto& node) {
  const bool per_element = find_attr(node, "spatial") && attr_int(node, "spatial", 1) == 0;
  if (per_element && im.opset() >= 9)
    fail_node(node, "attribute 'spatial' = 0 is not part of BatchNormalization from opset 9 on");
  if (attr_int(node, "training_mode", 0) != 0)
    fail_node(node, "attribute 'training_mode' = 1 is not supported (inference only)");
  refuse_used_outputs(im, node, "training outputs are not supported (inference only)");
  const ValueId x = im.value_input(node, 0);
  const Shape& in = im.shape_of(x);
  if (in.rank() != 4)
    fail_node(node, "input '" + node.input(0) + "' is " + in.str() +
                        "; only NCHW feature maps are supported");
  const int64_t channels = in.channels();
  const double epsilon = attr_float(node, "epsilon", 1e-5f);
  const Constant* first = im.constant_input(node, 1, "scale");
  if (per_element && first && first->dims.size() == 3) {
    const Dims dims{in.dims[1], in.dims[2], in.dims[3]};
    auto stat = [&](int i, const char* role) {
      const Constant* c = im.constant_input(node, i, role);
      if (!c || !c->is_float() || c->dims != dims)
        fail_node(node, "input " + std::to_string(i) + " (" + role + ") must be " +
                            Shape(dims).str() + " floats (spatial = 0)" +
                            (c ? ", is " + shape_text(c->dims) : ", is missing"));
      return &c->floats;
    };
    per_element_batch_norm(im, node, dims,
                           {stat(1, "scale"), stat(2, "B"), stat(3, "mean"), stat(4, "var")},
                           epsilon);
    return;
  }
  const std::vector<float>& gamma = channel_vector(im, node, 1, "scale", channels);
  const std::vector<float>& beta = channel_vector(im, node, 2, "B", channels);
  const std::vector<float>& mean = channel_vector(im, node, 3, "mean", channels);
  const std::vector<float>& var = channel_vector(im, node, 4, "var", channels);

  BatchNormAttrs b;
  b.scale.resize(static_cast<size_t>(channels));
  b.shift.resize(static_cast<size_t>(channels));
  for (size_t c = 0; c < b.scale.size(); ++c) {
    const double denominator = double(var[c]) + epsilon;
    if (!(denominator > 0.0))
      fail_node(node, "variance + epsilon of channel " + std::to_string(c) + " is not positive");
    const double scale = double(gamma[c]) / std::sqrt(denominator);
    b.scale[c] = static_cast<float>(scale);
    b.shift[c] = static_cast<float>(double(beta[c]) - double(mean[c]) * scale);
  }
  im.add_node(node, OpKind::kBatchNorm, {x}, std::move(b));
}

// LayerNormalization (opset 17) over its last axis: the axes from 'axis' on
// must hold one dim larger than 1 at most, the last, so that it normalizes
// one axis (kernels need that axis innermost in storage; see LayerNormAttrs).
void convert_layer_norm(Importer& im, const onnx::NodeProto& node) {
  refuse_used_outputs(im, node, "the saved mean and inverse deviation are not supported");
  const Dims in = dims_of(im, im.input(node, 0));
  const int64_t rank = static_cast<int64_t>(in.size());
  const int64_t axis = attr_int(node, "axis", -1);
  if (axis < -rank || axis >= rank)
    fail_node(node, "axis " + std::to_string(axis) + " is outside a rank-" +
                        std::to_string(rank) + " input");
  for (int64_t d = (axis + rank) % rank; d < rank - 1; ++d)
    if (in[d] != 1)
      fail_node(node, "normalizes the axes from " + std::to_string(axis) + " of " +
                          Shape(in).str() + "; only a normalization over the last axis is "
                          "supported");
  const int64_t n = in.back();
  auto affine = [&](int i, const std::string& role, float fallback) {
    if (!im.has_input(node, i)) return std::vector<float>(static_cast<size_t>(n), fallback);
    const Constant* c = im.constant_input(node, i, role);
    if (!c) fail_node(node, "input " + std::to_string(i) + " (" + role + ") must be a constant");
    if (!c->is_float() || c->size() != n)
      fail_node(node, "input '" + node.input(i) + "' (" + role + ") must hold " +
                          std::to_string(n) + " floats, is " + shape_text(c->dims));
    return c->floats;
  };
  LayerNormAttrs a;
  a.axis = -1;
  a.epsilon = attr_float(node, "epsilon", 1e-5f);
  a.scale = affine(1, "Scale", 1.0f);
  a.shift = affine(2, "B", 0.0f);
  if (layer_norm_on_channels_last(im, node, a)) return;
  im.add_node(node, OpKind::kLayerNorm, {im.value_input(node, 0)}, std::move(a));
}

void convert_relu(Importer& im, const onnx::NodeProto& node) {
  ActivationAttrs a;
  a.activation.kind = Activation::Kind::kRelu;
  im.add_node(node, OpKind::kActivation, {im.value_input(node, 0)}, std::move(a));
}

void convert_clip(Importer& im, const onnx::NodeProto& node) {
  ActivationAttrs a;
  a.activation.kind = Activation::Kind::kClip;
  a.activation.min = std::numeric_limits<float>::lowest();
  a.activation.max = std::numeric_limits<float>::max();
  if (im.opset() < 11) {
    refuse_extra_inputs(node, 1,
                        "is not part of Clip before opset 11 (min and max are attributes)");
    a.activation.min = attr_float(node, "min", a.activation.min);
    a.activation.max = attr_float(node, "max", a.activation.max);
  } else {
    refuse_attr(node, "min", "is not part of Clip from opset 11 on (min is input 1)");
    refuse_attr(node, "max", "is not part of Clip from opset 11 on (max is input 2)");
    refuse_extra_inputs(node, 3, "is not part of Clip");
    scalar_input(im, node, 1, "min", a.activation.min);
    scalar_input(im, node, 2, "max", a.activation.max);
  }
  im.add_node(node, OpKind::kActivation, {im.value_input(node, 0)}, std::move(a));
}

void convert_gemm(Importer& im, const onnx::NodeProto& node) {
  if (gemm_on_view(im, node)) return;
  if (attr_int(node, "transA", 0) != 0)
    fail_node(node, "attribute 'transA' = 1 is not supported (A must be the 1xK activation)");
  const ValueId a = im.value_input(node, 0);
  const Shape& in = im.shape_of(a);
  if (in.rank() != 2 || in.dims[0] != 1)
    fail_node(node, "input '" + node.input(0) + "' must be 1xK, is " + in.str());
  const int64_t k = in.dims[1];
  const bool trans_b = attr_int(node, "transB", 0) != 0;
  const float alpha = attr_float(node, "alpha", 1.0f);
  const float beta = attr_float(node, "beta", 1.0f);
  const Constant* b = im.constant_input(node, 1, "B");
  if (!b) fail_node(node, "input 1 (B) is missing");
  if (!b->is_float() || b->dims.size() != 2 || b->dims[trans_b ? 1 : 0] != k)
    fail_node(node, "input '" + node.input(1) + "' (B, " + shape_text(b->dims) +
                        (trans_b ? ", transB=1" : ", transB=0") + ") does not fit input " +
                        in.str());
  const int64_t n = b->dims[trans_b ? 0 : 1];

  GemmAttrs g;
  std::vector<float> w(static_cast<size_t>(n * k));
  for (int64_t o = 0; o < n; ++o)
    for (int64_t i = 0; i < k; ++i)
      w[o * k + i] = alpha * (trans_b ? b->floats[o * k + i] : b->floats[i * n + o]);
  g.weight = Tensor(Shape({n, k}), std::move(w));
  g.bias.assign(static_cast<size_t>(n), 0.0f);
  if (const Constant* c = im.constant_input(node, 2, "C")) {
    const bool scalar = c->size() == 1 && c->dims.size() <= 2;
    const bool row = c->size() == n && (c->dims == Dims{n} || c->dims == Dims{1, n});
    if (!c->is_float() || !(scalar || row))
      fail_node(node, "input '" + node.input(2) + "' (C, " + shape_text(c->dims) +
                          ") does not broadcast to 1x" + std::to_string(n));
    for (int64_t o = 0; o < n; ++o) g.bias[o] = beta * c->floats[scalar ? 0 : o];
  } else if (im.opset() < 11) {
    fail_node(node, "input 2 (C) is required before opset 11");
  }
  im.add_node(node, OpKind::kGemm, {a}, std::move(g));
}

// Pad-18's pads for the listed axes only (begins, then ends), as the pads of
// every axis (zeros for the others).
std::vector<int64_t> pads_over_all_axes(const onnx::NodeProto& node,
                                        const std::vector<int64_t>& pads,
                                        const std::vector<int64_t>& axes, int64_t rank) {
  if (pads.size() != 2 * axes.size())
    fail_node(node, "pads has " + std::to_string(pads.size()) + " values for " +
                        std::to_string(axes.size()) + " axes");
  std::vector<int64_t> all(static_cast<size_t>(2 * rank), 0);
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (size_t k = 0; k < axes.size(); ++k) {
    const int64_t a = normalize_axis(node, axes[k], rank, "axes value");
    if (seen[a]) fail_node(node, "axes has a repeated axis");
    seen[a] = true;
    all[a] = pads[k];
    all[rank + a] = pads[axes.size() + k];
  }
  return all;
}

void convert_pad(Importer& im, const onnx::NodeProto& node) {
  const std::string mode = attr_string(node, "mode", "constant");
  if (mode != "constant")
    fail_node(node, "attribute 'mode' = '" + mode + "' is not supported (only 'constant')");
  std::vector<int64_t> pads;
  float value = 0.0f;
  if (im.opset() < 11) {
    refuse_extra_inputs(node, 1, "is not part of Pad before opset 11 (pads is an attribute)");
    if (!find_attr(node, "pads")) fail_node(node, "attribute 'pads' is missing");
    pads = attr_ints(node, "pads");
    value = attr_float(node, "value", 0.0f);
  } else {
    refuse_attr(node, "pads", "is not part of Pad from opset 11 on (pads is input 1)");
    refuse_attr(node, "value", "is not part of Pad from opset 11 on (constant_value is input 2)");
    if (im.opset() < 18)
      refuse_extra_inputs(node, 3, "is not part of Pad before opset 18 (axes)");
    const Constant* p = im.constant_input(node, 1, "pads");
    if (!p) fail_node(node, "input 1 (pads) is missing");
    pads = constant_ints(node, *p, "pads");
    scalar_input(im, node, 2, "constant_value", value);
  }
  bool all_zero = true;
  for (int64_t p : pads) all_zero = all_zero && p == 0;
  if (all_zero) {  // any tensor, as it is (Swin pads to whole windows, often by nothing)
    im.alias_output(node, im.input(node, 0));
    return;
  }
  const ValueId x = im.value_input(node, 0);
  const Shape& in = im.shape_of(x);
  if (const Constant* axes = im.opset() >= 18 ? im.constant_input(node, 3, "axes") : nullptr)
    pads = pads_over_all_axes(node, pads, constant_ints(node, *axes, "axes"),
                              static_cast<int64_t>(in.rank()));
  if (in.rank() != 4)
    fail_node(node, "input '" + node.input(0) + "' is " + in.str() +
                        "; only NCHW feature maps can be padded");
  if (pads.size() != 8)
    fail_node(node, "pads has " + std::to_string(pads.size()) + " values; a rank-4 input needs 8");
  if (pads[0] != 0 || pads[4] != 0) fail_node(node, "pads on N must be 0");
  for (int64_t p : pads)
    if (p < 0) fail_node(node, "negative pads (cropping) are not supported");
  PadAttrs a;
  a.channels_begin = pads[1];
  a.top = pads[2];
  a.left = pads[3];
  a.channels_end = pads[5];
  a.bottom = pads[6];
  a.right = pads[7];
  a.value = value;
  im.add_node(node, OpKind::kPad, {x}, std::move(a));
}

void convert_lrn(Importer& im, const onnx::NodeProto& node) {
  if (!find_attr(node, "size")) fail_node(node, "attribute 'size' is missing");
  LrnAttrs a;
  a.size = attr_int(node, "size", 1);
  a.alpha = attr_float(node, "alpha", 1e-4f);
  a.beta = attr_float(node, "beta", 0.75f);
  a.bias = attr_float(node, "bias", 1.0f);
  im.add_node(node, OpKind::kLrn, {im.value_input(node, 0)}, a);
}

// ImageScaler (the Caffe2-era preprocessing op, opsets 1-9): scale * x +
// bias[c], one per-channel affine (a BatchNorm node).
void convert_image_scaler(Importer& im, const onnx::NodeProto& node) {
  const ValueId x = im.value_input(node, 0);
  const Shape& in = im.shape_of(x);
  if (in.rank() != 4) fail_node(node, "input must be a 1xCxHxW map, is " + in.str());
  BatchNormAttrs affine;
  affine.shift = attr_floats(node, "bias");
  if (affine.shift.empty()) affine.shift.assign(static_cast<size_t>(in.dims[1]), 0.0f);
  if (static_cast<int64_t>(affine.shift.size()) != in.dims[1])
    fail_node(node, "attribute 'bias' has " + std::to_string(affine.shift.size()) +
                        " values for " + std::to_string(in.dims[1]) + " channels");
  affine.scale.assign(affine.shift.size(), attr_float(node, "scale", 1.0f));
  im.add_node(node, OpKind::kBatchNorm, {x}, std::move(affine));
}

void convert_instance_norm(Importer& im, const onnx::NodeProto& node) {
  const ValueId x = im.value_input(node, 0);
  const Shape& in = im.shape_of(x);
  if (in.rank() != 4) fail_node(node, "input must be a 1xCxHxW map, is " + in.str());
  InstanceNormAttrs a;
  a.epsilon = attr_float(node, "epsilon", 1e-5f);
  for (int i : {1, 2}) {
    const char* role = i == 1 ? "scale" : "B";
    const Constant* c = im.constant_input(node, i, role);
    if (!c) fail_node(node, std::string("input ") + role + " is missing");
    if (c->size() != in.dims[1])
      fail_node(node, std::string("input '") + node.input(i) + "' (" + role + ") must hold " +
                          std::to_string(in.dims[1]) + " values, one per channel");
    (i == 1 ? a.scale : a.shift) = constant_floats(*c);
  }
  im.add_node(node, OpKind::kInstanceNorm, {x}, std::move(a));
}

void convert_depth_to_space(Importer& im, const onnx::NodeProto& node) {
  if (!find_attr(node, "blocksize")) fail_node(node, "attribute 'blocksize' is missing");
  const std::string mode = attr_string(node, "mode", "DCR");
  if (mode != "DCR" && mode != "CRD")
    fail_node(node, "attribute 'mode' = '" + mode + "' is not DCR or CRD");
  if (mode == "CRD" && im.opset() < 11)
    fail_node(node, "attribute 'mode' is not part of DepthToSpace before opset 11");
  im.add_node(node, OpKind::kDepthToSpace, {im.value_input(node, 0)},
              DepthSpaceAttrs{attr_int(node, "blocksize", 1), mode == "CRD"});
}

void convert_space_to_depth(Importer& im, const onnx::NodeProto& node) {
  if (!find_attr(node, "blocksize")) fail_node(node, "attribute 'blocksize' is missing");
  im.add_node(node, OpKind::kSpaceToDepth, {im.value_input(node, 0)},
              DepthSpaceAttrs{attr_int(node, "blocksize", 1), false});
}

void convert_identity(Importer& im, const onnx::NodeProto& node) {
  im.alias_output(node, im.input(node, 0));
}

void convert_dropout(Importer& im, const onnx::NodeProto& node) {
  refuse_used_outputs(im, node, "the dropout mask is not supported");
  if (im.opset() >= 12) {
    if (const Constant* t = im.constant_input(node, 2, "training_mode")) {
      const bool training =
          t->size() > 0 && (t->is_float() ? t->floats[0] != 0.0f : t->ints[0] != 0);
      // With a ratio of 0 (Swin exports its attention dropout so) nothing is dropped.
      const Constant* ratio = im.constant_input(node, 1, "ratio");
      const bool drops = !ratio || ratio->size() != 1 || constant_floats(*ratio)[0] != 0.0f;
      if (training && drops)
        fail_node(node, "input 'training_mode' is true; only inference is supported");
    }
  } else {
    refuse_extra_inputs(node, 1, "is not part of Dropout before opset 12");
  }
  im.alias_output(node, im.input(node, 0));
}

}  // namespace edgeflow::onnx_import
