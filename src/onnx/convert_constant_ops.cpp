// Converters of the ops that exporters put in shape, token and mask subgraphs
// only (a vision transformer's class-token Expand, a windowed transformer's
// masks): Equal, Less, Greater, Not, Mod, Where, Expand, Range, ScatterND. They fold to
// constants; an input computed from the image is refused naming the node
// (but for Expand, a Tile then: convert_tile.cpp).
#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

const Constant& constant_operand(Importer& im, const onnx::NodeProto& node, int i) {
  if (!im.has_input(node, i)) fail_node(node, "input " + std::to_string(i) + " is missing");
  const Entry& e = im.input(node, i);
  if (!e.is_constant())
    fail_node(node, "input '" + node.input(i) + "' is computed from the image; " +
                        node.op_type() + " is only supported on constants (shape and mask " +
                        "subgraphs)");
  return *e.constant;
}

void compare(Importer& im, const onnx::NodeProto& node, ConstantOp op) {
  im.define_constant(node.output(0), fold_compare(node, op, constant_operand(im, node, 0),
                                                  constant_operand(im, node, 1)));
}

}  // namespace

void convert_equal(Importer& im, const onnx::NodeProto& node) {
  compare(im, node, ConstantOp::kEqual);
}
void convert_less(Importer& im, const onnx::NodeProto& node) {
  compare(im, node, ConstantOp::kLess);
}
void convert_greater(Importer& im, const onnx::NodeProto& node) {
  compare(im, node, ConstantOp::kGreater);
}

void convert_not(Importer& im, const onnx::NodeProto& node) {
  Constant c = constant_operand(im, node, 0);
  if (c.is_float()) fail_node(node, "input '" + node.input(0) + "' must be a boolean tensor");
  for (int64_t& v : c.ints) v = v == 0;
  im.define_constant(node.output(0), std::move(c));
}

void convert_mod(Importer& im, const onnx::NodeProto& node) {
  const bool fmod = attr_int(node, "fmod", 0) != 0;
  const Constant& a = constant_operand(im, node, 0);
  const Constant& b = constant_operand(im, node, 1);
  if (!fmod && (a.is_float() || b.is_float()))
    fail_node(node, "attribute 'fmod' must be 1 for floating-point inputs");
  im.define_constant(node.output(0),
                     fold_binary(node, fmod ? ConstantOp::kFmod : ConstantOp::kMod, a, b));
}

void convert_where(Importer& im, const onnx::NodeProto& node) {
  im.define_constant(node.output(0),
                     fold_where(node, constant_operand(im, node, 0), constant_operand(im, node, 1),
                                constant_operand(im, node, 2)));
}

void convert_expand(Importer& im, const onnx::NodeProto& node) {
  const Constant& shape = constant_operand(im, node, 1);
  const Dims dims = constant_ints(node, shape, "shape");
  if (im.has_input(node, 0) && !im.input(node, 0).is_constant())
    return expand_computed(im, node, dims);  // convert_tile.cpp
  im.define_constant(node.output(0), fold_expand(node, constant_operand(im, node, 0), dims));
}

void convert_scatter_nd(Importer& im, const onnx::NodeProto& node) {
  const std::string reduction = attr_string(node, "reduction", "none");
  const bool known = reduction == "none" || (im.opset() >= 16 && (reduction == "add" ||
                                                                  reduction == "mul")) ||
                     (im.opset() >= 18 && (reduction == "max" || reduction == "min"));
  if (!known)
    fail_node(node, "attribute 'reduction' = '" + reduction + "' is not one of opset " +
                        std::to_string(im.opset()) + "'s");
  im.define_constant(node.output(0),
                     fold_scatter_nd(node, constant_operand(im, node, 0),
                                     constant_operand(im, node, 1),
                                     constant_operand(im, node, 2), reduction));
}

void convert_range(Importer& im, const onnx::NodeProto& node) {
  im.define_constant(node.output(0),
                     fold_range(node, constant_operand(im, node, 0), constant_operand(im, node, 1),
                                constant_operand(im, node, 2)));
}

}  // namespace edgeflow::onnx_import
