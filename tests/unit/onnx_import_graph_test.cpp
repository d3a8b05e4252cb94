// ONNX importer, the graph as a whole: shape subgraphs folded to constants,
// graph checks (unsupported ops, undefined inputs, duplicates, cycles, order,
// dead branches), and the exported zoo models.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "edgeflow/ir_passes.h"
#include "onnx_import_checks.h"

namespace edgeflow::onnx_test {
namespace {

// ---------------------------------------------------------------- shape subgraphs

TEST(OnnxFolding, ShapeGatherUnsqueezeConcatReshapeBecomesFlatten) {
  for (int64_t opset : {11, 13}) {
    ModelBuilder m = conv_model(opset, 3, 6, 6, 4);
    m.node("Shape", {"conv_out"}, {"s"}, "shape");
    m.initializer_int64("zero", {}, {0});
    m.node("Gather", {"s", "zero"}, {"n"}, "gather");
    if (opset < 13) {
      attr_ints(m.node("Unsqueeze", {"n"}, {"n1"}, "unsqueeze"), "axes", {0});
    } else {
      m.initializer_int64("axes", {1}, {0});
      m.node("Unsqueeze", {"n", "axes"}, {"n1"}, "unsqueeze");
    }
    attr_ints(m.node("Constant", {}, {"minus_one"}, "minus_one"), "value_ints", {-1});
    attr_int(m.node("Concat", {"n1", "minus_one"}, {"target"}, "concat"), "axis", 0);
    m.node("Reshape", {"conv_out", "target"}, {"flat"}, "reshape");
    m.initializer("fw", {10, 144}, random_floats(1440, 3));
    attr_int(m.node("Gemm", {"flat", "fw"}, {"y"}, "fc"), "transB", 1);
    m.output("y");
    const Graph g = import(m);
    ASSERT_EQ(g.nodes.size(), 3u) << "opset " << opset;
    EXPECT_EQ(g.nodes[0].op, OpKind::kConv);
    EXPECT_EQ(g.nodes[1].op, OpKind::kFlatten);
    EXPECT_EQ(g.nodes[1].name, "reshape");
    EXPECT_EQ(g.shape_of(g.nodes[1].output), Shape({1, 144}));
    EXPECT_EQ(output_shape(g), Shape({1, 10}));
  }
}

TEST(OnnxFolding, SliceCastAndInt32Constants) {
  ModelBuilder m = conv_model(13, 3, 4, 4, 2);
  // [-1, 5, 1, 9][2::-2] = [1, -1]: the Reshape target 1x-1.
  m.initializer_int64("dims", {4}, {-1, 5, 1, 9});
  m.initializer_int64("starts", {1}, {2});
  m.initializer_int64("ends", {1}, {std::numeric_limits<int64_t>::min()});
  m.initializer_int64("axes", {1}, {0});
  m.initializer_int64("steps", {1}, {-2});
  m.node("Slice", {"dims", "starts", "ends", "axes", "steps"}, {"sliced"}, "slice");
  attr_int(m.node("Cast", {"sliced"}, {"as_float"}, "to_float"), "to", onnx::TensorProto::FLOAT);
  attr_int(m.node("Cast", {"as_float"}, {"target"}, "to_int"), "to", onnx::TensorProto::INT64);
  m.node("Reshape", {"conv_out", "target"}, {"flat"}, "reshape");
  // Shape -> Gather with int32 indices [1, 1] -> Concat -> a second Reshape target.
  m.node("Shape", {"flat"}, {"fs"}, "shape");
  m.initializer_int32("idx", {2}, {0, 1});
  m.node("Gather", {"fs", "idx"}, {"same"}, "gather");
  m.node("Reshape", {"flat", "same"}, {"y"}, "noop_reshape");
  attr_int(m.node("Cast", {"y"}, {"y_float"}, "cast_map"), "to", onnx::TensorProto::FLOAT);
  m.output("y_float");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[1].op, OpKind::kFlatten);
  EXPECT_EQ(output_shape(g), Shape({1, 32}));
  EXPECT_EQ(g.values[g.outputs[0]].name, "y_float");
}

TEST(OnnxFolding, SqueezeOfPooledMapIsAFlatten) {
  for (int64_t opset : {11, 13}) {
    ModelBuilder m(opset);
    m.input("x", {1, 5, 4, 4});
    m.node("GlobalAveragePool", {"x"}, {"g"}, "gap");
    if (opset < 13) {
      attr_ints(m.node("Squeeze", {"g"}, {"y"}, "squeeze"), "axes", {2, 3});
    } else {
      m.initializer_int64("axes", {2}, {-1, -2});
      m.node("Squeeze", {"g", "axes"}, {"y"}, "squeeze");
    }
    m.output("y");
    const Graph g = import(m);
    ASSERT_EQ(g.nodes.size(), 2u);
    EXPECT_EQ(g.nodes[1].op, OpKind::kFlatten);
    EXPECT_EQ(output_shape(g), Shape({1, 5}));
  }
}

TEST(OnnxFolding, ReshapeThatMixesRowsBeyondRank4IsRefused) {
  ModelBuilder seq = conv_model(13, 3, 4, 4, 2);
  seq.initializer_int64("target", {3}, {1, 2, 16});
  seq.node("Reshape", {"conv_out", "target"}, {"y"}, "to_sequence");
  seq.output("y");
  const Graph g = import(seq);
  EXPECT_EQ(g.nodes.back().op, OpKind::kReshape);
  EXPECT_TRUE(needs_whole_input(g.nodes.back()));  // rows regrouped: a whole unit

  ModelBuilder m = conv_model(13, 3, 4, 4, 2);
  m.initializer_int64("target", {5}, {1, 2, 2, 2, 4});
  m.node("Reshape", {"conv_out", "target"}, {"y"}, "split_rows");
  m.output("y");
  const std::string msg = import_error(m);
  EXPECT_MESSAGE_HAS(msg, "node 'split_rows' (Reshape)");
  EXPECT_MESSAGE_HAS(msg, "1x2x4x4) to 1x2x2x2x4 is not supported");

  ModelBuilder cast(13);
  cast.input("x", {1, 2, 4, 4});
  attr_int(cast.node("Cast", {"x"}, {"y"}, "cast"), "to", onnx::TensorProto::INT64);
  cast.output("y");
  EXPECT_MESSAGE_HAS(import_error(cast),
                     "node 'cast' (Cast): casting the computed tensor 'x' to INT64");

  ModelBuilder gather(13);
  gather.input("x", {1, 2, 4, 4});
  gather.initializer_int64("i", {}, {0});
  gather.node("Gather", {"x", "i"}, {"y"}, "gather");
  gather.output("y");
  EXPECT_MESSAGE_HAS(import_error(gather),
                     "node 'gather' (Gather): takes part of axis 0 of the computed 1x2x4x4 "
                     "tensor");
}

TEST(OnnxFolding, ConstantForms) {
  ModelBuilder m = conv_model(13, 3, 4, 4, 2);
  attr_int(m.node("Constant", {}, {"one"}, "one"), "value_int", 1);
  attr_ints(m.node("Constant", {}, {"axes"}, "axes"), "value_ints", {0});
  m.node("Unsqueeze", {"one", "axes"}, {"one1"}, "unsqueeze");
  attr_floats(m.node("Constant", {}, {"fl"}, "fl"), "value_floats", {-1.0f});
  attr_int(m.node("Cast", {"fl"}, {"minus_one"}, "cast"), "to", onnx::TensorProto::INT64);
  attr_int(m.node("Concat", {"one1", "minus_one"}, {"target"}, "concat"), "axis", 0);
  m.node("Reshape", {"conv_out", "target"}, {"y"}, "reshape");
  m.output("y");
  EXPECT_EQ(output_shape(import(m)), Shape({1, 32}));

  ModelBuilder bad(13);
  bad.input("x", {1, 2, 4, 4});
  add_attr(bad.node("Constant", {}, {"s"}, "s"), "value_string", onnx::AttributeProto::STRING);
  bad.node("Reshape", {"x", "s"}, {"y"}, "reshape");
  bad.output("y");
  EXPECT_MESSAGE_HAS(import_error(bad), "node 's' (Constant): attribute 'value_string': string "
                                        "constants are not supported");
}

// ---------------------------------------------------------------- graph checks

TEST(OnnxGraph, AllUnsupportedOpsInOneError) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 4, 4});
  m.node("Foo", {"x"}, {"f"}, "a");
  m.node("Relu", {"f"}, {"r"}, "relu");
  m.node("Bar", {"r"}, {"y"}, "b");
  m.output("y");
  EXPECT_EQ(import_error(m), "onnx: unsupported ops: node 'a' (Foo), node 'b' (Bar)");

  ModelBuilder domain(13);
  domain.input("x", {1, 3, 4, 4});
  domain.node("Relu", {"x"}, {"y"}, "gelu").set_domain("com.microsoft");
  domain.output("y");
  EXPECT_EQ(import_error(domain), "onnx: unsupported ops: node 'gelu' (com.microsoft.Relu)");
}

