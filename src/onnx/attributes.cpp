// Node attributes with type checks, and the error helpers that name the node:
// "onnx: node 'conv1' (Conv): attribute 'pads' must be ints".
#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

const char* attr_type_name(onnx::AttributeProto::AttributeType type) {
  switch (type) {
    case onnx::AttributeProto::FLOAT: return "a float";
    case onnx::AttributeProto::INT: return "an int";
    case onnx::AttributeProto::STRING: return "a string";
    case onnx::AttributeProto::TENSOR: return "a tensor";
    case onnx::AttributeProto::FLOATS: return "floats";
    case onnx::AttributeProto::INTS: return "ints";
    case onnx::AttributeProto::STRINGS: return "strings";
    default: return "another kind";
  }
}

// The attribute, if present and of `type` (an UNDEFINED type, as old
// exporters write, passes when the matching field is set).
const onnx::AttributeProto* typed_attr(const onnx::NodeProto& node, const std::string& name,
                                       onnx::AttributeProto::AttributeType type) {
  const onnx::AttributeProto* a = find_attr(node, name);
  if (!a) return nullptr;
  if (a->type() == type) return a;
  if (a->type() == onnx::AttributeProto::UNDEFINED) {
    const bool set = (type == onnx::AttributeProto::INT && a->has_i()) ||
                     (type == onnx::AttributeProto::FLOAT && a->has_f()) ||
                     (type == onnx::AttributeProto::STRING && a->has_s()) ||
                     (type == onnx::AttributeProto::INTS && a->ints_size() > 0) ||
                     (type == onnx::AttributeProto::FLOATS && a->floats_size() > 0);
    if (set) return a;
  }
  fail_node(node, "attribute '" + name + "' must be " + attr_type_name(type) + ", is " +
                      attr_type_name(a->type()));
}

}  // namespace

std::string node_label(const onnx::NodeProto& node) {
  std::string op = node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx") op = node.domain() + "." + op;
  return "node '" + node.name() + "' (" + op + ")";
}

void fail_node(const onnx::NodeProto& node, const std::string& message) {
  fail_input("onnx: " + node_label(node) + ": " + message);
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name) {
  for (const onnx::AttributeProto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  const onnx::AttributeProto* a = typed_attr(node, name, onnx::AttributeProto::INT);
  return a ? a->i() : fallback;
}

float attr_float(const onnx::NodeProto& node, const std::string& name, float fallback) {
  const onnx::AttributeProto* a = find_attr(node, name);
  if (a && a->type() == onnx::AttributeProto::INT) return static_cast<float>(a->i());
  a = typed_attr(node, name, onnx::AttributeProto::FLOAT);
  return a ? a->f() : fallback;
}

std::string attr_string(const onnx::NodeProto& node, const std::string& name,
                        const std::string& fallback) {
  const onnx::AttributeProto* a = typed_attr(node, name, onnx::AttributeProto::STRING);
  return a ? a->s() : fallback;
}

std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name) {
  const onnx::AttributeProto* a = typed_attr(node, name, onnx::AttributeProto::INTS);
  if (!a) return {};
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::vector<float> attr_floats(const onnx::NodeProto& node, const std::string& name) {
  const onnx::AttributeProto* a = typed_attr(node, name, onnx::AttributeProto::FLOATS);
  if (!a) return {};
  return std::vector<float>(a->floats().begin(), a->floats().end());
}

void refuse_attr(const onnx::NodeProto& node, const std::string& name, const std::string& why) {
  if (find_attr(node, name)) fail_node(node, "attribute '" + name + "' " + why);
}

}  // namespace edgeflow::onnx_import
