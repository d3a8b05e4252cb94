// Converters of Constant and the shape ops (Shape, Gather, Slice, Split,
// Concat, Reshape, Flatten, Unsqueeze, Squeeze, Cast, ConstantOfShape). On
// constants they fold (so Shape -> Gather -> Unsqueeze -> Concat -> Reshape
// becomes one constant); on computed tensors only what the IR can run is
// accepted: a channel Concat of NCHW maps, a Concat along the rows (with
// constant blocks too), a Slice, Split or Gather of features or rows
// (convert_slices.cpp), Reshape-like ops as
// convert_layout.cpp allows them, and casts to float.
#include <algorithm>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

// The axes of Squeeze/Unsqueeze: an attribute before opset 13, input 1 from
// opset 13 on. `present` tells whether any were given.
std::vector<int64_t> axes_of(Importer& im, const onnx::NodeProto& node, bool& present) {
  if (im.opset() < 13) {
    for (int k = 1; k < node.input_size(); ++k)
      if (!node.input(k).empty())
        fail_node(node, "input " + std::to_string(k) +
                            " is not part of this op before opset 13 (axes is an attribute)");
    present = find_attr(node, "axes") != nullptr;
    return attr_ints(node, "axes");
  }
  refuse_attr(node, "axes", "is not part of this op from opset 13 on (axes is input 1)");
  const Constant* c = im.constant_input(node, 1, "axes");
  present = c != nullptr;
  return c ? constant_ints(node, *c, "axes") : std::vector<int64_t>{};
}

// Inputs and constants joined along the rows (a vision transformer's class
// token before its patch tokens).
void concat_rows(Importer& im, const onnx::NodeProto& node) {
  RowConcatAttrs attrs;
  std::vector<ValueId> values;
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty()) continue;
    const Entry& e = im.input(node, i);
    if (!e.is_constant()) {
      attrs.parts.push_back(static_cast<int64_t>(values.size()));
      values.push_back(im.value_input(node, i));
      continue;
    }
    const Constant& c = *e.constant;
    for (int64_t d : c.dims)
      if (d < 1) fail_node(node, "constant input '" + node.input(i) + "' is empty");
    const Shape shape(c.dims);
    attrs.parts.push_back(-1 - static_cast<int64_t>(attrs.constants.size()));
    attrs.constants.emplace_back(shape, nchw_to_storage(shape, constant_floats(c)));
  }
  im.add_node(node, OpKind::kRowConcat, std::move(values), std::move(attrs));
}

}  // namespace

void convert_constant(Importer& im, const onnx::NodeProto& node) {
  if (node.attribute_size() != 1)
    fail_node(node,
              "must have exactly one attribute, has " + std::to_string(node.attribute_size()));
  const onnx::AttributeProto& a = node.attribute(0);
  Constant c;
  if (a.name() == "value") {
    if (!a.has_t()) fail_node(node, "attribute 'value' must be a tensor");
    c = constant_from_proto(a.t(), node_label(node) + ": attribute 'value'");
  } else if (a.name() == "value_float") {
    c.floats = {attr_float(node, "value_float", 0.0f)};
  } else if (a.name() == "value_floats") {
    c.floats = attr_floats(node, "value_floats");
    c.dims = {static_cast<int64_t>(c.floats.size())};
  } else if (a.name() == "value_int") {
    c.type = Constant::Type::kInt64;
    c.ints = {attr_int(node, "value_int", 0)};
  } else if (a.name() == "value_ints") {
    c.type = Constant::Type::kInt64;
    c.ints = attr_ints(node, "value_ints");
    c.dims = {static_cast<int64_t>(c.ints.size())};
  } else if (a.name() == "sparse_value") {
    if (!a.has_sparse_tensor()) fail_node(node, "attribute 'sparse_value' must be a sparse tensor");
    c = dense_from_sparse(node, a.sparse_tensor());
  } else if (a.name() == "value_string" || a.name() == "value_strings") {
    // Strings feed no op EdgeFlow runs; an unused one is harmless.
    if (node.output_size() > 0 && im.is_used(node.output(0)))
      fail_node(node, "attribute '" + a.name() + "': string constants are not supported");
    return;
  } else {
    fail_node(node, "attribute '" + a.name() + "' is not supported");
  }
  if (node.output_size() < 1 || node.output(0).empty()) fail_node(node, "has no output");
  im.define_constant(node.output(0), std::move(c));
}

