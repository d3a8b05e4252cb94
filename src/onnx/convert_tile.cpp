// Converters of Tile, and of Expand of a tensor computed from the image: both
// are an IR Tile (Expand's broadcast repeats the input's dims of 1). Tile of a
// constant folds, charged to the import's budget of made constants; Expand of
// a constant is folded with the other constant ops (convert_constant_ops.cpp).
#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

Constant fold_tile(const onnx::NodeProto& node, const Constant& in, const Dims& repeats) {
  Dims out = in.dims;
  for (size_t i = 0; i < out.size(); ++i) out[i] *= repeats[i];
  const int64_t count =
      MadeConstantBudget::charge(node_label(node) + ": the result", out, element_bytes(in.type));
  Constant c;
  c.type = in.type;
  c.dims = out;
  const Dims in_strides = row_major_strides(in.dims);
  Dims at(out.size(), 0);
  for (int64_t e = 0; e < count; ++e) {
    int64_t from = 0;
    for (size_t i = 0; i < at.size(); ++i) from += (at[i] % in.dims[i]) * in_strides[i];
    if (in.is_float())
      c.floats.push_back(in.floats[static_cast<size_t>(from)]);
    else
      c.ints.push_back(in.ints[static_cast<size_t>(from)]);
    for (size_t i = at.size(); i-- > 0;) {
      if (++at[i] < out[i]) break;
      at[i] = 0;
    }
  }
  return c;
}

// The IR Tile of computed `x` by `repeats` (an alias when all are 1).
void add_tile(Importer& im, const onnx::NodeProto& node, const Dims& repeats) {
  const ValueId x = im.value_input(node, 0);
  const Shape& in = im.shape_of(x);
  if (repeats.size() != in.rank())
    fail_node(node, "has " + std::to_string(repeats.size()) + " repeats for the rank-" +
                        std::to_string(in.rank()) + " input " + in.str());
  if (repeats[0] != 1)
    fail_node(node, "repeating N (" + std::to_string(repeats[0]) + " times) is not supported "
                    "(batch 1 only)");
  if (std::all_of(repeats.begin(), repeats.end(), [](int64_t r) { return r == 1; }))
    return im.alias_output(node, im.input(node, 0));
  im.add_node(node, OpKind::kTile, {x}, TileAttrs{repeats});
}

}  // namespace

void convert_tile(Importer& im, const onnx::NodeProto& node) {
  const Constant* r = im.constant_input(node, 1, "repeats");
  if (!r) fail_node(node, "input 1 (repeats) is missing");
  const Dims repeats = constant_ints(node, *r, "repeats");
  for (int64_t k : repeats)
    if (k < 1) fail_node(node, "repeats " + Shape(repeats).str() + " must be positive");
  const Entry& in = im.input(node, 0);
  if (!in.is_constant()) return add_tile(im, node, repeats);
  if (repeats.size() != in.constant->dims.size())
    fail_node(node, "has " + std::to_string(repeats.size()) + " repeats for a rank-" +
                        std::to_string(in.constant->dims.size()) + " constant");
  im.define_constant(node.output(0), fold_tile(node, *in.constant, repeats));
}

void expand_computed(Importer& im, const onnx::NodeProto& node, const Dims& shape) {
  const Shape& in = im.shape_of(im.value_input(node, 0));
  if (shape.size() != in.rank())
    fail_node(node, "shape " + Shape(shape).str() + " changes the rank of the computed input " +
                        in.str() + " (Expand of a computed tensor keeps its rank)");
  Dims repeats(shape.size(), 1);
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == in.dims[i] || shape[i] == 1) continue;
    if (in.dims[i] != 1)
      fail_node(node, "shape " + Shape(shape).str() + " does not broadcast from " + in.str());
    repeats[i] = shape[i];
  }
  add_tile(im, node, repeats);
}

}  // namespace edgeflow::onnx_import
