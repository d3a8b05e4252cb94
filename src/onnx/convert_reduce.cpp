// Converters of the reductions (ReduceMean, ReduceMax, ReduceMin, ReduceSum,
// ArgMax, ArgMin), Softmax and MatMul on computed tensors. Axes are stored counted from the
// end (the row axis is -2 at every rank), so the IR can tell a row-local
// reduction (over C, or W) from one over the rows (a whole unit).
#include <algorithm>
#include <set>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

// `axes` (any sign) as sorted distinct negative axes; all axes when empty.
std::vector<int64_t> end_axes(const onnx::NodeProto& node, std::vector<int64_t> axes,
                              int64_t rank) {
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  std::set<int64_t> out;
  for (int64_t a : axes)
    if (!out.insert(normalize_axis(node, a, rank, "axes value") - rank).second)
      fail_node(node, "axes has a repeated axis");
  return std::vector<int64_t>(out.begin(), out.end());
}

ReduceAttrs::Kind reduce_kind(const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  if (op == "ReduceMean") return ReduceAttrs::Kind::kMean;
  if (op == "ReduceMax") return ReduceAttrs::Kind::kMax;
  if (op == "ReduceMin") return ReduceAttrs::Kind::kMin;
  return ReduceAttrs::Kind::kSum;
}

// The reduction `r` of x as `node`'s output: dims kept, or (keepdims = 0)
// then dropped by a Reshape.
void add_reduce(Importer& im, const onnx::NodeProto& node, ValueId x, ReduceAttrs r) {
  const Shape& in = im.shape_of(x);
  const int64_t rank = static_cast<int64_t>(in.rank());
  if (attr_int(node, "keepdims", 1) != 0) {
    im.add_node(node, OpKind::kReduce, {x}, std::move(r));
    return;
  }
  // keepdims = 0: reduce with the dims kept, then drop them (a Reshape).
  Dims target;
  for (int64_t i = 0; i < rank; ++i)
    if (!std::binary_search(r.axes.begin(), r.axes.end(), i - rank)) target.push_back(in.dims[i]);
  onnx::NodeProto kept = node;
  kept.set_name(node.name() + "/keepdims");
  kept.set_output(0, node.output(0) + "/keepdims");
  Entry reduced;
  reduced.value = im.add_node(kept, OpKind::kReduce, {x}, std::move(r));
  reshape_value(im, node, reduced, target);
}

}  // namespace

void convert_reduce(Importer& im, const onnx::NodeProto& node) {
  const ValueId x = im.value_input(node, 0);
  const Shape& in = im.shape_of(x);
  const int64_t rank = static_cast<int64_t>(in.rank());
  std::vector<int64_t> axes;
  // Axes became input 1 in opset 13 for ReduceSum, in opset 18 for the others.
  const int64_t since = node.op_type() == "ReduceSum" ? 13 : 18;
  if (im.opset() >= since) {
    refuse_attr(node, "axes", "is not part of " + node.op_type() + " from opset " +
                                  std::to_string(since) + " on (axes is input 1)");
    if (const Constant* c = im.constant_input(node, 1, "axes")) axes = constant_ints(node, *c, "axes");
    if (axes.empty() && attr_int(node, "noop_with_empty_axes", 0) != 0) {
      im.alias_output(node, im.input(node, 0));
      return;
    }
  } else {
    if (im.has_input(node, 1))
      fail_node(node, "input 1 is not part of " + node.op_type() + " before opset 18");
    axes = attr_ints(node, "axes");
  }
  ReduceAttrs r;
  r.kind = reduce_kind(node);
  r.axes = end_axes(node, axes, rank);
  add_reduce(im, node, x, std::move(r));
}

// ArgMax / ArgMin over one axis, the one innermost in storage (a
// segmentation head's class per pixel: over the channels of a map).
void convert_arg_reduce(Importer& im, const onnx::NodeProto& node) {
  const ValueId x = im.value_input(node, 0);
  const Shape& in = im.shape_of(x);
  const int64_t rank = static_cast<int64_t>(in.rank());
  ReduceAttrs r;
  r.kind = node.op_type() == "ArgMax" ? ReduceAttrs::Kind::kArgMax : ReduceAttrs::Kind::kArgMin;
  if (im.opset() < 12)
    refuse_attr(node, "select_last_index", "is not part of " + node.op_type() +
                                               " before opset 12");
  r.select_last_index = attr_int(node, "select_last_index", 0) != 0;
  r.axes = {normalize_axis(node, attr_int(node, "axis", 0), rank, "attribute 'axis'") - rank};
  const int64_t innermost = rank == 4 ? -3 : -1;
  if (r.axes[0] != innermost)
    fail_node(node, "attribute 'axis' = " + std::to_string(attr_int(node, "axis", 0)) + " of " +
                        in.str() + " is not supported (" + node.op_type() + " is, over " +
                        (rank == 4 ? "the channels of a map: axis 1)" : "the last axis)"));
  add_reduce(im, node, x, std::move(r));
}

void convert_softmax(Importer& im, const onnx::NodeProto& node) {
  if (softmax_on_scores(im, node)) return;
  const ValueId x = im.value_input(node, 0);
  const int64_t rank = static_cast<int64_t>(im.shape_of(x).rank());
  const bool coerced = im.opset() < 13;
  const int64_t axis = normalize_axis(node, attr_int(node, "axis", coerced ? 1 : -1), rank,
                                      "attribute 'axis'");
  SoftmaxAttrs s;
  s.axis = axis - rank;
  s.coerced = coerced && s.axis != -1;  // over [axis, rank): one axis when it is the last
  im.add_node(node, OpKind::kSoftmax, {x}, s);
}

void convert_matmul(Importer& im, const onnx::NodeProto& node) {
  const Entry& a = im.input(node, 0);
  const Entry& b = im.input(node, 1);
  if (a.is_constant() && b.is_constant())
    fail_node(node, "both operands are constants; MatMul of constants is not folded");
  if (matmul_on_view(im, node) || matmul_of_views(im, node) || matmul_on_channels_last(im, node))
    return;
  MatMulAttrs m;
  std::vector<ValueId> inputs;
  for (int k = 0; k < 2; ++k) {
    const Entry& e = k == 0 ? a : b;
    if (!e.is_constant()) {
      inputs.push_back(im.value_input(node, k));
      continue;
    }
    const Constant& c = *e.constant;
    if (c.dims.size() < 2 || c.dims.size() > 4)
      fail_node(node, "constant operand '" + node.input(k) + "' is " + Shape(c.dims).str() +
                          "; MatMul operands of rank 2 to 4 are supported");
    m.constant_index = k;
    m.constant = Tensor(Shape(c.dims), constant_floats(c));
  }
  im.add_node(node, OpKind::kMatMul, std::move(inputs), std::move(m));
}

}  // namespace edgeflow::onnx_import
