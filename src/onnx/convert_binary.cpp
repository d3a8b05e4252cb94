// Converters of Add, Sub, Mul, Div and Pow with ONNX (numpy) broadcasting,
// of Sum, Mean, Max and Min of any number of inputs (a chain of binary steps,
// Mean a Sum times 1/n), and of PRelu (its slope a constant operand
// broadcast to x):
//   two constants                 -> folded
//   two computed maps             -> kBinary (broadcasting as ONNX does)
//   computed and constant         -> kBinary holding the constant, its dims
//                                    padded to the output's rank, stored as
//                                    the output's storage order (NHWC for maps)
//   Pow(x, scalar constant)       -> kActivation kPow (a oneDNN eltwise)
//   PRelu(x, constant slope)      -> kPRelu holding the slope as a constant operand
//   a strided view and a constant -> kBinary on the view's base (convert_views.cpp)
//   channels-last maps            -> kBinary on the maps (convert_channels_last.cpp)
// Broadcast computed operands (an SE block's [1, C, 1, 1] scale) are read
// whole by every row slice (their row map is [0, 1)).
#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

// The constant as a float tensor of rank `rank`, in storage order.
Tensor constant_operand(const onnx::NodeProto& node, const Constant& c, size_t rank) {
  if (c.dims.size() > rank)
    fail_node(node, "the constant operand (" + Shape(c.dims).str() +
                        ") has a higher rank than the computed one; such a broadcast is not "
                        "supported");
  Dims dims(rank - c.dims.size(), 1);
  dims.insert(dims.end(), c.dims.begin(), c.dims.end());
  for (int64_t d : dims)
    if (d < 1) fail_node(node, "the constant operand " + Shape(c.dims).str() + " is empty");
  const Shape shape(dims);
  return Tensor(shape, nchw_to_storage(shape, constant_floats(c)));
}

void binary(Importer& im, const onnx::NodeProto& node, BinaryAttrs::Kind kind, ConstantOp op) {
  if (node.input_size() != 2 || node.input(0).empty() || node.input(1).empty())
    fail_node(node, "must have 2 inputs");
  const Entry& a = im.input(node, 0);
  const Entry& b = im.input(node, 1);
  if (a.is_constant() && b.is_constant()) {
    im.define_constant(node.output(0), fold_binary(node, op, *a.constant, *b.constant));
    return;
  }
  if (binary_on_view(im, node, kind) || binary_on_channels_last(im, node, kind) ||
      (kind == BinaryAttrs::Kind::kAdd && add_to_scores(im, node)))
    return;
  BinaryAttrs attrs;
  attrs.kind = kind;
  std::vector<ValueId> inputs;
  if (a.is_constant() || b.is_constant()) {
    attrs.constant_index = a.is_constant() ? 0 : 1;
    const ValueId x = im.value_input(node, 1 - attrs.constant_index);
    const Constant& c = *(a.is_constant() ? a.constant : b.constant);
    if (kind == BinaryAttrs::Kind::kPow && attrs.constant_index == 1 && c.size() == 1 &&
        c.dims.size() <= im.shape_of(x).rank()) {
      Activation p;
      p.kind = Activation::Kind::kPow;
      p.alpha = constant_floats(c)[0];
      im.add_node(node, OpKind::kActivation, {x}, ActivationAttrs{p});
      return;
    }
    attrs.constant = constant_operand(node, c, std::max(c.dims.size(), im.shape_of(x).rank()));
    inputs = {x};
  } else {
    inputs = {im.value_input(node, 0), im.value_input(node, 1)};
  }
  im.add_node(node, OpKind::kBinary, std::move(inputs), std::move(attrs));
}

}  // namespace

void convert_add(Importer& im, const onnx::NodeProto& node) {
  binary(im, node, BinaryAttrs::Kind::kAdd, ConstantOp::kAdd);
}
void convert_sub(Importer& im, const onnx::NodeProto& node) {
  binary(im, node, BinaryAttrs::Kind::kSub, ConstantOp::kSub);
}
void convert_mul(Importer& im, const onnx::NodeProto& node) {
  binary(im, node, BinaryAttrs::Kind::kMul, ConstantOp::kMul);
}
void convert_div(Importer& im, const onnx::NodeProto& node) {
  binary(im, node, BinaryAttrs::Kind::kDiv, ConstantOp::kDiv);
}
void convert_pow(Importer& im, const onnx::NodeProto& node) {
  binary(im, node, BinaryAttrs::Kind::kPow, ConstantOp::kPow);
}

namespace {

// Sum, Mean, Max, Min: the inputs folded left to right by `kind`, each step a
// binary node of its own (so constants, views and broadcasting work as for
// Add); Mean then multiplies by 1/n.
void variadic(Importer& im, const onnx::NodeProto& node, BinaryAttrs::Kind kind, ConstantOp op,
              bool mean) {
  std::vector<std::string> inputs;
  for (const std::string& in : node.input())
    if (!in.empty()) inputs.push_back(in);
  if (inputs.empty()) fail_node(node, "has no inputs");
  if (inputs.size() == 1 && !mean) return im.alias_output(node, im.input(node, 0));
  std::string acc = inputs[0];
  const size_t steps = inputs.size() - 1 + (mean ? 1 : 0);
  for (size_t k = 1; k <= steps; ++k) {
    onnx::NodeProto step;
    step.set_op_type(node.op_type());
    step.set_name(k == steps ? node.name() : node.name() + "/step" + std::to_string(k));
    step.add_output(k == steps ? node.output(0) : node.output(0) + "/step" + std::to_string(k));
    step.add_input(acc);
    if (k < inputs.size()) {
      step.add_input(inputs[k]);
      binary(im, step, kind, op);
    } else {  // Mean: the sum times 1/n
      Constant inverse;
      inverse.floats = {1.0f / static_cast<float>(inputs.size())};
      const std::string name = node.output(0) + "/inverse_count";
      im.define_constant(name, std::move(inverse));
      step.add_input(name);
      binary(im, step, BinaryAttrs::Kind::kMul, ConstantOp::kMul);
    }
    acc = step.output(0);
  }
}

}  // namespace

void convert_sum(Importer& im, const onnx::NodeProto& node) {
  variadic(im, node, BinaryAttrs::Kind::kAdd, ConstantOp::kAdd, false);
}
void convert_mean(Importer& im, const onnx::NodeProto& node) {
  variadic(im, node, BinaryAttrs::Kind::kAdd, ConstantOp::kAdd, true);
}
void convert_max(Importer& im, const onnx::NodeProto& node) {
  variadic(im, node, BinaryAttrs::Kind::kMax, ConstantOp::kMax, false);
}
void convert_min(Importer& im, const onnx::NodeProto& node) {
  variadic(im, node, BinaryAttrs::Kind::kMin, ConstantOp::kMin, false);
}

void convert_prelu(Importer& im, const onnx::NodeProto& node) {
  if (node.input_size() != 2 || node.input(0).empty() || node.input(1).empty())
    fail_node(node, "must have 2 inputs (X, slope)");
  const Entry& slope = im.input(node, 1);
  if (im.input(node, 0).is_constant()) fail_node(node, "a constant input X is not supported");
  if (!slope.is_constant())
    fail_node(node, "the slope must be a constant (an initializer), not computed");
  const ValueId x = im.value_input(node, 0);
  PReluAttrs attrs;
  attrs.slope = constant_operand(node, *slope.constant, im.shape_of(x).rank());
  im.add_node(node, OpKind::kPRelu, {x}, std::move(attrs));
}

}  // namespace edgeflow::onnx_import
