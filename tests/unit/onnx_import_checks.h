// Shared by the ONNX importer's tests: importing a built model, the message
// of a refused one, and small lookups on the imported graph.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/onnx_import.h"
#include "onnx_builders.h"

namespace edgeflow::onnx_test {

inline Graph import(const ModelBuilder& m, const ImportOptions& options = {}) {
  return import_onnx_bytes(m.bytes(), "test.onnx", options);
}

// The message of the kBadInput error importing `bytes` throws ("" if none).
inline std::string import_error(const std::string& bytes, const ImportOptions& options = {}) {
  try {
    import_onnx_bytes(bytes, "test.onnx", options);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "the import did not fail";
  return "";
}

// The message of the kBadInput error `f` throws ("" if none).
template <typename F>
std::string import_error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

inline std::string import_error(const ModelBuilder& m, const ImportOptions& options = {}) {
  return import_error(m.bytes(), options);
}

inline const Node* node_named(const Graph& g, const std::string& name) {
  for (const Node& n : g.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

inline int count_op(const Graph& g, OpKind op) {
  int n = 0;
  for (const Node& node : g.nodes) n += node.op == op;
  return n;
}

inline std::vector<OpKind> ops(const Graph& g) {
  std::vector<OpKind> out;
  for (const Node& n : g.nodes) out.push_back(n.op);
  return out;
}

inline const Shape& output_shape(const Graph& g, size_t i = 0) {
  return g.shape_of(g.outputs.at(i));
}

// x [1, c, h, w] -> Conv(w, b) 'conv' -> conv_out.
inline ModelBuilder conv_model(int64_t opset, int64_t c, int64_t h, int64_t w,
                               int64_t out_channels, int64_t k = 3) {
  ModelBuilder m(opset);
  m.input("x", {1, c, h, w});
  m.initializer("w", {out_channels, c, k, k}, random_floats(size_t(out_channels * c * k * k), 1));
  m.initializer("b", {out_channels}, random_floats(size_t(out_channels), 2));
  attr_ints(m.node("Conv", {"x", "w", "b"}, {"conv_out"}, "conv"), "pads", {1, 1, 1, 1});
  return m;
}

// Input x [1, 3, 5, 7] and output y: the nodes under test go between.
inline ModelBuilder map_model(int64_t opset) {
  ModelBuilder m(opset);
  m.input("x", {1, 3, 5, 7});
  m.output("y");
  return m;
}

// x [1, 2, 6, 5] -> Conv(w) 'conv' -> c, and the graph output "y" for the
// ops a test puts after it.
inline ModelBuilder conv_then(int64_t opset) {
  ModelBuilder m(opset);
  m.input("x", {1, 2, 6, 5});
  m.initializer("w", {3, 2, 3, 3}, random_floats(54, 6));
  attr_ints(m.node("Conv", {"x", "w"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
  m.output("y");
  return m;
}

// conv_then with a Relu after the conv, "c" its output: a Binary by a
// per-channel constant on "c" stays a Binary (fold_channel_affines folds
// only into a conv without an activation).
inline ModelBuilder conv_relu_then(int64_t opset) {
  ModelBuilder m(opset);
  m.input("x", {1, 2, 6, 5});
  m.initializer("w", {3, 2, 3, 3}, random_floats(54, 6));
  attr_ints(m.node("Conv", {"x", "w"}, {"conv_out"}, "conv"), "pads", {1, 1, 1, 1});
  m.node("Relu", {"conv_out"}, {"c"}, "relu");
  m.output("y");
  return m;
}

}  // namespace edgeflow::onnx_test

#define EXPECT_MESSAGE_HAS(message, part) \
  EXPECT_NE((message).find(part), std::string::npos) << "message: " << (message)