void convert_shape(Importer& im, const onnx::NodeProto& node) {
  const Dims& dims = dims_of(im, im.input(node, 0));
  const int64_t rank = static_cast<int64_t>(dims.size());
  int64_t start = 0, end = rank;
  if (im.opset() >= 15) {
    start = attr_int(node, "start", 0);
    end = attr_int(node, "end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, 0, rank);
  } else {
    refuse_attr(node, "start", "is not part of Shape before opset 15");
    refuse_attr(node, "end", "is not part of Shape before opset 15");
  }
  Constant c;
  c.type = Constant::Type::kInt64;
  if (end > start) c.ints.assign(dims.begin() + start, dims.begin() + end);
  c.dims = {static_cast<int64_t>(c.ints.size())};
  im.define_constant(node.output(0), std::move(c));
}

void convert_gather(Importer& im, const onnx::NodeProto& node) {
  const Entry& data = im.input(node, 0);
  const Constant* indices = im.constant_input(node, 1, "indices");
  if (!indices) fail_node(node, "input 1 (indices) is missing");
  const int64_t axis = attr_int(node, "axis", 0);
  if (!data.is_constant()) return gather_channels(im, node, *indices, axis);
  im.define_constant(node.output(0), fold_gather(node, *data.constant, *indices, axis));
}

void convert_slice(Importer& im, const onnx::NodeProto& node) {
  const Entry& data = im.input(node, 0);
  std::vector<int64_t> starts, ends, axes, steps;
  if (im.opset() < 10) {
    for (int k = 1; k < node.input_size(); ++k)
      if (!node.input(k).empty())
        fail_node(node,
                  "input " + std::to_string(k) +
                      " is not part of Slice before opset 10 (starts/ends/axes are attributes)");
    if (!find_attr(node, "starts") || !find_attr(node, "ends"))
      fail_node(node, "attributes 'starts' and 'ends' are required");
    starts = attr_ints(node, "starts");
    ends = attr_ints(node, "ends");
    axes = attr_ints(node, "axes");
  } else {
    for (const char* name : {"starts", "ends", "axes"})
      refuse_attr(node, name, "is not part of Slice from opset 10 on (it is an input)");
    const char* roles[] = {"starts", "ends", "axes", "steps"};
    std::vector<int64_t>* lists[] = {&starts, &ends, &axes, &steps};
    for (int k = 0; k < 4; ++k) {
      const Constant* c = im.constant_input(node, k + 1, roles[k]);
      if (!c && k < 2) fail_node(node, std::string("input ") + roles[k] + " is missing");
      if (c) *lists[k] = constant_ints(node, *c, roles[k]);
    }
  }
  if (slice_channels_last(im, node, starts, ends, axes, steps)) return;
  if (!data.is_constant()) return slice_channels(im, node, starts, ends, axes, steps);
  im.define_constant(node.output(0), fold_slice(node, *data.constant, starts, ends, axes, steps));
}

void convert_concat(Importer& im, const onnx::NodeProto& node) {
  if (!find_attr(node, "axis")) fail_node(node, "attribute 'axis' is missing");
  const int64_t axis = attr_int(node, "axis", 0);
  std::vector<const Entry*> inputs;
  int constants = 0;
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty()) continue;
    inputs.push_back(&im.input(node, i));
    constants += inputs.back()->is_constant();
  }
  if (inputs.empty()) fail_node(node, "has no inputs");
  if (constants == static_cast<int>(inputs.size())) {
    std::vector<const Constant*> parts;
    for (const Entry* e : inputs) parts.push_back(e->constant.get());
    im.define_constant(node.output(0), fold_concat(node, parts, axis));
    return;
  }
  if (concat_channels_last(im, node, axis)) return;
  const int64_t rank = static_cast<int64_t>(dims_of(im, *inputs[0]).size());
  if ((rank == 3 || rank == 4) &&
      normalize_axis(node, axis, rank, "attribute 'axis'") == rank - 2)
    return concat_rows(im, node);
  if (constants > 0)
    fail_node(node, "concatenating constants with computed tensors is only supported along "
                    "the rows (axis 1 of 1xTxC tokens, axis 2 of maps)");
  std::vector<ValueId> values;
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty()) continue;
    const ValueId v = im.value_input(node, i);
    const Shape& s = im.shape_of(v);
    if (s.rank() != 4)
      fail_node(node, "input of shape " + s.str() +
                          " is not supported; only NCHW feature maps are concatenated");
    values.push_back(v);
  }
  if (normalize_axis(node, axis, 4, "attribute 'axis'") != 1)
    fail_node(node, "attribute 'axis' = " + std::to_string(axis) +
                        " is not supported; only channels (axis 1 or -3) or rows (axis 2) of NCHW "
                        "maps");
  if (values.size() == 1) {
    im.alias_output(node, *inputs[0]);
    return;
  }
  im.add_node(node, OpKind::kConcat, std::move(values), std::monostate{});
}

