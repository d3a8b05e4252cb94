// ONNX importer, the classic CNN layers: Conv, BatchNorm (folded into the
// conv or standalone), activations and their fusion, Add and Concat, each
// with the attributes and shapes of every opset and the refusals that name
// the node, op and attribute. Pooling, Flatten, Gemm, Pad and the ops that
// vanish are in onnx_import_pool_gemm_test.cpp.
#include <gtest/gtest.h>

#include <cmath>

#include "onnx_import_checks.h"

namespace edgeflow::onnx_test {
namespace {

// ---------------------------------------------------------------- Conv

TEST(OnnxConv, AttributesAndShape) {
  ModelBuilder m(11);
  m.input("x", {1, 3, 10, 12});
  const std::vector<float> w = random_floats(8 * 3 * 3 * 3, 3);
  const std::vector<float> b = random_floats(8, 4);
  m.initializer("w", {8, 3, 3, 3}, w);
  m.initializer("b", {8}, b);
  onnx::NodeProto& conv = m.node("Conv", {"x", "w", "b"}, {"y"}, "conv");
  attr_ints(conv, "pads", {1, 2, 0, 1});
  attr_ints(conv, "strides", {2, 1});
  attr_ints(conv, "dilations", {1, 2});
  attr_ints(conv, "kernel_shape", {3, 3});
  m.output("y");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.size(), 1u);
  const Node& n = g.nodes[0];
  EXPECT_EQ(n.name, "conv");
  EXPECT_EQ(n.op, OpKind::kConv);
  const ConvAttrs& a = std::get<ConvAttrs>(n.attrs);
  EXPECT_EQ(a.window.kernel_h, 3);
  EXPECT_EQ(a.window.kernel_w, 3);
  EXPECT_EQ(a.window.stride_h, 2);
  EXPECT_EQ(a.window.stride_w, 1);
  EXPECT_EQ(a.window.dilation_h, 1);
  EXPECT_EQ(a.window.dilation_w, 2);
  EXPECT_EQ(a.window.pad_top, 1);
  EXPECT_EQ(a.window.pad_left, 2);
  EXPECT_EQ(a.window.pad_bottom, 0);
  EXPECT_EQ(a.window.pad_right, 1);
  EXPECT_EQ(a.group, 1);
  EXPECT_EQ(a.weight.shape(), Shape({8, 3, 3, 3}));
  EXPECT_EQ(a.weight.values(), w);
  EXPECT_EQ(a.bias, b);
  EXPECT_TRUE(a.activation.none());
  // H: (10 + 1 + 0 - 3) / 2 + 1 = 5; W: extent 5, (12 + 2 + 1 - 5) / 1 + 1 = 11.
  EXPECT_EQ(output_shape(g), Shape({1, 8, 5, 11}));
  EXPECT_EQ(g.values[g.outputs[0]].name, "y");
  EXPECT_EQ(g.input_shape(), Shape({1, 3, 10, 12}));
}

TEST(OnnxConv, GroupsWithoutBiasAndAutoPad) {
  struct Case {
    const char* auto_pad;
    int64_t top, bottom, out;
  };
  // in 6, stride 2, kernel 3: SAME gives out 3 and a total pad of 1.
  for (const Case& c : {Case{"SAME_UPPER", 0, 1, 3}, Case{"SAME_LOWER", 1, 0, 3},
                        Case{"VALID", 0, 0, 2}, Case{"NOTSET", 0, 0, 2}}) {
    ModelBuilder m(13);
    m.input("x", {1, 4, 6, 6});
    m.initializer("w", {8, 2, 3, 3}, random_floats(8 * 2 * 9, 5));
    onnx::NodeProto& conv = m.node("Conv", {"x", "w"}, {"y"}, "conv");
    attr_int(conv, "group", 2);
    attr_ints(conv, "strides", {2, 2});
    attr_string(conv, "auto_pad", c.auto_pad);
    m.output("y");
    const Graph g = import(m);
    const ConvAttrs& a = std::get<ConvAttrs>(g.nodes.at(0).attrs);
    EXPECT_EQ(a.group, 2);
    EXPECT_EQ(a.bias, std::vector<float>(8, 0.0f));
    EXPECT_EQ(a.window.pad_top, c.top) << c.auto_pad;
    EXPECT_EQ(a.window.pad_bottom, c.bottom) << c.auto_pad;
    EXPECT_EQ(a.window.pad_left, c.top) << c.auto_pad;
    EXPECT_EQ(a.window.pad_right, c.bottom) << c.auto_pad;
    EXPECT_EQ(output_shape(g), Shape({1, 8, c.out, c.out})) << c.auto_pad;
  }
}

TEST(OnnxConv, DepthwiseConv) {
  ModelBuilder m(13);
  m.input("x", {1, 6, 5, 5});
  m.initializer("w", {6, 1, 3, 3}, random_floats(54, 6));
  attr_int(m.node("Conv", {"x", "w"}, {"y"}, "dw"), "group", 6);
  m.output("y");
  const Graph g = import(m);
  EXPECT_EQ(std::get<ConvAttrs>(g.nodes.at(0).attrs).group, 6);
  EXPECT_EQ(output_shape(g), Shape({1, 6, 3, 3}));
}

TEST(OnnxConv, ChannelMismatchIsNamed) {
  ModelBuilder m(13);
  m.input("x", {1, 4, 6, 6});
  m.initializer("w", {8, 3, 3, 3}, random_floats(8 * 27, 5));
  m.node("Conv", {"x", "w"}, {"y"}, "conv7");
  m.output("y");
  const std::string msg = import_error(m);
  EXPECT_MESSAGE_HAS(msg, "onnx: node 'conv7' (Conv)");
  EXPECT_MESSAGE_HAS(msg, "input has 4");
}

TEST(OnnxConv, OneAndThreeDimensionalConvsAreRefused) {
  ModelBuilder one(13);
  one.input("x", {1, 3, 10});
  one.initializer("w", {4, 3, 3}, random_floats(36, 1));
  attr_ints(one.node("Conv", {"x", "w"}, {"y"}, "conv1d"), "kernel_shape", {3});
  one.output("y");
  std::string msg = import_error(one);
  EXPECT_MESSAGE_HAS(msg, "node 'conv1d' (Conv)");
  EXPECT_MESSAGE_HAS(msg,
                     "only 2-D convolutions are supported; attribute 'kernel_shape' has 1 dims");

  ModelBuilder three(13);
  three.input("x", {1, 3, 4, 4, 4});
  three.initializer("w", {4, 3, 3, 3, 3}, random_floats(324, 1));
  three.node("Conv", {"x", "w"}, {"y"}, "conv3d");
  three.output("y");
  msg = import_error(three);
  EXPECT_MESSAGE_HAS(msg, "node 'conv3d' (Conv)");
  EXPECT_MESSAGE_HAS(msg, "weight 'w' has rank 5 (a 3-D convolution)");
}

TEST(OnnxConv, WeightComputedAtRunTimeIsRefused) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 3, 3});
  m.node("Conv", {"x", "x"}, {"y"}, "conv");
  m.output("y");
  EXPECT_MESSAGE_HAS(import_error(m), "input 'x' (weight) must be a constant");
}