TEST(OnnxGraph, UndefinedInputIsNamed) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 4, 4});
  m.initializer("w", {2, 3, 1, 1}, random_floats(6, 1));
  m.node("Conv", {"x_typo", "w"}, {"y"}, "conv3");
  m.output("y");
  EXPECT_EQ(import_error(m), "onnx: node 'conv3' (Conv): input 'x_typo' is not defined");

  ModelBuilder unnamed(13);
  unnamed.input("x", {1, 3, 4, 4});
  unnamed.node("Relu", {"x"}, {"r"});
  unnamed.node("Relu", {"nope"}, {"y"});
  unnamed.output("y");
  EXPECT_EQ(import_error(unnamed), "onnx: node 'Relu_1' (Relu): input 'nope' is not defined");
}

TEST(OnnxGraph, DuplicateOutputNamesAreRefused) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 4, 4});
  m.node("Relu", {"x"}, {"y"}, "first");
  m.node("Relu", {"x"}, {"y"}, "second");
  m.output("y");
  EXPECT_EQ(import_error(m),
            "onnx: node 'second' (Relu): output 'y' is also produced by node 'first' (Relu)");

  ModelBuilder shadow(13);
  shadow.input("x", {1, 3, 4, 4});
  shadow.node("Relu", {"x"}, {"x"}, "shadow");
  shadow.output("x");
  EXPECT_MESSAGE_HAS(import_error(shadow), "output 'x' has the name of a graph input");
}