void convert_reshape(Importer& im, const onnx::NodeProto& node) {
  const Entry& data = im.input(node, 0);
  const Constant* shape = im.constant_input(node, 1, "shape");
  if (!shape) fail_node(node, "input 1 (shape) is missing");
  bool allowzero = false;
  if (im.opset() >= 14)
    allowzero = attr_int(node, "allowzero", 0) != 0;
  else
    refuse_attr(node, "allowzero", "is not part of Reshape before opset 14");
  const Dims target =
      reshape_dims(node, dims_of(im, data), constant_ints(node, *shape, "shape"), allowzero);
  if (data.is_constant())
    im.define_constant(node.output(0), with_dims(*data.constant, target));
  else
    reshape_value(im, node, data, target);
}

void convert_flatten(Importer& im, const onnx::NodeProto& node) {
  const Entry& data = im.input(node, 0);
  const Dims& in = dims_of(im, data);
  const int64_t rank = static_cast<int64_t>(in.size());
  int64_t axis = attr_int(node, "axis", 1);
  if (axis < -rank || axis > rank)
    fail_node(node, "attribute 'axis' = " + std::to_string(axis) + " is out of range for rank " +
                        std::to_string(rank));
  if (axis < 0) axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i) (i < axis ? outer : inner) *= in[i];
  const Dims target = {outer, inner};
  if (data.is_constant())
    im.define_constant(node.output(0), with_dims(*data.constant, target));
  else
    reshape_value(im, node, data, target);
}

void convert_unsqueeze(Importer& im, const onnx::NodeProto& node) {
  const Entry& data = im.input(node, 0);
  bool present = false;
  const std::vector<int64_t> axes = axes_of(im, node, present);
  if (!present) fail_node(node, "axes are missing");
  const Dims target = unsqueeze_dims(node, dims_of(im, data), axes);
  if (data.is_constant())
    im.define_constant(node.output(0), with_dims(*data.constant, target));
  else
    reshape_value(im, node, data, target);
}

void convert_squeeze(Importer& im, const onnx::NodeProto& node) {
  const Entry& data = im.input(node, 0);
  bool present = false;
  const std::vector<int64_t> axes = axes_of(im, node, present);
  const Dims target = squeeze_dims(node, dims_of(im, data), axes);
  if (data.is_constant())
    im.define_constant(node.output(0), with_dims(*data.constant, target));
  else
    reshape_value(im, node, data, target);
}

void convert_cast(Importer& im, const onnx::NodeProto& node) {
  const Entry& data = im.input(node, 0);
  if (!find_attr(node, "to")) fail_node(node, "attribute 'to' is missing");
  const int64_t to = attr_int(node, "to", 0);
  if (data.is_constant()) {
    im.define_constant(node.output(0), fold_cast(node, *data.constant, to));
    return;
  }
  if (to != onnx::TensorProto::FLOAT)
    fail_node(node, std::string("casting the computed tensor '") + node.input(0) + "' to " +
                        data_type_name(static_cast<int32_t>(to)) + " is not supported");
  im.alias_output(node, data);
}