TEST(OnnxConv, WeightFromAConstantNode) {
  ModelBuilder m(9);
  m.input("x", {1, 2, 4, 4});
  const std::vector<float> w = random_floats(3 * 2 * 1 * 1, 8);
  attr_tensor(m.node("Constant", {}, {"w"}, "wconst"), "value", {3, 2, 1, 1}, w);
  m.node("Identity", {"w"}, {"w2"}, "wid");
  m.node("Conv", {"x", "w2"}, {"y"}, "conv");
  m.output("y");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(std::get<ConvAttrs>(g.nodes[0].attrs).weight.values(), w);
}

// ---------------------------------------------------------------- BatchNorm

// x -> [Conv] -> BatchNormalization(gamma, beta, mean, var) -> y
ModelBuilder bn_model(int64_t opset, bool with_conv, int64_t channels, float epsilon) {
  ModelBuilder m(opset);
  m.input("x", {1, channels, 5, 5});
  std::string bn_in = "x";
  if (with_conv) {
    m.initializer("w", {channels, channels, 3, 3},
                  random_floats(size_t(channels * channels * 9), 11));
    m.initializer("b", {channels}, random_floats(size_t(channels), 12));
    attr_ints(m.node("Conv", {"x", "w", "b"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
    bn_in = "c";
  }
  m.initializer("gamma", {channels}, random_floats(size_t(channels), 13, 0.5f, 1.5f));
  m.initializer("beta", {channels}, random_floats(size_t(channels), 14));
  m.initializer("mean", {channels}, random_floats(size_t(channels), 15, -0.1f, 0.1f));
  m.initializer("var", {channels}, random_floats(size_t(channels), 16, 0.5f, 1.5f));
  attr_float(m.node("BatchNormalization", {bn_in, "gamma", "beta", "mean", "var"}, {"y"}, "bn"),
             "epsilon", epsilon);
  m.output("y");
  return m;
}

TEST(OnnxBatchNorm, FoldsIntoThePrecedingConv) {
  const int64_t C = 4;
  const float eps = 1e-3f;
  for (int64_t opset : {9, 14, 15}) {
    const Graph g = import(bn_model(opset, true, C, eps));
    ASSERT_EQ(g.nodes.size(), 1u) << "opset " << opset;
    const ConvAttrs& a = std::get<ConvAttrs>(g.nodes[0].attrs);
    const std::vector<float> w = random_floats(size_t(C * C * 9), 11);
    const std::vector<float> b = random_floats(size_t(C), 12);
    const std::vector<float> gamma = random_floats(size_t(C), 13, 0.5f, 1.5f);
    const std::vector<float> beta = random_floats(size_t(C), 14);
    const std::vector<float> mean = random_floats(size_t(C), 15, -0.1f, 0.1f);
    const std::vector<float> var = random_floats(size_t(C), 16, 0.5f, 1.5f);
    for (int64_t o = 0; o < C; ++o) {
      const double s = gamma[o] / std::sqrt(double(var[o]) + eps);
      for (int64_t k = 0; k < C * 9; ++k)
        EXPECT_NEAR(a.weight.values()[o * C * 9 + k], w[o * C * 9 + k] * s, 1e-6);
      EXPECT_NEAR(a.bias[o], (b[o] - mean[o]) * s + beta[o], 1e-6);
    }
    EXPECT_EQ(g.values[g.outputs[0]].name, "y");
    EXPECT_EQ(g.nodes[0].name, "conv");
  }
}

TEST(OnnxBatchNorm, StandaloneBecomesScaleAndShift) {
  const int64_t C = 3;
  const float eps = 1e-5f;
  const Graph g = import(bn_model(9, false, C, eps));
  ASSERT_EQ(g.nodes.size(), 1u);
  ASSERT_EQ(g.nodes[0].op, OpKind::kBatchNorm);
  const BatchNormAttrs& a = std::get<BatchNormAttrs>(g.nodes[0].attrs);
  const std::vector<float> gamma = random_floats(size_t(C), 13, 0.5f, 1.5f);
  const std::vector<float> beta = random_floats(size_t(C), 14);
  const std::vector<float> mean = random_floats(size_t(C), 15, -0.1f, 0.1f);
  const std::vector<float> var = random_floats(size_t(C), 16, 0.5f, 1.5f);
  for (int64_t c = 0; c < C; ++c) {
    const double s = gamma[c] / std::sqrt(double(var[c]) + eps);
    EXPECT_NEAR(a.scale[c], s, 1e-6);
    EXPECT_NEAR(a.shift[c], beta[c] - mean[c] * s, 1e-6);
  }
  EXPECT_EQ(output_shape(g), Shape({1, C, 5, 5}));
}

TEST(OnnxBatchNorm, NotFoldedWhenTheConvHasAnotherConsumer) {
  ModelBuilder m = bn_model(13, true, 2, 1e-5f);
  m.node("Relu", {"c"}, {"r"}, "relu");
  m.output("r");
  const Graph g = import(m);
  EXPECT_EQ(count_op(g, OpKind::kConv), 1);
  EXPECT_EQ(count_op(g, OpKind::kBatchNorm), 1);
  EXPECT_EQ(count_op(g, OpKind::kActivation), 1);
  EXPECT_TRUE(std::get<ConvAttrs>(node_named(g, "conv")->attrs).activation.none());
}

TEST(OnnxBatchNorm, TrainingFormsAreRefused) {
  ModelBuilder spatial = bn_model(9, false, 2, 1e-5f);
  attr_int(*spatial.graph().mutable_node(0), "spatial", 0);
  EXPECT_MESSAGE_HAS(import_error(spatial), "node 'bn' (BatchNormalization): attribute 'spatial'");

  ModelBuilder training = bn_model(14, false, 2, 1e-5f);
  attr_int(*training.graph().mutable_node(0), "training_mode", 1);
  EXPECT_MESSAGE_HAS(import_error(training), "attribute 'training_mode'");

  ModelBuilder outputs = bn_model(9, false, 2, 1e-5f);
  outputs.graph().mutable_node(0)->add_output("running_mean");
  outputs.output("running_mean");
  EXPECT_MESSAGE_HAS(import_error(outputs), "output 1 ('running_mean') is used");

  ModelBuilder short_params = bn_model(9, false, 2, 1e-5f);
  onnx::TensorProto& gamma = *short_params.graph().mutable_initializer(0);
  gamma.Clear();
  ModelBuilder::fill_float(gamma, "gamma", {3}, {1, 1, 1});
  EXPECT_MESSAGE_HAS(import_error(short_params), "input 'gamma' (scale) must be 2 floats");
}

// ---------------------------------------------------------------- activations

TEST(OnnxActivation, ReluFusesIntoConvAddGemmAndBatchNorm) {
  ModelBuilder m(13);
  m.input("x", {1, 2, 4, 4});
  m.initializer("w", {2, 2, 1, 1}, random_floats(4, 1));
  m.initializer("gamma", {2}, {1, 2});
  m.initializer("beta", {2}, {0, 1});
  m.initializer("mean", {2}, {0, 0});
  m.initializer("var", {2}, {1, 1});
  m.node("Conv", {"x", "w"}, {"c"}, "conv");
  m.node("Relu", {"c"}, {"c_relu"}, "conv_relu");
  m.node("Add", {"c_relu", "x"}, {"a"}, "add");
  m.node("Relu", {"a"}, {"a_relu"}, "add_relu");
  m.node("MaxPool", {"a_relu"}, {"p"}, "pool");
  attr_ints(*m.graph().mutable_node(4), "kernel_shape", {2, 2});
  m.node("Relu", {"p"}, {"p_relu"}, "pool_relu");
  m.node("BatchNormalization", {"p_relu", "gamma", "beta", "mean", "var"}, {"bn"}, "bn");
  m.node("Relu", {"bn"}, {"bn_relu"}, "bn_relu");
  m.node("Flatten", {"bn_relu"}, {"f"}, "flatten");
  m.initializer("gw", {3, 18}, random_floats(54, 2));
  attr_int(m.node("Gemm", {"f", "gw"}, {"fc"}, "fc"), "transB", 1);
  m.node("Relu", {"fc"}, {"y"}, "fc_relu");
  m.output("y");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.size(), 7u);
  EXPECT_EQ(std::get<ConvAttrs>(node_named(g, "conv")->attrs).activation.kind,
            Activation::Kind::kRelu);
  EXPECT_EQ(std::get<BinaryAttrs>(node_named(g, "add")->attrs).activation.kind,
            Activation::Kind::kRelu);
  ASSERT_NE(node_named(g, "pool_relu"), nullptr);  // a pool takes no activation
  EXPECT_EQ(node_named(g, "pool_relu")->op, OpKind::kActivation);
  EXPECT_EQ(std::get<BatchNormAttrs>(node_named(g, "bn")->attrs).activation.kind,
            Activation::Kind::kRelu);
  EXPECT_EQ(std::get<GemmAttrs>(node_named(g, "fc")->attrs).activation.kind,
            Activation::Kind::kRelu);
  EXPECT_EQ(g.values[g.outputs[0]].name, "y");
  EXPECT_EQ(output_shape(g), Shape({1, 3}));
}

// x -> Conv -> Clip -> y, with the bounds as `form` wants them.
ModelBuilder clip_model(int64_t opset, const std::string& form) {
  ModelBuilder m(opset);
  m.input("x", {1, 2, 4, 4});
  m.initializer("w", {2, 2, 1, 1}, random_floats(4, 1));
  m.node("Conv", {"x", "w"}, {"c"}, "conv");
  if (form == "attrs") {
    onnx::NodeProto& clip = m.node("Clip", {"c"}, {"y"}, "clip");
    attr_float(clip, "min", 0.0f);
    attr_float(clip, "max", 6.0f);
  } else if (form == "inputs") {
    m.initializer("lo", {}, {0.0f});
    m.initializer("hi", {}, {6.0f});
    m.node("Clip", {"c", "lo", "hi"}, {"y"}, "clip");
  } else if (form == "constants") {
    attr_tensor(m.node("Constant", {}, {"lo"}, "lo"), "value", {}, {-1.0f});
    attr_float(m.node("Constant", {}, {"hi"}, "hi"), "value_float", 1.0f);
    m.node("Clip", {"c", "lo", "hi"}, {"y"}, "clip");
  } else if (form == "min_only") {
    m.initializer("lo", {}, {0.5f});
    m.node("Clip", {"c", "lo"}, {"y"}, "clip");
  } else if (form == "max_only") {
    m.initializer("hi", {1}, {2.0f});
    m.node("Clip", {"c", "", "hi"}, {"y"}, "clip");
  }
  m.output("y");
  return m;
}

Activation clip_of(const Graph& g) {
  EXPECT_EQ(g.nodes.size(), 1u);
  return std::get<ConvAttrs>(g.nodes.at(0).attrs).activation;
}

TEST(OnnxActivation, ClipFormsPerOpset) {
  const float lowest = std::numeric_limits<float>::lowest();
  const float highest = std::numeric_limits<float>::max();
  Activation a = clip_of(import(clip_model(9, "attrs")));
  EXPECT_EQ(a.kind, Activation::Kind::kClip);
  EXPECT_EQ(a.min, 0.0f);
  EXPECT_EQ(a.max, 6.0f);
  a = clip_of(import(clip_model(11, "inputs")));
  EXPECT_EQ(a.min, 0.0f);
  EXPECT_EQ(a.max, 6.0f);
  a = clip_of(import(clip_model(13, "constants")));
  EXPECT_EQ(a.min, -1.0f);
  EXPECT_EQ(a.max, 1.0f);
  a = clip_of(import(clip_model(12, "min_only")));
  EXPECT_EQ(a.min, 0.5f);
  EXPECT_EQ(a.max, highest);
  a = clip_of(import(clip_model(17, "max_only")));
  EXPECT_EQ(a.min, lowest);
  EXPECT_EQ(a.max, 2.0f);
}

TEST(OnnxActivation, ClipInTheWrongOpsetFormIsRefused) {
  std::string msg = import_error(clip_model(11, "attrs"));
  EXPECT_MESSAGE_HAS(msg, "node 'clip' (Clip): attribute 'min'");
  EXPECT_MESSAGE_HAS(msg, "opset 11");
  msg = import_error(clip_model(10, "inputs"));
  EXPECT_MESSAGE_HAS(msg, "node 'clip' (Clip): input 1 ('lo')");
  ModelBuilder computed(13);
  computed.input("x", {1, 2, 4, 4});
  computed.node("Relu", {"x"}, {"r"}, "relu");
  computed.node("Clip", {"x", "r"}, {"y"}, "clip");
  computed.output("y");
  EXPECT_MESSAGE_HAS(import_error(computed), "input 'r' (min) must be a constant");
}

// ---------------------------------------------------------------- Add, Concat

TEST(OnnxAdd, ConstantAndBroadcastAddsBecomeBinaryNodes) {
  ModelBuilder constant(13);
  constant.input("x", {1, 2, 4, 4});
  constant.initializer("k", {1, 2, 1, 1}, {1, 2});
  constant.node("Add", {"x", "k"}, {"y"}, "add_bias");
  constant.output("y");
  const Graph g = import(constant);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, OpKind::kBinary);
  const BinaryAttrs& b = std::get<BinaryAttrs>(g.nodes[0].attrs);
  EXPECT_EQ(b.constant_index, 1);
  EXPECT_EQ(b.constant.shape(), Shape({1, 2, 1, 1}));

  ModelBuilder broadcast(13);
  broadcast.input("x", {1, 2, 4, 4});
  broadcast.node("GlobalAveragePool", {"x"}, {"g"}, "gap");
  broadcast.node("Add", {"g", "x"}, {"y"}, "add");
  broadcast.output("y");
  const Graph bg = import(broadcast);
  EXPECT_EQ(bg.nodes.back().op, OpKind::kBinary);
  EXPECT_EQ(output_shape(bg), Shape({1, 2, 4, 4}));
  // The [1, 2, 1, 1] operand is read whole by every slice.
  EXPECT_EQ(required_input_rows(bg, bg.nodes.back(), 0, {2, 3}), (RowRange{0, 1}));

  ModelBuilder mismatch(13);
  mismatch.input("x", {1, 2, 4, 4});
  mismatch.initializer("k", {1, 3, 1, 1}, {1, 2, 3});
  mismatch.node("Add", {"x", "k"}, {"y"}, "add");
  mismatch.output("y");
  const std::string msg = import_error(mismatch);
  EXPECT_MESSAGE_HAS(msg, "node 'add' (Add)");
  EXPECT_MESSAGE_HAS(msg, "do not broadcast");
}

TEST(OnnxConcat, ChannelsOfFeatureMaps) {
  for (int64_t axis : {1, -3}) {
    ModelBuilder m(13);
    m.input("x", {1, 3, 6, 6});
    m.initializer("wa", {4, 3, 1, 1}, random_floats(12, 1));
    m.initializer("wb", {5, 3, 1, 1}, random_floats(15, 2));
    m.node("Conv", {"x", "wa"}, {"a"}, "conv_a");
    m.node("Conv", {"x", "wb"}, {"b"}, "conv_b");
    attr_int(m.node("Concat", {"x", "a", "b"}, {"y"}, "cat"), "axis", axis);
    m.output("y");
    const Graph g = import(m);
    const Node* cat = node_named(g, "cat");
    ASSERT_NE(cat, nullptr);
    EXPECT_EQ(cat->op, OpKind::kConcat);
    ASSERT_EQ(cat->inputs.size(), 3u);
    EXPECT_EQ(cat->inputs[0], g.input);
    EXPECT_EQ(output_shape(g), Shape({1, 12, 6, 6}));
  }
  ModelBuilder height(13);  // along the rows: a RowConcat
  height.input("x", {1, 3, 6, 6});
  attr_int(height.node("Concat", {"x", "x"}, {"y"}, "cat"), "axis", 2);
  height.output("y");
  const Graph rows = import(height);
  EXPECT_EQ(rows.nodes.back().op, OpKind::kRowConcat);
  EXPECT_EQ(output_shape(rows), Shape({1, 3, 12, 6}));

  ModelBuilder width(13);
  width.input("x", {1, 3, 6, 6});
  attr_int(width.node("Concat", {"x", "x"}, {"y"}, "cat"), "axis", 3);
  width.output("y");
  EXPECT_MESSAGE_HAS(import_error(width), "node 'cat' (Concat): attribute 'axis' = 3");
}

}  // namespace
}  // namespace edgeflow::onnx_test
