// ONNX importer, the classic CNN layers after the convs: pooling (windows,
// ceil mode, padding forms, the global pools), Flatten, Gemm, Pad, and the
// ops that vanish (Identity, Dropout), each with the attributes and shapes of
// every opset and the refusals that name the node, op and attribute.
#include <gtest/gtest.h>

#include <utility>

#include "onnx_import_checks.h"

namespace edgeflow::onnx_test {
namespace {

// ---------------------------------------------------------------- pooling

TEST(OnnxPool, MaxPoolAttributesAndCeilMode) {
  ModelBuilder m(12);
  m.input("x", {1, 2, 8, 8});
  onnx::NodeProto& p = m.node("MaxPool", {"x"}, {"y", "unused_indices"}, "pool");
  attr_ints(p, "kernel_shape", {3, 3});
  attr_ints(p, "strides", {2, 2});
  attr_ints(p, "pads", {0, 1, 0, 1});
  attr_int(p, "ceil_mode", 1);
  m.output("y");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.size(), 1u);
  const PoolAttrs& a = std::get<PoolAttrs>(g.nodes[0].attrs);
  EXPECT_EQ(a.kind, PoolAttrs::Kind::kMax);
  EXPECT_TRUE(a.ceil_mode);
  EXPECT_EQ(a.window.kernel_h, 3);
  EXPECT_EQ(a.window.stride_w, 2);
  EXPECT_EQ(a.window.pad_left, 1);
  EXPECT_EQ(a.window.pad_right, 1);
  EXPECT_EQ(a.window.pad_top, 0);
  // H: ceil((8 - 3) / 2) + 1 = 4; W: ceil((8 + 2 - 3) / 2) + 1 = 5, and the
  // fifth window starts at 4 * 2 - 1 = 7, inside the input: kept.
  EXPECT_EQ(output_shape(g), Shape({1, 2, 4, 5}));
}

TEST(OnnxPool, AveragePoolCountIncludePadAndSamePadding) {
  ModelBuilder m(11);
  m.input("x", {1, 3, 7, 7});
  onnx::NodeProto& p = m.node("AveragePool", {"x"}, {"y"}, "avg");
  attr_ints(p, "kernel_shape", {2, 2});
  attr_ints(p, "strides", {2, 2});
  attr_string(p, "auto_pad", "SAME_LOWER");
  attr_int(p, "count_include_pad", 1);
  attr_int(p, "ceil_mode", 1);
  m.output("y");
  const Graph g = import(m);
  const PoolAttrs& a = std::get<PoolAttrs>(g.nodes.at(0).attrs);
  EXPECT_EQ(a.kind, PoolAttrs::Kind::kAverage);
  EXPECT_TRUE(a.count_include_pad);
  EXPECT_FALSE(a.ceil_mode);  // auto_pad fixes the output size
  EXPECT_EQ(a.window.pad_top, 1);
  EXPECT_EQ(a.window.pad_bottom, 0);
  EXPECT_EQ(output_shape(g), Shape({1, 3, 4, 4}));
}

TEST(OnnxPool, RefusedPoolForms) {
  ModelBuilder indices(12);
  indices.input("x", {1, 2, 8, 8});
  attr_ints(indices.node("MaxPool", {"x"}, {"y", "idx"}, "pool"), "kernel_shape", {2, 2});
  indices.output("y").output("idx");
  EXPECT_MESSAGE_HAS(import_error(indices),
                     "node 'pool' (MaxPool): output 'Indices' ('idx') is used");

  ModelBuilder dilated(12);
  dilated.input("x", {1, 2, 8, 8});
  onnx::NodeProto& p = dilated.node("MaxPool", {"x"}, {"y"}, "pool");
  attr_ints(p, "kernel_shape", {2, 2});
  attr_ints(p, "dilations", {2, 2});
  dilated.output("y");
  EXPECT_MESSAGE_HAS(import_error(dilated), "node 'pool' (MaxPool): attribute 'dilations'");

  ModelBuilder old_ceil(9);
  old_ceil.input("x", {1, 2, 8, 8});
  onnx::NodeProto& q = old_ceil.node("MaxPool", {"x"}, {"y"}, "pool");
  attr_ints(q, "kernel_shape", {2, 2});
  attr_int(q, "ceil_mode", 1);
  old_ceil.output("y");
  EXPECT_MESSAGE_HAS(import_error(old_ceil),
                     "attribute 'ceil_mode' is not part of MaxPool before opset 10");

  ModelBuilder pool1d(12);
  pool1d.input("x", {1, 2, 8, 8});
  attr_ints(pool1d.node("AveragePool", {"x"}, {"y"}, "avg"), "kernel_shape", {2});
  pool1d.output("y");
  EXPECT_MESSAGE_HAS(import_error(pool1d), "node 'avg' (AveragePool): only 2-D pooling");
}

TEST(OnnxPool, GlobalAverageAndMaxPool) {
  for (const auto& [onnx_op, op] : {std::pair{"GlobalAveragePool", OpKind::kGlobalAveragePool},
                                    std::pair{"GlobalMaxPool", OpKind::kGlobalMaxPool}}) {
    SCOPED_TRACE(onnx_op);
    ModelBuilder m(13);
    m.input("x", {1, 7, 5, 3});
    m.node(onnx_op, {"x"}, {"y"}, "pool");
    m.output("y");
    const Graph g = import(m);
    EXPECT_EQ(g.nodes.at(0).op, op);
    EXPECT_EQ(output_shape(g), Shape({1, 7, 1, 1}));
    EXPECT_TRUE(needs_whole_input(g.nodes.at(0)));
  }
}

// ---------------------------------------------------------------- Flatten, Gemm

TEST(OnnxFlatten, FeatureMapToVectorAndNoOpOnVectors) {
  ModelBuilder m(13);
  m.input("x", {1, 4, 3, 2});
  m.node("Flatten", {"x"}, {"f"}, "flatten");
  m.node("Flatten", {"f"}, {"y"}, "flatten_again");
  m.output("y");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, OpKind::kFlatten);
  EXPECT_EQ(output_shape(g), Shape({1, 24}));
  EXPECT_EQ(g.values[g.outputs[0]].name, "y");