TEST(OnnxGraph, CycleIsNamed) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 4, 4});
  m.node("Add", {"x", "b_out"}, {"a_out"}, "a");
  m.node("Relu", {"a_out"}, {"b_out"}, "b");
  m.node("Relu", {"a_out"}, {"y"}, "out");
  m.output("y");
  const std::string msg = import_error(m);
  EXPECT_MESSAGE_HAS(msg, "is on a cycle");
  EXPECT_MESSAGE_HAS(msg, "'a' -> 'b' -> 'a'");
}

TEST(OnnxGraph, NodesOutOfOrderAreSorted) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 6, 6});
  m.initializer("w", {4, 3, 3, 3}, random_floats(108, 1));
  m.node("Relu", {"p"}, {"y"}, "relu");
  attr_ints(m.node("MaxPool", {"c"}, {"p"}, "pool"), "kernel_shape", {2, 2});
  m.node("Conv", {"x", "w"}, {"c"}, "conv");
  m.output("y");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(g.nodes[0].name, "conv");
  EXPECT_EQ(g.nodes[1].name, "pool");
  EXPECT_EQ(g.nodes[2].name, "relu");
  EXPECT_NO_THROW(validate_graph(g));
}

TEST(OnnxGraph, OutputsInModelOrderAndDeadBranchesDropped) {
  ModelBuilder m = conv_model(13, 3, 6, 6, 4);
  m.node("Relu", {"x"}, {"dead"}, "dead_relu");
  attr_ints(m.node("MaxPool", {"conv_out"}, {"p"}, "pool"), "kernel_shape", {2, 2});
  m.output("p").output("conv_out");
  const Graph g = import(m);
  ASSERT_EQ(g.outputs.size(), 2u);
  EXPECT_EQ(g.values[g.outputs[0]].name, "p");
  EXPECT_EQ(g.values[g.outputs[1]].name, "conv_out");
  EXPECT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(node_named(g, "dead_relu"), nullptr);
}

