// Builders of small ONNX models in memory, for importer tests and fuzzers:
//
//   ModelBuilder m(13);
//   m.input("x", {1, 3, 8, 8}).output("y");
//   m.initializer("w", {4, 3, 3, 3}, values);
//   attr_ints(m.node("Conv", {"x", "w"}, {"y"}, "conv"), "pads", {1, 1, 1, 1});
//   Graph g = import_onnx_bytes(m.bytes(), "test.onnx", {});
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace edgeflow::onnx_test {

class ModelBuilder {
 public:
  explicit ModelBuilder(int64_t opset = 13) {
    model_.set_ir_version(7);
    model_.set_producer_name("edgeflow-tests");
    onnx::OperatorSetIdProto* id = model_.add_opset_import();
    id->set_domain("");
    id->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }

  onnx::ModelProto& model() { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }

  // A float input; dims[k] with a non-empty params[k] is dynamic (dim_param).
  ModelBuilder& input(const std::string& name, const std::vector<int64_t>& dims,
                      const std::vector<std::string>& params = {},
                      int32_t elem_type = onnx::TensorProto::FLOAT) {
    onnx::ValueInfoProto* v = graph().add_input();
    v->set_name(name);
    onnx::TypeProto::Tensor* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(elem_type);
    onnx::TensorShapeProto* shape = t->mutable_shape();
    for (size_t k = 0; k < dims.size(); ++k) {
      onnx::TensorShapeProto::Dimension* d = shape->add_dim();
      if (k < params.size() && !params[k].empty())
        d->set_dim_param(params[k]);
      else
        d->set_dim_value(dims[k]);
    }
    return *this;
  }

  ModelBuilder& output(const std::string& name) {
    onnx::ValueInfoProto* v = graph().add_output();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    return *this;
  }

  // A float initializer, as raw_data (default) or float_data.
  onnx::TensorProto& initializer(const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<float>& values, bool raw = true) {
    onnx::TensorProto* t = graph().add_initializer();
    fill_float(*t, name, dims, values, raw);
    return *t;
  }

  onnx::TensorProto& initializer_int64(const std::string& name, const std::vector<int64_t>& dims,
                                       const std::vector<int64_t>& values) {
    onnx::TensorProto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    for (int64_t v : values) t->add_int64_data(v);
    return *t;
  }

  onnx::TensorProto& initializer_int32(const std::string& name, const std::vector<int64_t>& dims,
                                       const std::vector<int32_t>& values) {
    onnx::TensorProto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT32);
    for (int64_t d : dims) t->add_dims(d);
    t->set_raw_data(
        std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(int32_t)));
    return *t;
  }

  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "") {
    onnx::NodeProto* n = graph().add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const std::string& i : inputs) n->add_input(i);
    for (const std::string& o : outputs) n->add_output(o);
    return *n;
  }

  std::string bytes() const { return model_.SerializeAsString(); }

  static void fill_float(onnx::TensorProto& t, const std::string& name,
                         const std::vector<int64_t>& dims, const std::vector<float>& values,
                         bool raw = true) {
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t.add_dims(d);
    if (raw)
      t.set_raw_data(
          std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
    else
      for (float v : values) t.add_float_data(v);
  }

 private:
  onnx::ModelProto model_;
};

inline onnx::AttributeProto& add_attr(onnx::NodeProto& n, const std::string& name,
                                      onnx::AttributeProto::AttributeType type) {
  onnx::AttributeProto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(type);
  return *a;
}

inline onnx::NodeProto& attr_int(onnx::NodeProto& n, const std::string& name, int64_t v) {
  add_attr(n, name, onnx::AttributeProto::INT).set_i(v);
  return n;
}

inline onnx::NodeProto& attr_float(onnx::NodeProto& n, const std::string& name, float v) {
  add_attr(n, name, onnx::AttributeProto::FLOAT).set_f(v);
  return n;
}

inline onnx::NodeProto& attr_string(onnx::NodeProto& n, const std::string& name,
                                    const std::string& v) {
  add_attr(n, name, onnx::AttributeProto::STRING).set_s(v);
  return n;
}

inline onnx::NodeProto& attr_ints(onnx::NodeProto& n, const std::string& name,
                                  const std::vector<int64_t>& v) {
  onnx::AttributeProto& a = add_attr(n, name, onnx::AttributeProto::INTS);
  for (int64_t x : v) a.add_ints(x);
  return n;
}

inline onnx::NodeProto& attr_floats(onnx::NodeProto& n, const std::string& name,
                                    const std::vector<float>& v) {
  onnx::AttributeProto& a = add_attr(n, name, onnx::AttributeProto::FLOATS);
  for (float x : v) a.add_floats(x);
  return n;
}

// Attribute 'value' of a Constant node: a float tensor.
inline onnx::NodeProto& attr_tensor(onnx::NodeProto& n, const std::string& name,
                                    const std::vector<int64_t>& dims,
                                    const std::vector<float>& values) {
  ModelBuilder::fill_float(*add_attr(n, name, onnx::AttributeProto::TENSOR).mutable_t(), "", dims,
                           values);
  return n;
}

// `count` floats uniform in [lo, hi), from a fixed seed.
inline std::vector<float> random_floats(size_t count, uint32_t seed, float lo = -1.0f,
                                        float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(count);
  for (float& x : v) x = dist(rng);
  return v;
}

}  // namespace edgeflow::onnx_test
