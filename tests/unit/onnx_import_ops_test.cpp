// ONNX importer, the ops of modern mobile, segmentation and detection CNNs:
// ConvTranspose, Resize/Upsample per opset, the new activations (and the
// HardSwish/Swish patterns of opset-13 exports), broadcasting binary ops,
// reductions, Softmax per opset, MatMul, Transpose and channel shuffles, PRelu;
// and the refusals that name the node, the op and the attribute. (Constants
// and the subgraphs folded to them: onnx_import_constants_test.cpp.)
#include <gtest/gtest.h>

#include "onnx_import_checks.h"

namespace edgeflow::onnx_test {
namespace {

// ---------------------------------------------------------------- ConvTranspose

ModelBuilder conv_transpose_model(int64_t c_in, int64_t c_out, int64_t k, int64_t h = 5) {
  ModelBuilder m(13);
  m.input("x", {1, c_in, h, 6});
  m.initializer("w", {c_in, c_out, k, k}, random_floats(size_t(c_in * c_out * k * k), 3));
  m.initializer("b", {c_out}, random_floats(size_t(c_out), 4));
  m.output("y");
  return m;
}

TEST(OnnxConvTranspose, AttributesShapeAndFusedRelu) {
  ModelBuilder m = conv_transpose_model(4, 3, 3);
  onnx::NodeProto& n = m.node("ConvTranspose", {"x", "w", "b"}, {"t"}, "up");
  attr_ints(n, "strides", {2, 2});
  attr_ints(n, "pads", {1, 1, 1, 1});
  attr_ints(n, "output_padding", {1, 0});
  m.node("Relu", {"t"}, {"y"}, "relu");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.size(), 1u);
  const auto& a = std::get<ConvTransposeAttrs>(g.nodes[0].attrs);
  EXPECT_EQ(a.output_padding_h, 1);
  EXPECT_EQ(a.activation.kind, Activation::Kind::kRelu);
  // H: 2*4 + 3 - 2 + 1 = 10, W: 2*5 + 3 - 2 = 11.
  EXPECT_EQ(output_shape(g), Shape({1, 3, 10, 11}));
  // Output rows [3, 6) read input rows i with 2i - 1 <= r < 2i + 2: [1, 4).
  EXPECT_EQ(required_input_rows(g, g.nodes[0], 0, {3, 6}), (RowRange{1, 4}));
}

TEST(OnnxConvTranspose, OutputShapeAndAutoPad) {
  ModelBuilder m = conv_transpose_model(2, 2, 3);
  onnx::NodeProto& n = m.node("ConvTranspose", {"x", "w"}, {"y"}, "up");
  attr_ints(n, "strides", {2, 2});
  attr_ints(n, "output_shape", {9, 11});  // total padding 2 on both axes
  EXPECT_EQ(output_shape(import(m)), Shape({1, 2, 9, 11}));

  ModelBuilder odd = conv_transpose_model(2, 2, 3);
  attr_ints(attr_ints(odd.node("ConvTranspose", {"x", "w"}, {"y"}, "up"), "strides", {2, 2}),
            "output_shape", {10, 11});
  const std::string msg = import_error(odd);
  EXPECT_MESSAGE_HAS(msg, "node 'up' (ConvTranspose): attribute 'output_shape'");
  EXPECT_MESSAGE_HAS(msg, "odd total padding");

  ModelBuilder same = conv_transpose_model(2, 2, 2);
  attr_string(attr_ints(same.node("ConvTranspose", {"x", "w"}, {"y"}, "up"), "strides", {2, 2}),
              "auto_pad", "SAME_UPPER");
  EXPECT_EQ(output_shape(import(same)), Shape({1, 2, 10, 12}));
}

TEST(OnnxConvTranspose, ThreeDimensionalIsRefusedNamingTheAttribute) {
  ModelBuilder m(13);
  m.input("x", {1, 2, 4, 4, 4});
  m.initializer("w", {2, 2, 3, 3, 3}, random_floats(108, 5));
  attr_ints(m.node("ConvTranspose", {"x", "w"}, {"y"}, "up3d"), "kernel_shape", {3, 3, 3});
  m.output("y");
  const std::string msg = import_error(m);
  EXPECT_MESSAGE_HAS(msg, "node 'up3d' (ConvTranspose)");
  EXPECT_MESSAGE_HAS(msg, "attribute 'kernel_shape' has 3 dims");
}

// ---------------------------------------------------------------- Resize

TEST(OnnxResize, Opset13ScalesAndSizes) {
  ModelBuilder m = map_model(13);
  m.initializer("scales", {4}, {1, 1, 2, 1.5f});
  onnx::NodeProto& n = m.node("Resize", {"x", "", "scales"}, {"y"}, "up");
  attr_string(n, "mode", "nearest");
  attr_string(n, "coordinate_transformation_mode", "asymmetric");
  attr_string(n, "nearest_mode", "floor");
  const Graph g = import(m);
  EXPECT_EQ(output_shape(g), Shape({1, 3, 10, 10}));  // floor(7 * 1.5)
  const auto& a = std::get<ResizeAttrs>(g.nodes[0].attrs);
  EXPECT_EQ(a.coordinate, ResizeAttrs::Coordinate::kAsymmetric);
  EXPECT_EQ(a.nearest, ResizeAttrs::Nearest::kFloor);
  EXPECT_FALSE(a.sizes_given);
  EXPECT_EQ(required_input_rows(g, g.nodes[0], 0, {3, 6}), (RowRange{1, 3}));

  ModelBuilder sizes = map_model(13);
  sizes.initializer_int64("sizes", {4}, {1, 3, 9, 4});
  attr_string(sizes.node("Resize", {"x", "", "", "sizes"}, {"y"}, "up"), "mode", "linear");
  const Graph gs = import(sizes);
  EXPECT_EQ(output_shape(gs), Shape({1, 3, 9, 4}));
  EXPECT_EQ(std::get<ResizeAttrs>(gs.nodes[0].attrs).coordinate,
            ResizeAttrs::Coordinate::kHalfPixel);
}

TEST(OnnxResize, Opset10AndUpsampleAreAsymmetric) {
  ModelBuilder r10 = map_model(10);
  r10.initializer("scales", {4}, {1, 1, 0.6f, 2});
  r10.node("Resize", {"x", "scales"}, {"y"}, "r");
  const Graph g = import(r10);
  EXPECT_EQ(output_shape(g), Shape({1, 3, 3, 14}));
  EXPECT_EQ(std::get<ResizeAttrs>(g.nodes[0].attrs).nearest, ResizeAttrs::Nearest::kSimple);

  ModelBuilder up = map_model(9);
  up.initializer("scales", {4}, {1, 1, 2, 2});
  attr_string(up.node("Upsample", {"x", "scales"}, {"y"}, "u"), "mode", "linear");
  const Graph gu = import(up);
  EXPECT_EQ(output_shape(gu), Shape({1, 3, 10, 14}));
  EXPECT_EQ(std::get<ResizeAttrs>(gu.nodes[0].attrs).coordinate,
            ResizeAttrs::Coordinate::kAsymmetric);
}

TEST(OnnxResize, UnsupportedModesAreRefusedNamingTheAttribute) {
  ModelBuilder cubic = map_model(13);
  cubic.initializer("scales", {4}, {1, 1, 2, 2});
  attr_string(cubic.node("Resize", {"x", "", "scales"}, {"y"}, "cubic_up"), "mode", "cubic");
  EXPECT_MESSAGE_HAS(import_error(cubic),
                     "node 'cubic_up' (Resize): attribute 'mode' = 'cubic' is not supported");

  ModelBuilder crop = map_model(13);
  crop.initializer("scales", {4}, {1, 1, 2, 2});
  attr_string(crop.node("Resize", {"x", "", "scales"}, {"y"}, "crop"),
              "coordinate_transformation_mode", "tf_crop_and_resize");
  EXPECT_MESSAGE_HAS(import_error(crop), "attribute 'coordinate_transformation_mode' = "
                                         "'tf_crop_and_resize' is not supported");

  ModelBuilder channels = map_model(13);
  channels.initializer("scales", {4}, {1, 2, 2, 2});
  channels.node("Resize", {"x", "", "scales"}, {"y"}, "c");
  EXPECT_MESSAGE_HAS(import_error(channels), "on N and C are not supported");
}

// ---------------------------------------------------------------- activations

TEST(OnnxActivation, NewActivationsFuseIntoTheConv) {
  struct Case {
    const char* op;
    Activation::Kind kind;
  };
  for (const Case& c : {Case{"LeakyRelu", Activation::Kind::kLeakyRelu},
                        Case{"Sigmoid", Activation::Kind::kSigmoid},
                        Case{"HardSigmoid", Activation::Kind::kHardSigmoid},
                        Case{"Tanh", Activation::Kind::kTanh},
                        Case{"HardSwish", Activation::Kind::kHardSwish},
                        Case{"Elu", Activation::Kind::kElu},
                        Case{"Selu", Activation::Kind::kSelu},
                        Case{"Softplus", Activation::Kind::kSoftplus},
                        Case{"Abs", Activation::Kind::kAbs},
                        Case{"Neg", Activation::Kind::kNeg},
                        Case{"Exp", Activation::Kind::kExp},
                        Case{"Log", Activation::Kind::kLog}}) {
    ModelBuilder m = conv_then(14);
    m.node(c.op, {"c"}, {"y"}, "act");
    const Graph g = import(m);
    ASSERT_EQ(g.nodes.size(), 1u) << c.op;
    EXPECT_EQ(std::get<ConvAttrs>(g.nodes[0].attrs).activation.kind, c.kind) << c.op;
  }
  ModelBuilder leaky = conv_then(13);
  attr_float(leaky.node("LeakyRelu", {"c"}, {"y"}, "act"), "alpha", 0.3f);
  EXPECT_EQ(std::get<ConvAttrs>(import(leaky).nodes[0].attrs).activation.alpha, 0.3f);
}

TEST(OnnxActivation, ErfStaysStandaloneAndSqrtOfAConstantFolds) {
  for (const char* op : {"Erf", "Softsign", "Floor", "Ceil"}) {  // no oneDNN post-op
    ModelBuilder m = conv_then(13);
    m.node(op, {"c"}, {"y"}, "act");
    EXPECT_EQ(ops(import(m)), (std::vector<OpKind>{OpKind::kConv, OpKind::kActivation})) << op;
  }

  ModelBuilder s = conv_relu_then(13);
  s.initializer("four", {}, {4.0f});
  s.node("Sqrt", {"four"}, {"two"}, "sqrt");
  s.node("Mul", {"c", "two"}, {"y"}, "scale");
  const Graph g = import(s);
  ASSERT_EQ(g.nodes.back().op, OpKind::kBinary);
  EXPECT_EQ(std::get<BinaryAttrs>(g.nodes.back().attrs).constant.values(),
            std::vector<float>{2.0f});
}

// Selu's alpha and gamma default to ONNX's constants; Neg and Abs of an
// integer constant (shape arithmetic) stay integers.
TEST(OnnxActivation, SeluDefaultsAndIntegerNegAndAbsFold) {
  ModelBuilder m = conv_then(9);
  m.node("Selu", {"c"}, {"y"}, "selu");
  const Activation a = std::get<ConvAttrs>(import(m).nodes[0].attrs).activation;
  EXPECT_FLOAT_EQ(a.alpha, 1.67326319f);
  EXPECT_FLOAT_EQ(a.beta, 1.05070102f);

  ModelBuilder crop = conv_then(13);
  crop.initializer_int64("minus_two", {1}, {-2});
  crop.initializer_int64("big", {1}, {100});
  crop.initializer_int64("axis", {1}, {1});
  crop.node("Abs", {"minus_two"}, {"two"}, "abs");
  crop.node("Neg", {"two"}, {"back"}, "neg");
  crop.node("Neg", {"back"}, {"start"}, "neg2");
  crop.node("Slice", {"c", "start", "big", "axis"}, {"y"}, "drop_first_two");
  const Graph g = import(crop);
  EXPECT_EQ(output_shape(g), Shape({1, 1, 6, 5}));  // channels [2, 3) of 3
}

TEST(OnnxActivation, Opset13HardSwishAndSiluPatternsBecomeOneActivation) {
  ModelBuilder hs = conv_then(13);
  attr_float(hs.node("HardSigmoid", {"c"}, {"g"}, "gate"), "alpha", 1.0f / 6.0f);
  hs.node("Mul", {"c", "g"}, {"y"}, "mul");
  const Graph g = import(hs);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(std::get<ConvAttrs>(g.nodes[0].attrs).activation.kind,
            Activation::Kind::kHardSwish);

  ModelBuilder silu = conv_then(13);
  silu.node("Sigmoid", {"c"}, {"g"}, "gate");
  silu.node("Mul", {"g", "c"}, {"y"}, "mul");
  const Graph gs = import(silu);
  ASSERT_EQ(gs.nodes.size(), 1u);
  EXPECT_EQ(std::get<ConvAttrs>(gs.nodes[0].attrs).activation.kind, Activation::Kind::kSwish);

  ModelBuilder se = conv_then(13);  // an SE gate: a pooled vector, not x itself
  se.node("GlobalAveragePool", {"c"}, {"p"}, "pool");
  se.node("HardSigmoid", {"p"}, {"g"}, "gate");
  se.node("Mul", {"g", "c"}, {"y"}, "scale");
  EXPECT_EQ(import(se).nodes.back().op, OpKind::kBinary);
}

// ---------------------------------------------------------------- binary ops

TEST(OnnxBinary, ConstantsOnEitherSideAndPow) {
  ModelBuilder sub = conv_then(13);
  sub.initializer("one", {}, {1.0f});
  sub.node("Sub", {"one", "c"}, {"y"}, "one_minus");
  const Graph g = import(sub);
  const auto& b = std::get<BinaryAttrs>(g.nodes.back().attrs);
  EXPECT_EQ(b.kind, BinaryAttrs::Kind::kSub);
  EXPECT_EQ(b.constant_index, 0);
  EXPECT_EQ(b.constant.shape(), Shape({1, 1, 1, 1}));

  ModelBuilder square = conv_then(13);
  square.initializer("two", {1}, {2.0f});
  square.node("Pow", {"c", "two"}, {"y"}, "square");
  const Graph squared = import(square);  // a reference into a temporary would dangle
  const auto& a = std::get<ConvAttrs>(squared.nodes[0].attrs).activation;
  EXPECT_EQ(a.kind, Activation::Kind::kPow);
  EXPECT_EQ(a.alpha, 2.0f);

  ModelBuilder tensor_pow = conv_then(13);
  tensor_pow.initializer("e", {3, 1, 1}, {1, 2, 3});
  tensor_pow.node("Pow", {"c", "e"}, {"y"}, "pow");
  const Graph gp = import(tensor_pow);
  EXPECT_EQ(std::get<BinaryAttrs>(gp.nodes.back().attrs).constant.shape(), Shape({1, 3, 1, 1}));
}

// Sum, Mean, Max and Min of any number of inputs: a chain of binary nodes
// (Mean then times 1/n), constants folded, one input the input itself.
TEST(OnnxBinary, SumMeanMaxMinOfManyInputsAreChainsOfBinaries) {
  ModelBuilder m = conv_then(9);
  m.initializer("k1", {3, 1, 1}, {1.0f, -2.0f, 3.0f});
  m.initializer("k2", {1}, {0.5f});
  m.node("Sum", {"c", "c", "c"}, {"s"}, "sum3");
  m.node("Max", {"k1", "k2"}, {"kmax"}, "max_of_constants");
  m.node("Max", {"s", "kmax"}, {"mx"}, "max2");
  m.node("Min", {"mx"}, {"mn"}, "min1");
  m.node("Mean", {"mn", "c"}, {"y"}, "mean2");
  const Graph g = import(m);
  std::vector<BinaryAttrs::Kind> kinds;
  for (const Node& n : g.nodes)
    if (const auto* b = std::get_if<BinaryAttrs>(&n.attrs)) kinds.push_back(b->kind);
  using K = BinaryAttrs::Kind;
  EXPECT_EQ(kinds, (std::vector<K>{K::kAdd, K::kAdd, K::kMax, K::kAdd, K::kMul}));
  const Node* max2 = node_named(g, "max2");
  ASSERT_NE(max2, nullptr);
  EXPECT_EQ(std::get<BinaryAttrs>(max2->attrs).constant.values(),
            (std::vector<float>{1.0f, 0.5f, 3.0f}));  // Max of the constants, folded
  EXPECT_EQ(std::get<BinaryAttrs>(node_named(g, "mean2")->attrs).constant.values(),
            std::vector<float>{0.5f});
  ModelBuilder none = conv_then(9);
  none.node("Sum", {}, {"y"}, "sum0");
  EXPECT_MESSAGE_HAS(import_error(none), "node 'sum0' (Sum): has no inputs");
}

TEST(OnnxBinary, IntegerShapeArithmeticFolds) {
  // The U-Net pad of torch exports: (skip H - x H) // 2 from Shape ops.
  ModelBuilder m = conv_then(13);
  m.node("Shape", {"c"}, {"s"}, "shape");
  m.initializer_int64("two", {}, {2});
  m.node("Div", {"s", "two"}, {"half"}, "half");
  m.node("Sub", {"s", "half"}, {"rest"}, "rest");
  m.initializer_int64("zero", {1}, {0});
  m.node("ConstantOfShape", {"zero"}, {"empty"}, "nothing");
  m.node("Reshape", {"c", "s"}, {"y"}, "same");
  const Graph g = import(m);
  EXPECT_EQ(g.nodes.size(), 1u);
}

// ---------------------------------------------------------------- reductions, softmax

TEST(OnnxReduce, AxesKeepdimsAndRowLocality) {
  ModelBuilder spatial = conv_then(13);
  attr_ints(spatial.node("ReduceMean", {"c"}, {"y"}, "mean_hw"), "axes", {2, 3});
  const Graph g = import(spatial);
  EXPECT_EQ(output_shape(g), Shape({1, 3, 1, 1}));
  EXPECT_TRUE(needs_whole_input(g.nodes.back()));

  ModelBuilder channels = conv_then(13);
  attr_int(attr_ints(channels.node("ReduceMean", {"c"}, {"y"}, "mean_c"), "axes", {1}),
           "keepdims", 0);
  const Graph gc = import(channels);
  EXPECT_EQ(output_shape(gc), Shape({1, 6, 5}));
  EXPECT_EQ(ops(gc), (std::vector<OpKind>{OpKind::kConv, OpKind::kReduce, OpKind::kReshape}));
  for (const Node& n : gc.nodes) EXPECT_FALSE(needs_whole_input(n)) << n.name;

  ModelBuilder sum = conv_then(13);
  sum.initializer_int64("axes", {1}, {-1});
  sum.node("ReduceSum", {"c", "axes"}, {"y"}, "sum_w");
  EXPECT_EQ(output_shape(import(sum)), Shape({1, 3, 6, 1}));
}

TEST(OnnxSoftmax, AxisSemanticsPerOpset) {
  ModelBuilder old = conv_then(11);
  old.node("Softmax", {"c"}, {"y"}, "softmax");  // axis 1: all of C*H*W
  const Graph g = import(old);
  const auto& s = std::get<SoftmaxAttrs>(g.nodes.back().attrs);
  EXPECT_TRUE(s.coerced);
  EXPECT_EQ(s.axis, -3);
  EXPECT_TRUE(needs_whole_input(g.nodes.back()));

  ModelBuilder now = conv_then(13);
  attr_int(now.node("Softmax", {"c"}, {"y"}, "softmax"), "axis", 1);  // per pixel
  const Graph gn = import(now);
  EXPECT_FALSE(std::get<SoftmaxAttrs>(gn.nodes.back().attrs).coerced);
  EXPECT_FALSE(needs_whole_input(gn.nodes.back()));
}

// ---------------------------------------------------------------- MatMul, Transpose, shuffles

TEST(OnnxMatMul, TokensTimesAConstant) {
  ModelBuilder m = conv_then(13);
  m.initializer_int64("target", {3}, {1, 3, 30});
  m.node("Reshape", {"c", "target"}, {"tokens"}, "flatten_hw");
  attr_ints(m.node("Transpose", {"tokens"}, {"t"}, "to_tokens"), "perm", {0, 2, 1});
  m.initializer("mlp_w", {3, 8}, random_floats(24, 7));
  m.node("MatMul", {"t", "mlp_w"}, {"y"}, "mlp");
  const Graph g = import(m);
  EXPECT_EQ(output_shape(g), Shape({1, 30, 8}));
  EXPECT_EQ(ops(g), (std::vector<OpKind>{OpKind::kConv, OpKind::kReshape, OpKind::kTranspose,
                                         OpKind::kMatMul}));
  EXPECT_FALSE(needs_whole_input(g.nodes.back()));  // token rows are independent
}

TEST(OnnxShuffle, ChannelShuffleIsOneRowLocalPermute) {
  ModelBuilder m(13);
  m.input("x", {1, 6, 4, 5});
  m.initializer_int64("grouped", {5}, {1, 2, 3, 4, 5});
  m.node("Reshape", {"x", "grouped"}, {"g"}, "group");
  attr_ints(m.node("Transpose", {"g"}, {"t"}, "swap"), "perm", {0, 2, 1, 3, 4});
  m.initializer_int64("flat", {4}, {1, 6, 4, 5});
  m.node("Reshape", {"t", "flat"}, {"y"}, "ungroup");
  m.output("y");
  const Graph g = import(m);
  ASSERT_EQ(ops(g), std::vector<OpKind>{OpKind::kChannelGather});
  EXPECT_EQ(std::get<ChannelGatherAttrs>(g.nodes[0].attrs).source,
            (std::vector<int64_t>{0, 3, 1, 4, 2, 5}));
  EXPECT_FALSE(needs_whole_input(g.nodes[0]));

  ModelBuilder bad(13);
  bad.input("x", {1, 6, 4, 5});
  bad.initializer_int64("grouped", {5}, {1, 2, 3, 4, 5});
  bad.node("Reshape", {"x", "grouped"}, {"g"}, "group");
  attr_ints(bad.node("Transpose", {"g"}, {"t"}, "mix"), "perm", {0, 3, 2, 1, 4});
  bad.initializer_int64("flat", {4}, {1, 6, 4, 5});
  bad.node("Reshape", {"t", "flat"}, {"y"}, "ungroup");
  bad.output("y");
  const std::string msg = import_error(bad);
  EXPECT_MESSAGE_HAS(msg, "node 'mix' (Transpose): attribute 'perm' [0, 3, 2, 1, 4] moves N, H or W");
}

// ---------------------------------------------------------------- LayerNormalization

TEST(OnnxLayerNorm, Opset17BetweenChannelsLastTransposesRunsOnTheMapsChannels) {
  ModelBuilder m = conv_then(17);
  attr_ints(m.node("Transpose", {"c"}, {"t"}, "to_last"), "perm", {0, 2, 3, 1});
  m.initializer("gamma", {3}, {1.0f, 2.0f, 0.5f});
  m.initializer("beta", {3}, {0.0f, 0.1f, -0.1f});
  attr_float(m.node("LayerNormalization", {"t", "gamma", "beta"}, {"n"}, "norm"), "epsilon",
             1e-6f);
  attr_ints(m.node("Transpose", {"n"}, {"y"}, "to_first"), "perm", {0, 3, 1, 2});
  const Graph g = import(m);
  ASSERT_EQ(ops(g), (std::vector<OpKind>{OpKind::kConv, OpKind::kLayerNorm}));
  const LayerNormAttrs& ln = std::get<LayerNormAttrs>(g.nodes[1].attrs);
  EXPECT_EQ(ln.axis, -3);
  EXPECT_FLOAT_EQ(ln.epsilon, 1e-6f);
  EXPECT_EQ(ln.scale, (std::vector<float>{1.0f, 2.0f, 0.5f}));
  EXPECT_EQ(output_shape(g), Shape({1, 3, 6, 5}));
}

// A channels-last map normalized and left so: the LayerNorm runs over the
// map's channels, and the output, [1, H, W, C], is one Transpose of it.
TEST(OnnxLayerNorm, OverTheLastAxisOfAMapLeftChannelsLastRunsOnTheChannels) {
  ModelBuilder m = conv_then(17);
  attr_ints(m.node("Transpose", {"c"}, {"t"}, "to_last"), "perm", {0, 2, 3, 1});
  m.initializer("gamma", {3}, {1.0f, 2.0f, 0.5f});
  m.node("LayerNormalization", {"t", "gamma"}, {"y"}, "norm_last");
  const Graph g = import(m);
  EXPECT_EQ(ops(g), (std::vector<OpKind>{OpKind::kConv, OpKind::kLayerNorm, OpKind::kTranspose}));
  EXPECT_EQ(std::get<LayerNormAttrs>(g.nodes[1].attrs).axis, -3);
  EXPECT_EQ(output_shape(g), Shape({1, 6, 5, 3}));
}

// A channels-last map flattened to tokens [1, H*W, C] (as Swin V2 and many
// ViT hybrids write it) reads the transposed map: a Transpose, then tokens.
TEST(OnnxLayerNorm, AChannelsLastMapReshapedToTokensReadsTheTransposedMap) {
  ModelBuilder m = conv_then(17);
  attr_ints(m.node("Transpose", {"c"}, {"t"}, "to_last"), "perm", {0, 2, 3, 1});
  m.initializer_int64("tokens", {3}, {1, 30, 3});
  m.node("Reshape", {"t", "tokens"}, {"r"}, "to_tokens");
  m.initializer("gamma", {3}, {1.0f, 2.0f, 0.5f});
  m.node("LayerNormalization", {"r", "gamma"}, {"y"}, "norm");
  const Graph g = import(m);
  EXPECT_EQ(ops(g), (std::vector<OpKind>{OpKind::kConv, OpKind::kTranspose, OpKind::kReshape,
                                         OpKind::kLayerNorm}));
  EXPECT_EQ(output_shape(g), Shape({1, 30, 3}));
}

// The last axis of a map that is not a channels-last view of one (a Reshape
// made it) has no kernel: refused naming the node and the way out.
TEST(OnnxLayerNorm, OverTheLastAxisOfAReshapedMapIsRefusedNamingTheNode) {
  ModelBuilder m = conv_then(17);
  m.initializer_int64("shape", {4}, {1, 6, 5, 3});
  m.node("Reshape", {"c", "shape"}, {"t"}, "regroup");
  m.initializer("gamma", {3}, {1.0f, 2.0f, 0.5f});
  m.node("LayerNormalization", {"t", "gamma"}, {"y"}, "norm_last");
  const std::string msg = import_error(m);
  EXPECT_MESSAGE_HAS(msg, "node 'norm_last' (1x6x5x3)");
  EXPECT_MESSAGE_HAS(msg, "channels-last map, a Transpose (0,2,3,1) of an NCHW map");

  ModelBuilder several_axes = conv_then(17);
  attr_int(several_axes.node("LayerNormalization", {"c", "w"}, {"y"}, "norm_chw"), "axis", 1);
  EXPECT_MESSAGE_HAS(import_error(several_axes), "only a normalization over the last axis");
}

// ---------------------------------------------------------------- channels of computed maps

TEST(OnnxChannelGather, SplitSliceAndGatherOfAComputedMapsChannelsBecomeGathers) {
  ModelBuilder m = conv_then(13);  // c: 3 channels
  m.initializer_int64("parts", {2}, {1, 2});
  attr_int(m.node("Split", {"c", "parts"}, {"first", "rest"}, "split"), "axis", 1);
  m.initializer_int64("starts", {1}, {-1});
  m.initializer_int64("ends", {1}, {-100});
  m.initializer_int64("axes", {1}, {1});
  m.initializer_int64("steps", {1}, {-1});
  m.node("Slice", {"rest", "starts", "ends", "axes", "steps"}, {"reversed"}, "reverse");
  m.initializer_int64("pick", {3}, {0, -1, 0});
  attr_int(m.node("Gather", {"reversed", "pick"}, {"picked"}, "pick"), "axis", 1);
  attr_int(m.node("Concat", {"first", "picked"}, {"y"}, "join"), "axis", 1);
  const Graph g = import(m);
  ASSERT_EQ(ops(g), (std::vector<OpKind>{OpKind::kConv, OpKind::kChannelGather,
                                         OpKind::kChannelGather, OpKind::kConcat}));
  // The Slice and the Gather composed over the Split's second part.
  EXPECT_EQ(std::get<ChannelGatherAttrs>(g.nodes[1].attrs).source, std::vector<int64_t>{0});
  EXPECT_EQ(std::get<ChannelGatherAttrs>(g.nodes[2].attrs).source,
            (std::vector<int64_t>{2, 1, 2}));
  EXPECT_EQ(output_shape(g), Shape({1, 4, 6, 5}));
}

TEST(OnnxChannelGather, AnyOtherAxisOfAComputedMapIsRefusedNamingTheNodeAndAxis) {
  ModelBuilder cols = conv_then(13);
  cols.initializer_int64("starts", {1}, {1});
  cols.initializer_int64("ends", {1}, {3});
  cols.initializer_int64("axes", {1}, {3});
  cols.node("Slice", {"c", "starts", "ends", "axes"}, {"y"}, "crop_cols");
  EXPECT_MESSAGE_HAS(import_error(cols),
                     "node 'crop_cols' (Slice): takes part of axis 3 of the computed 1x3x6x5 "
                     "tensor; only its features (axis 1) or its rows (axis 2) can be");

  ModelBuilder both = conv_then(13);
  both.initializer_int64("starts", {2}, {1, 1});
  both.initializer_int64("ends", {2}, {3, 3});
  both.initializer_int64("axes", {2}, {1, 2});
  both.node("Slice", {"c", "starts", "ends", "axes"}, {"y"}, "corner");
  EXPECT_MESSAGE_HAS(import_error(both), "node 'corner' (Slice): takes part of both the rows "
                                         "and the features");

  ModelBuilder scalar = conv_then(13);
  scalar.initializer_int64("one", {}, {1});
  attr_int(scalar.node("Gather", {"c", "one"}, {"y"}, "channel1"), "axis", 1);
  EXPECT_MESSAGE_HAS(import_error(scalar), "would change the tensor's rank");

  ModelBuilder uneven = conv_then(13);
  attr_int(uneven.node("Split", {"c"}, {"y", "z"}, "halves"), "axis", 1);
  EXPECT_MESSAGE_HAS(import_error(uneven), "node 'halves' (Split): dim 3 does not split into 2");
}

// ---------------------------------------------------------------- Model Zoo ops

// LRN, ImageScaler, DepthToSpace and SpaceToDepth become their nodes; the
// forms an opset lacks are refused naming the node and the attribute.
TEST(OnnxZooOps, LrnImageScalerDepthToSpaceAndTheirOpsetForms) {
  ModelBuilder m = conv_then(9);
  attr_int(m.node("LRN", {"c"}, {"n"}, "lrn"), "size", 5);
  onnx::NodeProto& scaler = m.node("ImageScaler", {"n"}, {"y"}, "scaler");
  attr_float(scaler, "scale", 2.0f);
  attr_floats(scaler, "bias", {1.0f, 2.0f, 3.0f});
  const Graph g = import(m);
  EXPECT_EQ(ops(g), (std::vector<OpKind>{OpKind::kConv, OpKind::kLrn, OpKind::kBatchNorm}));
  EXPECT_EQ(std::get<LrnAttrs>(g.nodes[1].attrs).size, 5);
  EXPECT_EQ(std::get<BatchNormAttrs>(g.nodes[2].attrs).shift, (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(std::get<BatchNormAttrs>(g.nodes[2].attrs).scale, (std::vector<float>{2, 2, 2}));

  ModelBuilder no_size = conv_then(9);
  no_size.node("LRN", {"c"}, {"y"}, "lrn");
  EXPECT_MESSAGE_HAS(import_error(no_size), "node 'lrn' (LRN): attribute 'size' is missing");
  ModelBuilder late = conv_then(10);
  late.node("ImageScaler", {"c"}, {"y"}, "scaler");
  EXPECT_MESSAGE_HAS(import_error(late),
                     "node 'scaler' (ImageScaler: removed after opset 9, the model is opset 10)");
  ModelBuilder crd9 = conv_then(9);
  onnx::NodeProto& d2s = crd9.node("DepthToSpace", {"c"}, {"y"}, "d2s");
  attr_int(d2s, "blocksize", 1);
  attr_string(d2s, "mode", "CRD");
  EXPECT_MESSAGE_HAS(import_error(crd9), "not part of DepthToSpace before opset 11");
  ModelBuilder odd = conv_then(13);
  attr_int(odd.node("SpaceToDepth", {"c"}, {"y"}, "s2d"), "blocksize", 4);
  EXPECT_MESSAGE_HAS(import_error(odd), "node 's2d' (SpaceToDepth): blocksize 4 does not divide");
}

// ---------------------------------------------------------------- PRelu

TEST(OnnxPRelu, PerChannelSlopeBecomesAStorageOrderConstant) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 4, 5});
  m.initializer("slope", {3, 1, 1}, {0.1f, 0.2f, 0.3f});
  m.node("PRelu", {"x", "slope"}, {"y"}, "prelu");
  m.output("y");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, OpKind::kPRelu);
  const PReluAttrs& p = std::get<PReluAttrs>(g.nodes[0].attrs);
  EXPECT_EQ(p.slope.shape(), Shape({1, 3, 1, 1}));
  EXPECT_EQ(p.slope.values(), std::vector<float>({0.1f, 0.2f, 0.3f}));
  EXPECT_EQ(output_shape(g), Shape({1, 3, 4, 5}));
}

TEST(OnnxPRelu, ASlopeThatDoesNotBroadcastOrIsComputedIsRefused) {
  ModelBuilder wrong(13);
  wrong.input("x", {1, 3, 4, 5});
  wrong.initializer("slope", {2, 1, 1}, {0.1f, 0.2f});
  wrong.node("PRelu", {"x", "slope"}, {"y"}, "prelu");
  wrong.output("y");
  EXPECT_MESSAGE_HAS(import_error(wrong),
                     "node 'prelu' (PRelu): slope 1x2x1x1 does not broadcast to the input 1x3x4x5");
  ModelBuilder computed(13);
  computed.input("x", {1, 3, 4, 5});
  computed.node("Relu", {"x"}, {"r"}, "relu");
  computed.node("PRelu", {"x", "r"}, {"y"}, "prelu");
  computed.output("y");
  EXPECT_MESSAGE_HAS(import_error(computed), "the slope must be a constant");
}

}  // namespace
}  // namespace edgeflow::onnx_test