TEST(OnnxGraph, ConstantOutputIsRefused) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 4, 4});
  m.node("Shape", {"x"}, {"y"}, "shape");
  m.output("y");
  EXPECT_MESSAGE_HAS(import_error(m), "graph output 'y' is a constant");
}

// ---------------------------------------------------------------- zoo models

TEST(OnnxZoo, ImportsExportedModels) {
  // Nodes after import (BatchNorm folded; activations, residual Adds and
  // Concats before a BatchNorm fused) of the models models/export_zoo.py
  // writes; every one ends in a 1x1000 classifier.
  const std::map<std::string, size_t> kNodes = {
      {"resnet18", 24},     {"resnet50", 57},     {"googlenet", 82},     {"inception_v3", 130},
      {"densenet121", 189}, {"mobilenet_v2", 55}, {"squeezenet1_1", 39}, {"vgg16", 23},
  };
  const std::filesystem::path zoo = std::filesystem::path(EDGEFLOW_SOURCE_DIR) / "models" / "zoo";
  if (!std::filesystem::is_directory(zoo)) GTEST_SKIP() << "no " << zoo.string();
  int imported = 0;
  for (const auto& [name, nodes] : kNodes) {
    const std::filesystem::path path = zoo / (name + ".onnx");
    if (!std::filesystem::exists(path)) continue;  // .opencv.onnx files are OpenCV's, not ours
    SCOPED_TRACE(path.string());
    Graph g;
    try {
      g = import_onnx(path.string(), {});
    } catch (const Error& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    ++imported;
    EXPECT_NO_THROW(validate_graph(g));
    EXPECT_EQ(g.nodes.size(), nodes);
    EXPECT_EQ(output_shape(g), Shape({1, 1000}));
    EXPECT_EQ(g.opset, 13);
    if (name == "resnet18") {
      EXPECT_EQ(g.input_shape(), Shape({1, 3, 224, 224}));
      EXPECT_EQ(count_op(g, OpKind::kConv), 20);
      EXPECT_EQ(count_op(g, OpKind::kBinary), 0);  // all 8 Adds fused into convs
      int residual = 0;
      for (const Node& n : g.nodes)
        if (auto* c = std::get_if<ConvAttrs>(&n.attrs)) residual += c->residual;
      EXPECT_EQ(residual, 8);
      EXPECT_EQ(count_op(g, OpKind::kGemm), 1);
      EXPECT_EQ(count_op(g, OpKind::kBatchNorm), 0);
      EXPECT_EQ(count_op(g, OpKind::kActivation), 0);
    }
    if (name == "densenet121") {  // every one of the 58 Concats feeds a BN -> ReLU
      EXPECT_EQ(count_op(g, OpKind::kConcat), 0);
      int fused = 0;
      for (const Node& n : g.nodes) fused += n.op == OpKind::kBatchNorm && n.inputs.size() > 1;
      EXPECT_EQ(fused, 58);
    }
    if (name == "inception_v3") {
      EXPECT_EQ(g.input_shape(), Shape({1, 3, 299, 299}));
    }
  }
  if (imported == 0) GTEST_SKIP() << "no zoo models in " << zoo.string();
}

}  // namespace
}  // namespace edgeflow::onnx_test
