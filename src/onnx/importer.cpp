// The import driver: file -> ModelProto -> checks -> converters in
// topological order -> IR passes. Also the Importer state that maps ONNX
// tensor names to IR values or constants, and the image input's shape.
#include <memory>
#include <optional>
#include <set>

#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"
#include "edgeflow/onnx_import.h"
#include "onnx_internal.h"

namespace edgeflow {
namespace onnx_import {

Importer::Importer(onnx::GraphProto& graph, int64_t opset) : opset_(opset) {
  for (onnx::TensorProto& t : *graph.mutable_initializer()) initializers_[t.name()] = &t;
  for (const onnx::NodeProto& n : graph.node())
    for (const std::string& in : n.input()) used_.insert(in);
  for (const onnx::ValueInfoProto& out : graph.output()) used_.insert(out.name());
}

const Entry* Importer::find(const std::string& name) {
  auto it = entries_.find(name);
  if (it != entries_.end()) return &it->second;
  auto init = initializers_.find(name);
  if (init == initializers_.end()) return nullptr;
  Entry e;
  onnx::TensorProto& t = *init->second;
  e.constant =
      std::make_shared<const Constant>(constant_from_proto(t, "initializer '" + name + "'"));
  // The proto's copy of the data is not read again: free it now, so that a
  // big model is not held three times over.
  std::unique_ptr<std::string>(t.release_raw_data());  // clear() would keep the capacity
  google::protobuf::RepeatedField<float>().Swap(t.mutable_float_data());
  google::protobuf::RepeatedField<int64_t>().Swap(t.mutable_int64_data());
  google::protobuf::RepeatedField<int32_t>().Swap(t.mutable_int32_data());
  return &entries_.emplace(name, std::move(e)).first->second;
}

bool Importer::has_input(const onnx::NodeProto& node, int i) const {
  return i < node.input_size() && !node.input(i).empty();
}

const Entry& Importer::input(const onnx::NodeProto& node, int i) {
  if (!has_input(node, i)) fail_node(node, "input " + std::to_string(i) + " is missing");
  const Entry* e = find(node.input(i));
  if (!e)
    fail_node(node, "input '" + node.input(i) +
                        "' is not defined (or is a sparse initializer, which is not supported)");
  return *e;
}

const Constant* Importer::constant_input(const onnx::NodeProto& node, int i,
                                         const std::string& role) {
  if (!has_input(node, i)) return nullptr;
  const Entry& e = input(node, i);
  if (!e.is_constant())
    fail_node(node, "input '" + node.input(i) + "' (" + role +
                        ") must be a constant (an initializer or a Constant), but is computed at "
                        "run time");
  return e.constant.get();
}

ValueId Importer::value_input(const onnx::NodeProto& node, int i) {
  const Entry& e = input(node, i);
  if (e.is_view())
    fail_node(node, "input '" + node.input(i) + "' is a " + Shape(e.view->dims).str() +
                        " regrouping of the channels of '" + graph_.values[e.view->base].name +
                        "'; such a rank-" + std::to_string(e.view->dims.size()) +
                        " tensor is only supported when it is transposed on its channel groups "
                        "and reshaped back to NCHW (a channel shuffle)");
  if (e.is_constant())
    fail_node(node, "input '" + node.input(i) +
                        "' is a constant; this op is only supported on tensors computed from the "
                        "image");
  if (e.is_scores())
    fail_node(node, "input '" + node.input(i) + "' is the attention scores of '" +
                        graph_.values[e.scores->q].name + "' and '" +
                        graph_.values[e.scores->k].name +
                        "'; they are only supported when a Softmax over the keys and a MatMul "
                        "with the values follow");
  if (e.is_strided() || e.is_channels_last()) {
    auto done = materialized_.find(node.input(i));
    if (done != materialized_.end()) return done->second;
    const ValueId v = e.is_strided()
                          ? materialize(*this, node, node.input(i), *e.strided)
                          : materialize_channels_last(*this, node, node.input(i), *e.channels_last);
    materialized_[node.input(i)] = v;
    return v;
  }
  return e.value;
}

void Importer::define(const std::string& name, Entry entry) { entries_[name] = std::move(entry); }

void Importer::define_constant(const std::string& name, Constant constant) {
  Entry e;
  e.constant = std::make_shared<const Constant>(std::move(constant));
  entries_[name] = std::move(e);
}

void Importer::alias_output(const onnx::NodeProto& node, const Entry& entry) {
  if (node.output_size() < 1 || node.output(0).empty()) fail_node(node, "has no output");
  Entry copy = entry;  // `entry` may live in entries_
  define(node.output(0), std::move(copy));
}

ValueId Importer::add_node(const onnx::NodeProto& node, OpKind op, std::vector<ValueId> inputs,
                           NodeAttrs attrs, int output) {
  if (node.output_size() <= output || node.output(output).empty())
    fail_node(node, "has no output " + std::to_string(output));
  Node n;
  n.name = output == 0 ? node.name() : node.name() + "/out" + std::to_string(output);
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  Shape shape;
  try {
    shape = infer_output_shape(graph_, n);
  } catch (const Error& e) {
    // Re-label with the ONNX op type: "node 'p' (Pool): x" -> "... (MaxPool): x".
    std::string message = e.what();
    const std::string prefix = "node '" + n.name + "' (" + op_name(op) + "): ";
    if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
    fail_node(node, message);
  }
  const ValueId id = static_cast<ValueId>(graph_.values.size());
  n.output = id;
  Value v;
  v.name = node.output(output);
  v.shape = std::move(shape);
  v.producer = static_cast<int>(graph_.nodes.size());
  graph_.values.push_back(std::move(v));
  graph_.nodes.push_back(std::move(n));
  Entry e;
  e.value = id;
  define(node.output(output), std::move(e));
  return id;
}

ValueId Importer::add_input(const std::string& name, const Shape& shape) {
  const ValueId id = static_cast<ValueId>(graph_.values.size());
  Value v;
  v.name = name;
  v.shape = shape;
  graph_.values.push_back(std::move(v));
  graph_.input = id;
  Entry e;
  e.value = id;
  define(name, std::move(e));
  return id;
}

const Dims& dims_of(Importer& im, const Entry& e) {
  if (e.is_constant()) return e.constant->dims;
  if (e.is_view()) return e.view->dims;
  if (e.is_strided()) return e.strided->dims;
  if (e.is_scores()) return e.scores->dims;
  if (e.is_channels_last()) return e.channels_last->dims;
  return im.shape_of(e.value).dims;
}

namespace {

std::string dims_text(const Dims& d) { return Shape(d).str(); }

std::string declared_text(const onnx::TensorShapeProto& shape) {
  std::string s;
  for (int i = 0; i < shape.dim_size(); ++i) {
    const auto& d = shape.dim(i);
    s += i ? "x" : "";
    if (d.has_dim_value() && d.dim_value() > 0)
      s += std::to_string(d.dim_value());
    else if (d.has_dim_param() && !d.dim_param().empty())
      s += d.dim_param();
    else
      s += "?";
  }
  return s;
}

// The static NCHW shape of the image input: the model's dims, with dynamic
// ones taken from --input-shape (which must agree with the static ones).
Shape resolve_input_shape(const onnx::ValueInfoProto& input, const ImportOptions& options) {
  const std::string label = "onnx: input '" + input.name() + "'";
  if (!input.type().has_tensor_type()) fail_input(label + " is not a tensor");
  const onnx::TypeProto::Tensor& type = input.type().tensor_type();
  if (type.elem_type() != onnx::TensorProto::FLOAT)
    fail_input(label + " has type " + data_type_name(type.elem_type()) +
               "; only FLOAT images are supported");
  const std::optional<Dims>& given = options.input_shape;
  if (given) {
    if (given->size() != 4)
      fail_input("--input-shape " + dims_text(*given) + " has " + std::to_string(given->size()) +
                 " dims; expected NxCxHxW");
    for (int64_t d : *given)
      if (d < 1) fail_input("--input-shape " + dims_text(*given) + " has a dim below 1");
    if ((*given)[0] != 1)
      fail_input("--input-shape " + dims_text(*given) +
                 ": N must be 1 (batches run through the cluster as requests in flight)");
  }
  if (!type.has_shape()) {
    if (given) return Shape(*given);
    fail_input(label + " declares no shape; pass --input-shape NxCxHxW");
  }
  const onnx::TensorShapeProto& declared = type.shape();
  if (declared.dim_size() != 4)
    fail_input(label + " has rank " + std::to_string(declared.dim_size()) + " (" +
               declared_text(declared) + "); only NCHW images (rank 4) are supported");
  static const char* kDimNames[] = {"N", "C", "H", "W"};
  Dims dims(4);
  std::string dynamic;
  for (int k = 0; k < 4; ++k) {
    const auto& d = declared.dim(k);
    if (d.has_dim_value() && d.dim_value() > 0) {
      dims[k] = d.dim_value();
      if (given && (*given)[k] != dims[k])
        fail_input("--input-shape " + dims_text(*given) + " does not match " + label.substr(6) +
                   " (" + declared_text(declared) + "): " + kDimNames[k] + " is " +
                   std::to_string(dims[k]) + ", not " + std::to_string((*given)[k]));
    } else if (given) {
      dims[k] = (*given)[k];
    } else {
      dynamic += dynamic.empty() ? "" : ", ";
      dynamic += d.has_dim_param() && !d.dim_param().empty()
                     ? "'" + d.dim_param() + "'"
                     : std::string("unnamed ") + kDimNames[k];
    }
  }
  if (!dynamic.empty())
    fail_input(label + " has dynamic dim " + dynamic + "; pass --input-shape NxCxHxW");
  int64_t elements = 1;
  for (int64_t d : dims) {
    if (d > (int64_t(1) << 31) / elements)
      fail_input(label + " of shape " + dims_text(dims) + " has more than 2^31 elements");
    elements *= d;
  }
  if (dims[0] != 1)
    fail_input(label + " has N = " + std::to_string(dims[0]) +
               "; N must be 1 (batches run through the cluster as requests in flight)");
  return Shape(dims);
}

Graph import_model(onnx::ModelProto& model, const std::string& name, const ImportOptions& options) {
  const int64_t opset = default_opset(model, name);
  onnx::GraphProto& g = *model.mutable_graph();
  name_nodes(g);
  check_supported_ops(g, opset);
  const std::vector<int> order = check_and_sort(g);
  check_spatial_dims(g);

  std::set<std::string> initializer_names;
  for (const onnx::TensorProto& t : g.initializer()) initializer_names.insert(t.name());
  std::vector<const onnx::ValueInfoProto*> images;
  for (const onnx::ValueInfoProto& v : g.input())
    if (!initializer_names.count(v.name())) images.push_back(&v);
  if (images.size() != 1) {
    std::string names;
    for (const auto* v : images) names += (names.empty() ? "'" : ", '") + v->name() + "'";
    fail_input("onnx: the model has " + std::to_string(images.size()) +
               " inputs that are not initializers" + (names.empty() ? "" : " (" + names + ")") +
               "; exactly one image input is supported");
  }

  Importer importer(g, opset);
  importer.add_input(images[0]->name(), resolve_input_shape(*images[0], options));
  for (int i : order) find_op(g.node(i))->convert(importer, g.node(i));

  Graph& graph = importer.graph();
  graph.opset = opset;
  if (g.output_size() == 0) fail_input("onnx: the model has no outputs");
  for (const onnx::ValueInfoProto& out : g.output()) {
    const Entry* e = importer.find(out.name());
    if (!e) fail_input("onnx: graph output '" + out.name() + "' is not produced by any node");
    if (e->is_constant())
      fail_input("onnx: graph output '" + out.name() +
                 "' is a constant; it does not depend on the input");
    if (e->is_view())
      fail_input("onnx: graph output '" + out.name() + "' is a " + dims_text(e->view->dims) +
                 " regrouping of channels; outputs of rank above 4 are not supported");
    ValueId value = e->value;
    if (e->is_strided() || e->is_scores() || e->is_channels_last()) {  // made an IR value, or refused
      onnx::NodeProto as_output;
      as_output.set_name("output '" + out.name() + "'");
      as_output.set_op_type("Output");
      as_output.add_input(out.name());
      value = importer.value_input(as_output, 0);
    }
    if (value == graph.input)
      fail_input("onnx: graph output '" + out.name() + "' is the input itself; nothing to compute");
    bool seen = false;
    for (ValueId v : graph.outputs) seen = seen || v == value;
    if (seen) continue;
    graph.outputs.push_back(value);
    graph.values[value].name = out.name();
  }
  Graph result = std::move(graph);
  optimize_graph(result);
  check_runnable_forms(result);
  return result;
}

}  // namespace
}  // namespace onnx_import

Graph import_onnx_bytes(const std::string& bytes, const std::string& name_for_errors,
                        const ImportOptions& options) {
  onnx::ModelProto model;
  onnx_import::parse_model(bytes, name_for_errors, model);
  onnx_import::MadeConstantBudget budget(options.made_constants_limit);
  return onnx_import::import_model(model, name_for_errors, options);
}

Graph import_onnx(const std::string& path, const ImportOptions& options) {
  onnx::ModelProto model;
  {
    const std::string bytes = onnx_import::read_model_file(path);
    onnx_import::parse_model(bytes, path, model);
  }  // the file's bytes are freed before the weights are converted
  onnx_import::MadeConstantBudget budget(options.made_constants_limit);
  return onnx_import::import_model(model, path, options);
}

}  // namespace edgeflow