  ModelBuilder axis0(13);
  axis0.input("x", {1, 4, 3, 2});
  attr_int(axis0.node("Flatten", {"x"}, {"y"}, "flatten"), "axis", 0);
  axis0.output("y");
  EXPECT_EQ(output_shape(import(axis0)), Shape({1, 24}));

  ModelBuilder axis2(13);
  axis2.input("x", {1, 4, 3, 2});
  attr_int(axis2.node("Flatten", {"x"}, {"y"}, "flat2"), "axis", 2);
  axis2.output("y");
  const std::string msg = import_error(axis2);
  EXPECT_MESSAGE_HAS(msg, "node 'flat2' (Flatten)");
  EXPECT_MESSAGE_HAS(msg, "(1x4x3x2) to 4x6 is not supported");
}

// x [1, 2, 1, 3] -> Flatten -> Gemm(B, C) -> y
ModelBuilder gemm_model(int64_t opset, bool trans_b, const std::vector<int64_t>& c_dims,
                        const std::vector<float>& c, float alpha, float beta) {
  ModelBuilder m(opset);
  m.input("x", {1, 2, 1, 3});
  m.node("Flatten", {"x"}, {"f"}, "flatten");
  const std::vector<float> b = random_floats(6 * 4, 21);
  m.initializer("B", trans_b ? std::vector<int64_t>{4, 6} : std::vector<int64_t>{6, 4}, b);
  std::vector<std::string> inputs = {"f", "B"};
  if (!c.empty()) {
    m.initializer("C", c_dims, c);
    inputs.push_back("C");
  }
  onnx::NodeProto& gemm = m.node("Gemm", inputs, {"y"}, "fc");
  attr_int(gemm, "transB", trans_b);
  attr_float(gemm, "alpha", alpha);
  attr_float(gemm, "beta", beta);
  m.output("y");
  return m;
}

TEST(OnnxGemm, WeightNormalisedToOutputsByInputs) {
  const std::vector<float> b = random_floats(6 * 4, 21);
  for (bool trans_b : {false, true}) {
    const Graph g = import(gemm_model(13, trans_b, {4}, {1, 2, 3, 4}, 0.5f, 2.0f));
    ASSERT_EQ(g.nodes.size(), 2u);
    const GemmAttrs& a = std::get<GemmAttrs>(node_named(g, "fc")->attrs);
    ASSERT_EQ(a.weight.shape(), Shape({4, 6}));
    for (int64_t n = 0; n < 4; ++n)
      for (int64_t k = 0; k < 6; ++k)
        EXPECT_FLOAT_EQ(a.weight.values()[n * 6 + k],
                        0.5f * (trans_b ? b[n * 6 + k] : b[k * 4 + n]))
            << "transB " << trans_b;
    EXPECT_EQ(a.bias, std::vector<float>({2, 4, 6, 8}));
    EXPECT_EQ(output_shape(g), Shape({1, 4}));
  }
}

TEST(OnnxGemm, BiasBroadcastForms) {
  EXPECT_EQ(
      std::get<GemmAttrs>(import(gemm_model(13, true, {1}, {3}, 1, 1)).nodes.at(1).attrs).bias,
      std::vector<float>(4, 3.0f));
  EXPECT_EQ(std::get<GemmAttrs>(
                import(gemm_model(13, true, {1, 4}, {1, 2, 3, 4}, 1, 1)).nodes.at(1).attrs)
                .bias,
            std::vector<float>({1, 2, 3, 4}));
  EXPECT_EQ(std::get<GemmAttrs>(import(gemm_model(13, true, {}, {}, 1, 1)).nodes.at(1).attrs).bias,
            std::vector<float>(4, 0.0f));
  EXPECT_MESSAGE_HAS(import_error(gemm_model(13, true, {4, 1}, {1, 2, 3, 4}, 1, 1)),
                     "input 'C' (C, 4x1) does not broadcast to 1x4");
  EXPECT_MESSAGE_HAS(import_error(gemm_model(9, true, {}, {}, 1, 1)),
                     "input 2 (C) is required before opset 11");
}