void convert_split(Importer& im, const onnx::NodeProto& node) {
  const Entry& data = im.input(node, 0);
  const Dims& dims = dims_of(im, data);
  const int64_t axis =
      normalize_axis(node, attr_int(node, "axis", 0), static_cast<int64_t>(dims.size()),
                     "attribute 'axis'");
  std::vector<int64_t> split;
  if (im.opset() >= 13) {
    refuse_attr(node, "split", "is not part of Split from opset 13 on (split is input 1)");
    if (const Constant* c = im.constant_input(node, 1, "split")) split = constant_ints(node, *c, "split");
  } else {
    split = attr_ints(node, "split");
  }
  const int outputs = node.output_size();
  if (im.opset() >= 18 && find_attr(node, "num_outputs")) {
    // Opset 18: parts of ceil(dim / n), the last one smaller.
    if (!split.empty()) fail_node(node, "has both 'split' and 'num_outputs'");
    if (attr_int(node, "num_outputs", 0) != outputs)
      fail_node(node, "attribute 'num_outputs' = " +
                          std::to_string(attr_int(node, "num_outputs", 0)) + " for " +
                          std::to_string(outputs) + " outputs");
    const int64_t part = (dims[axis] + outputs - 1) / outputs;
    for (int k = 0; k < outputs; ++k)
      split.push_back(std::max<int64_t>(0, std::min(part, dims[axis] - k * part)));
  } else if (split.empty()) {
    if (dims[axis] % outputs != 0)
      fail_node(node, "dim " + std::to_string(dims[axis]) + " does not split into " +
                          std::to_string(outputs) + " equal parts");
    split.assign(static_cast<size_t>(outputs), dims[axis] / outputs);
  }
  if (static_cast<int>(split.size()) != outputs)
    fail_node(node, "split has " + std::to_string(split.size()) + " parts for " +
                        std::to_string(outputs) + " outputs");
  int64_t total = 0;
  for (int64_t part : split) {
    if (part < 0 || part > dims[axis])
      fail_node(node, "split has a part of " + std::to_string(part) + " for a dim of " +
                          std::to_string(dims[axis]));
    total += part;
  }
  if (total != dims[axis])
    fail_node(node, "split parts add up to " + std::to_string(total) + ", the dim is " +
                        std::to_string(dims[axis]));
  if (!data.is_constant()) return split_channels(im, node, axis, split);
  int64_t start = 0;
  for (int k = 0; k < outputs; ++k) {
    const Constant part = fold_slice(node, *data.constant, {start}, {start + split[k]}, {axis}, {});
    start += split[k];
    if (!node.output(k).empty()) im.define_constant(node.output(k), part);
  }
}

void convert_constant_of_shape(Importer& im, const onnx::NodeProto& node) {
  const Constant* shape = im.constant_input(node, 0, "shape");
  if (!shape) fail_node(node, "input 0 (shape) is missing");
  Dims dims = constant_ints(node, *shape, "shape");
  Constant value;
  value.floats = {0.0f};
  if (const onnx::AttributeProto* a = find_attr(node, "value")) {
    if (!a->has_t()) fail_node(node, "attribute 'value' must be a tensor");
    value = constant_from_proto(a->t(), node_label(node) + ": attribute 'value'");
    if (value.size() != 1) fail_node(node, "attribute 'value' must hold one element");
  }
  const size_t count = static_cast<size_t>(
      MadeConstantBudget::charge(node_label(node) + ": shape", dims, element_bytes(value.type)));
  Constant c;
  c.dims = dims;
  c.type = value.type;
  if (value.is_float())
    c.floats.assign(count, value.floats[0]);
  else
    c.ints.assign(count, value.ints[0]);
  im.define_constant(node.output(0), std::move(c));
}

}  // namespace edgeflow::onnx_import