TEST(OnnxGemm, TransAIsRefused) {
  ModelBuilder m = gemm_model(13, true, {4}, {1, 2, 3, 4}, 1, 1);
  attr_int(*m.graph().mutable_node(1), "transA", 1);
  EXPECT_MESSAGE_HAS(import_error(m), "node 'fc' (Gemm): attribute 'transA' = 1");
}

// ---------------------------------------------------------------- Pad

TEST(OnnxPad, AttributeAndInputForms) {
  ModelBuilder old(9);
  old.input("x", {1, 2, 4, 5});
  onnx::NodeProto& p = old.node("Pad", {"x"}, {"y"}, "pad");
  attr_ints(p, "pads", {0, 1, 2, 3, 0, 4, 5, 6});
  attr_float(p, "value", 1.5f);
  old.output("y");
  ModelBuilder now(13);
  now.input("x", {1, 2, 4, 5});
  now.initializer_int64("pads", {8}, {0, 1, 2, 3, 0, 4, 5, 6});
  now.initializer("v", {}, {1.5f});
  now.node("Pad", {"x", "pads", "v"}, {"y"}, "pad");
  now.output("y");
  for (const ModelBuilder* m : {&old, &now}) {
    const Graph g = import(*m);
    ASSERT_EQ(g.nodes.size(), 1u);
    const PadAttrs& a = std::get<PadAttrs>(g.nodes[0].attrs);
    EXPECT_EQ(a.channels_begin, 1);
    EXPECT_EQ(a.top, 2);
    EXPECT_EQ(a.left, 3);
    EXPECT_EQ(a.channels_end, 4);
    EXPECT_EQ(a.bottom, 5);
    EXPECT_EQ(a.right, 6);
    EXPECT_EQ(a.value, 1.5f);
    EXPECT_EQ(output_shape(g), Shape({1, 7, 11, 14}));
  }
}

TEST(OnnxPad, RefusedForms) {
  ModelBuilder reflect(13);
  reflect.input("x", {1, 2, 4, 5});
  reflect.initializer_int64("pads", {8}, {0, 0, 1, 1, 0, 0, 1, 1});
  attr_string(reflect.node("Pad", {"x", "pads"}, {"y"}, "pad"), "mode", "reflect");
  reflect.output("y");
  EXPECT_MESSAGE_HAS(import_error(reflect), "node 'pad' (Pad): attribute 'mode' = 'reflect'");

  ModelBuilder batch(13);
  batch.input("x", {1, 2, 4, 5});
  batch.initializer_int64("pads", {8}, {1, 0, 0, 0, 0, 0, 0, 0});
  batch.node("Pad", {"x", "pads"}, {"y"}, "pad");
  batch.output("y");
  EXPECT_MESSAGE_HAS(import_error(batch), "pads on N must be 0");

  ModelBuilder attr_in_new(11);
  attr_in_new.input("x", {1, 2, 4, 5});
  attr_ints(attr_in_new.node("Pad", {"x"}, {"y"}, "pad"), "pads", {0, 0, 1, 1, 0, 0, 1, 1});
  attr_in_new.output("y");
  EXPECT_MESSAGE_HAS(import_error(attr_in_new),
                     "attribute 'pads' is not part of Pad from opset 11");
}

// ---------------------------------------------------------------- removed ops

TEST(OnnxRemoved, IdentityAndDropoutVanish) {
  for (int64_t opset : {9, 13}) {
    ModelBuilder m = conv_model(opset, 3, 6, 6, 4);
    m.node("Identity", {"conv_out"}, {"i"}, "identity");
    m.node("Dropout", {"i"}, {"d", "mask"}, "dropout");
    m.node("Relu", {"d"}, {"y"}, "relu");
    m.output("y");
    const Graph g = import(m);
    ASSERT_EQ(g.nodes.size(), 1u) << "opset " << opset;
    EXPECT_EQ(std::get<ConvAttrs>(g.nodes[0].attrs).activation.kind, Activation::Kind::kRelu);
    EXPECT_EQ(g.values[g.outputs[0]].name, "y");
  }
  ModelBuilder mask(13);
  mask.input("x", {1, 3, 4, 4});
  mask.node("Dropout", {"x"}, {"d", "mask"}, "dropout");
  mask.node("Relu", {"d"}, {"y"}, "relu");
  mask.output("y").output("mask");
  EXPECT_MESSAGE_HAS(import_error(mask), "node 'dropout' (Dropout): output 1 ('mask') is used");
}

}  // namespace
}  // namespace edgeflow::onnx_test
