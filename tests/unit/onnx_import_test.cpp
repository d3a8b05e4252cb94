// ONNX importer: every supported op converts with the right attributes and
// shapes, per opset; BatchNorm folding and activation fusion on import; shape
// subgraphs fold to constants; every refused model fails with kBadInput and a
// message naming the file, node, op or attribute at fault.
#include "edgeflow/onnx_import.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>

#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"
#include "onnx_builders.h"

namespace edgeflow {
namespace {

using onnx_test::add_attr;
using onnx_test::attr_float;
using onnx_test::attr_floats;
using onnx_test::attr_int;
using onnx_test::attr_ints;
using onnx_test::attr_string;
using onnx_test::attr_tensor;
using onnx_test::ModelBuilder;
using onnx_test::random_floats;

Graph import(const ModelBuilder& m, const ImportOptions& options = {}) {
  return import_onnx_bytes(m.bytes(), "test.onnx", options);
}

// The message of the kBadInput error importing `bytes` throws ("" if none).
std::string import_error(const std::string& bytes, const ImportOptions& options = {}) {
  try {
    import_onnx_bytes(bytes, "test.onnx", options);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "the import did not fail";
  return "";
}

std::string import_error(const ModelBuilder& m, const ImportOptions& options = {}) {
  return import_error(m.bytes(), options);
}

#define EXPECT_MESSAGE_HAS(message, part) \
  EXPECT_NE((message).find(part), std::string::npos) << "message: " << (message)

const Node* node_named(const Graph& g, const std::string& name) {
  for (const Node& n : g.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

int count_op(const Graph& g, OpKind op) {
  int n = 0;
  for (const Node& node : g.nodes) n += node.op == op;
  return n;
}

const Shape& output_shape(const Graph& g, size_t i = 0) { return g.shape_of(g.outputs.at(i)); }

// x [1, c, h, w] -> Conv(w, b) 'conv' -> conv_out.
ModelBuilder conv_model(int64_t opset, int64_t c, int64_t h, int64_t w, int64_t out_channels,
                        int64_t k = 3) {
  ModelBuilder m(opset);
  m.input("x", {1, c, h, w});
  m.initializer("w", {out_channels, c, k, k}, random_floats(size_t(out_channels * c * k * k), 1));
  m.initializer("b", {out_channels}, random_floats(size_t(out_channels), 2));
  attr_ints(m.node("Conv", {"x", "w", "b"}, {"conv_out"}, "conv"), "pads", {1, 1, 1, 1});
  return m;
}

// ---------------------------------------------------------------- reading

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("edgeflow_onnx_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::filesystem::path dir_;
};

std::string file_error(const std::string& path) {
  try {
    import_onnx(path, {});
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    return e.what();
  }
  ADD_FAILURE() << "the import of " << path << " did not fail";
  return "";
}

TEST_F(ModelFileTest, ImportsAModelFromAFile) {
  ModelBuilder m = conv_model(13, 3, 8, 8, 4);
  m.output("conv_out");
  const Graph g = import_onnx(write("ok.onnx", m.bytes()), {});
  EXPECT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(output_shape(g), Shape({1, 4, 8, 8}));
  EXPECT_EQ(g.opset, 13);
}

TEST_F(ModelFileTest, MissingFileIsNamed) {
  const std::string path = (dir_ / "absent.onnx").string();
  const std::string msg = file_error(path);
  EXPECT_MESSAGE_HAS(msg, "model '" + path + "'");
  EXPECT_MESSAGE_HAS(msg, "no such file");
}

TEST_F(ModelFileTest, DirectoryIsRefused) {
  const std::string msg = file_error(dir_.string());
  EXPECT_MESSAGE_HAS(msg, "model '" + dir_.string() + "'");
  EXPECT_MESSAGE_HAS(msg, "directory");
}

TEST_F(ModelFileTest, EmptyFileIsRefused) {
  const std::string msg = file_error(write("empty.onnx", ""));
  EXPECT_MESSAGE_HAS(msg, "empty.onnx");
  EXPECT_MESSAGE_HAS(msg, "empty");
}

TEST_F(ModelFileTest, UnreadableFileIsRefused) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  ModelBuilder m = conv_model(13, 3, 8, 8, 4);
  const std::string path = write("locked.onnx", m.bytes());
  std::filesystem::permissions(path, std::filesystem::perms::none);
  const std::string msg = file_error(path);
  EXPECT_MESSAGE_HAS(msg, "locked.onnx");
  EXPECT_MESSAGE_HAS(msg, "cannot open");
}

TEST_F(ModelFileTest, TextFileIsNotAModel) {
  const std::string msg = file_error(write("notes.onnx", "hello world, this is not a model\n"));
  EXPECT_MESSAGE_HAS(msg, "notes.onnx");
  EXPECT_MESSAGE_HAS(msg, "not an ONNX model");
}

TEST(OnnxRead, GarbageBytesAreNotAModel) {
  std::string bytes(512, '\0');
  std::mt19937 rng(7);
  for (char& c : bytes) c = static_cast<char>(rng());
  EXPECT_MESSAGE_HAS(import_error(bytes), "model 'test.onnx'");
}

TEST(OnnxRead, EveryTruncationFailsCleanly) {
  ModelBuilder m = conv_model(13, 3, 8, 8, 4);
  m.node("Relu", {"conv_out"}, {"y"}, "relu");
  m.output("y");
  const std::string bytes = m.bytes();
  ASSERT_NO_THROW(import_onnx_bytes(bytes, "full.onnx", {}));
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    try {
      import_onnx_bytes(bytes.substr(0, cut), "cut.onnx", {});
      ADD_FAILURE() << "a model cut at " << cut << " of " << bytes.size() << " bytes imported";
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), ExitCode::kBadInput);
    }
  }
  EXPECT_MESSAGE_HAS(import_error(bytes.substr(0, bytes.size() / 2)), "model 'test.onnx'");
}

TEST(OnnxRead, OpsetOutsideNineToSeventeenIsNamed) {
  for (int64_t opset : {8, 18}) {
    ModelBuilder m = conv_model(opset, 3, 8, 8, 4);
    m.output("conv_out");
    const std::string msg = import_error(m);
    EXPECT_MESSAGE_HAS(msg, "opset " + std::to_string(opset));
    EXPECT_MESSAGE_HAS(msg, "9 to 17");
  }
  for (int64_t opset : {9, 17}) {
    ModelBuilder m = conv_model(opset, 3, 8, 8, 4);
    m.output("conv_out");
    EXPECT_NO_THROW(import(m)) << "opset " << opset;
  }
}

TEST(OnnxRead, MissingDefaultDomainOpsetIsRefused) {
  ModelBuilder m = conv_model(13, 3, 8, 8, 4);
  m.output("conv_out");
  m.model().mutable_opset_import(0)->set_domain("ai.onnx.ml");
  EXPECT_MESSAGE_HAS(import_error(m), "no opset for the default ONNX domain");
}

// ---------------------------------------------------------------- input

TEST(OnnxInput, DynamicDimNeedsInputShape) {
  ModelBuilder m(13);
  m.input("x", {0, 3, 8, 8}, {"batch"});
  m.node("Relu", {"x"}, {"y"}, "relu");
  m.output("y");
  const std::string msg = import_error(m);
  EXPECT_MESSAGE_HAS(msg, "input 'x' has dynamic dim 'batch'; pass --input-shape");

  ImportOptions options;
  options.input_shape = Dims{1, 3, 8, 8};
  const Graph g = import(m, options);
  EXPECT_EQ(g.input_shape(), Shape({1, 3, 8, 8}));
}

TEST(OnnxInput, InputShapeResolvesDynamicSpatialDims) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 0, 0}, {"", "", "height", "width"});
  m.node("Relu", {"x"}, {"y"}, "relu");
  m.output("y");
  EXPECT_MESSAGE_HAS(import_error(m), "'height', 'width'");
  ImportOptions options;
  options.input_shape = Dims{1, 3, 17, 21};
  const Graph g = import(m, options);
  EXPECT_EQ(output_shape(g), Shape({1, 3, 17, 21}));
}

TEST(OnnxInput, WrongInputShapeIsRefused) {
  ModelBuilder m(13);
  m.input("x", {0, 3, 8, 8}, {"batch"});
  m.node("Relu", {"x"}, {"y"}, "relu");
  m.output("y");
  ImportOptions options;
  options.input_shape = Dims{1, 1, 8, 8};
  std::string msg = import_error(m, options);
  EXPECT_MESSAGE_HAS(msg, "--input-shape 1x1x8x8 does not match input 'x'");
  EXPECT_MESSAGE_HAS(msg, "C is 3");
  options.input_shape = Dims{1, 3, 8};
  EXPECT_MESSAGE_HAS(import_error(m, options), "expected NxCxHxW");
  options.input_shape = Dims{2, 3, 8, 8};
  EXPECT_MESSAGE_HAS(import_error(m, options), "N must be 1");
}

TEST(OnnxInput, BatchOfTwoIsRefused) {
  ModelBuilder m(13);
  m.input("x", {2, 3, 8, 8});
  m.node("Relu", {"x"}, {"y"}, "relu");
  m.output("y");
  EXPECT_MESSAGE_HAS(import_error(m), "input 'x' has N = 2; N must be 1");
}

TEST(OnnxInput, ExactlyOneImageInput) {
  ModelBuilder two(13);
  two.input("a", {1, 3, 8, 8}).input("b", {1, 3, 8, 8});
  two.node("Add", {"a", "b"}, {"y"}, "add");
  two.output("y");
  EXPECT_MESSAGE_HAS(import_error(two), "2 inputs that are not initializers ('a', 'b')");

  // An input that is also an initializer is a constant, not an image.
  ModelBuilder with_init = conv_model(13, 3, 8, 8, 4);
  with_init.input("w", {4, 3, 3, 3});
  with_init.output("conv_out");
  EXPECT_NO_THROW(import(with_init));
}

TEST(OnnxInput, NonFloatOrNonImageInputIsRefused) {
  ModelBuilder ints(13);
  ints.input("x", {1, 3, 8, 8}, {}, onnx::TensorProto::INT64);
  ints.node("Relu", {"x"}, {"y"}, "relu");
  ints.output("y");
  EXPECT_MESSAGE_HAS(import_error(ints), "input 'x' has type INT64");

  ModelBuilder rank2(13);
  rank2.input("x", {1, 10});
  rank2.node("Relu", {"x"}, {"y"}, "relu");
  rank2.output("y");
  EXPECT_MESSAGE_HAS(import_error(rank2), "input 'x' has rank 2");
}

// ---------------------------------------------------------------- initializers

TEST(OnnxInitializer, RawDataLengthIsChecked) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 8, 8});
  m.initializer("w", {4, 3, 3, 3}, random_floats(10, 1));
  m.node("Conv", {"x", "w"}, {"y"}, "conv");
  m.output("y");
  const std::string msg = import_error(m);
  EXPECT_MESSAGE_HAS(msg, "initializer 'w'");
  EXPECT_MESSAGE_HAS(msg, "raw data has 40 bytes");
  EXPECT_MESSAGE_HAS(msg, "need 432");
}

TEST(OnnxInitializer, FloatDataLengthIsChecked) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 8, 8});
  m.initializer("w", {4, 3, 3, 3}, random_floats(107, 1), /*raw=*/false);
  m.node("Conv", {"x", "w"}, {"y"}, "conv");
  m.output("y");
  const std::string msg = import_error(m);
  EXPECT_MESSAGE_HAS(msg, "initializer 'w': holds 107 values");
}

TEST(OnnxInitializer, FloatDataIsRead) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 8, 8});
  const std::vector<float> w = random_floats(108, 1);
  m.initializer("w", {4, 3, 3, 3}, w, /*raw=*/false);
  m.node("Conv", {"x", "w"}, {"y"}, "conv");
  m.output("y");
  const Graph g = import(m);
  EXPECT_EQ(std::get<ConvAttrs>(g.nodes.at(0).attrs).weight.values(), w);
}

TEST(OnnxInitializer, BadDimsAreRefusedBeforeAllocating) {
  const std::vector<std::pair<std::vector<int64_t>, std::string>> cases = {
      {{-1, 3, 3, 3}, "negative dim"},
      {{int64_t(1) << 40, int64_t(1) << 40, 1, 1}, "more than 2^31 elements"},
      {{int64_t(1) << 20, int64_t(1) << 20, 1, 1}, "more than 2^31 elements"},
      {{std::numeric_limits<int64_t>::max(), 3, 3, 3}, "more than 2^31 elements"},
  };
  for (const auto& [dims, expected] : cases) {
    ModelBuilder m(13);
    m.input("x", {1, 3, 8, 8});
    onnx::TensorProto& t = m.initializer("w", {}, random_floats(4, 1));
    for (int64_t d : dims) t.add_dims(d);
    m.node("Conv", {"x", "w"}, {"y"}, "conv");
    m.output("y");
    const std::string msg = import_error(m);
    EXPECT_MESSAGE_HAS(msg, "initializer 'w'");
    EXPECT_MESSAGE_HAS(msg, expected);
  }
}

TEST(OnnxInitializer, ExternalDataIsRefused) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 8, 8});
  onnx::TensorProto& t = m.initializer("w", {4, 3, 3, 3}, {});
  t.clear_raw_data();
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  onnx::StringStringEntryProto* kv = t.add_external_data();
  kv->set_key("location");
  kv->set_value("weights.bin");
  m.node("Conv", {"x", "w"}, {"y"}, "conv");
  m.output("y");
  const std::string msg = import_error(m);
  EXPECT_MESSAGE_HAS(msg, "initializer 'w': keeps its data in an external file 'weights.bin'");
}

TEST(OnnxInitializer, UnsupportedTypeIsNamed) {
  ModelBuilder m(13);
  m.input("x", {1, 3, 8, 8});
  onnx::TensorProto& t = m.initializer("w", {4, 3, 3, 3}, {});
  t.set_data_type(onnx::TensorProto::STRING);
  m.node("Conv", {"x", "w"}, {"y"}, "conv");
  m.output("y");
  EXPECT_MESSAGE_HAS(import_error(m), "initializer 'w': has type STRING");
}

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
  EXPECT_EQ(std::get<AddAttrs>(node_named(g, "add")->attrs).activation.kind,
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
  ModelBuilder height(13);
  height.input("x", {1, 3, 6, 6});
  attr_int(height.node("Concat", {"x", "x"}, {"y"}, "cat"), "axis", 2);
  height.output("y");
  const std::string msg = import_error(height);
  EXPECT_MESSAGE_HAS(msg, "node 'cat' (Concat): attribute 'axis' = 2");
}

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

TEST(OnnxPool, GlobalAveragePool) {
  ModelBuilder m(13);
  m.input("x", {1, 7, 5, 3});
  m.node("GlobalAveragePool", {"x"}, {"y"}, "gap");
  m.output("y");
  const Graph g = import(m);
  EXPECT_EQ(g.nodes.at(0).op, OpKind::kGlobalAveragePool);
  EXPECT_EQ(output_shape(g), Shape({1, 7, 1, 1}));
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
                     "node 'gather' (Gather): input 'x' is computed from the image");
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

// ---------------------------------------------------------------- robustness

TEST(OnnxRobustness, GeometryBeyondBoundsIsRefused) {
  ModelBuilder strides(13);
  strides.input("x", {1, 3, 8, 8});
  strides.initializer("w", {2, 3, 1, 1}, random_floats(6, 1));
  attr_ints(strides.node("Conv", {"x", "w"}, {"y"}, "conv"), "strides", {int64_t(1) << 40, 1});
  strides.output("y");
  EXPECT_MESSAGE_HAS(import_error(strides),
                     "node 'conv' (Conv): attribute 'strides' has a value outside 1 to 2^24");

  ModelBuilder huge(13);
  huge.input("x", {1, 3, 100000, 100000});
  huge.node("Relu", {"x"}, {"y"}, "relu");
  huge.output("y");
  EXPECT_MESSAGE_HAS(import_error(huge), "input 'x' of shape 1x3x100000x100000 has more than 2^31");

  ModelBuilder target(13);
  target.input("x", {1, 3, 4, 4});
  target.initializer_int64("t", {3}, {std::numeric_limits<int64_t>::max(), 4, -1});
  target.node("Reshape", {"x", "t"}, {"y"}, "reshape");
  target.output("y");
  EXPECT_MESSAGE_HAS(import_error(target), "node 'reshape' (Reshape): shape");
}

// A small net touching every converter, for the mutation test below.
ModelBuilder every_op_model() {
  ModelBuilder m(13);
  m.input("x", {1, 3, 9, 8});
  m.initializer("w", {4, 3, 3, 3}, random_floats(108, 1));
  m.initializer("b", {4}, random_floats(4, 2));
  attr_ints(m.node("Conv", {"x", "w", "b"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
  for (const char* p : {"gamma", "beta", "mean", "var"})
    m.initializer(p, {4}, random_floats(4, 3, 0.5f, 1.5f));
  m.node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, {"bn"}, "bn");
  m.initializer("lo", {}, {0.0f});
  m.initializer("hi", {}, {6.0f});
  m.node("Clip", {"bn", "lo", "hi"}, {"clip"}, "clip");
  onnx::NodeProto& pool = m.node("MaxPool", {"clip"}, {"pool"}, "pool");
  attr_ints(pool, "kernel_shape", {3, 3});
  attr_ints(pool, "pads", {1, 1, 1, 1});
  m.initializer_int64("pads", {8}, {0, 0, 1, 0, 0, 0, 0, 1});
  m.node("Pad", {"pool", "pads"}, {"padded"}, "pad");
  onnx::NodeProto& avg = m.node("AveragePool", {"padded"}, {"avg"}, "avg");
  attr_ints(avg, "kernel_shape", {2, 2});
  attr_ints(avg, "strides", {1, 1});
  m.node("Add", {"avg", "clip"}, {"sum"}, "add");
  m.node("Relu", {"sum"}, {"relu"}, "relu");
  attr_int(m.node("Concat", {"relu", "c"}, {"cat"}, "cat"), "axis", 1);
  m.node("Identity", {"cat"}, {"id"}, "id");
  m.node("Dropout", {"id"}, {"drop"}, "drop");
  m.node("GlobalAveragePool", {"drop"}, {"gap"}, "gap");
  m.node("Shape", {"gap"}, {"shape"}, "shape");
  m.initializer_int64("s0", {1}, {0});
  m.initializer_int64("s1", {1}, {1});
  m.node("Slice", {"shape", "s0", "s1"}, {"n"}, "slice");
  m.initializer_int64("axes", {1}, {0});
  m.initializer_int64("idx", {}, {1});
  m.node("Gather", {"shape", "idx"}, {"ch"}, "gather");
  m.node("Unsqueeze", {"ch", "axes"}, {"ch1"}, "unsqueeze");
  attr_int(m.node("Concat", {"n", "ch1"}, {"target"}, "target"), "axis", 0);
  attr_int(m.node("Cast", {"target"}, {"target64"}, "cast"), "to", onnx::TensorProto::INT64);
  m.node("Reshape", {"gap", "target64"}, {"flat"}, "reshape");
  m.initializer("fw", {5, 8}, random_floats(40, 4));
  attr_int(m.node("Gemm", {"flat", "fw"}, {"fc"}, "fc"), "transB", 1);
  m.node("Flatten", {"fc"}, {"y"}, "flatten");
  m.output("y");
  return m;
}

TEST(OnnxRobustness, MutatedModelsFailOnlyWithBadInput) {
  const ModelBuilder base = every_op_model();
  const Graph g = import(base);
  EXPECT_EQ(output_shape(g), Shape({1, 5}));
  // conv, bn+clip (conv feeds the concat too), pool, pad, avg, add+relu, cat, gap, flatten, fc
  EXPECT_EQ(g.nodes.size(), 10u);
  onnx::ModelProto original;
  ASSERT_TRUE(original.ParseFromString(base.bytes()));
  std::mt19937 rng(2022);
  auto any_value = [&]() -> int64_t {
    switch (rng() % 5) {
      case 0: return -1 - int64_t(rng() % 3);
      case 1: return int64_t(1) << (rng() % 63);
      case 2: return std::numeric_limits<int64_t>::min();
      default: return rng() % 6;
    }
  };
  static const char* kOps[] = {"Conv",    "MaxPool", "Clip",  "Add",     "Gemm",    "Pad",
                               "Concat",  "Reshape", "Slice", "Gather",  "Squeeze", "Flatten",
                               "Dropout", "Shape",   "Cast",  "Identity"};
  int imported = 0;
  for (int round = 0; round < 2000; ++round) {
    onnx::ModelProto m = original;
    onnx::GraphProto& g2 = *m.mutable_graph();
    for (int k = 1 + rng() % 3; k-- > 0;) {
      onnx::NodeProto& n = *g2.mutable_node(rng() % g2.node_size());
      switch (rng() % 7) {
        case 0: n.set_op_type(kOps[rng() % 16]); break;
        case 1:
          if (n.input_size()) n.mutable_input()->RemoveLast();
          break;
        case 2: n.add_input(g2.node(rng() % g2.node_size()).output(0)); break;
        case 3:
          if (n.attribute_size()) {
            onnx::AttributeProto& a = *n.mutable_attribute(rng() % n.attribute_size());
            if (a.ints_size())
              a.set_ints(rng() % a.ints_size(), any_value());
            else
              a.set_i(any_value());
          }
          break;
        case 4: {
          onnx::TensorProto& t = *g2.mutable_initializer(rng() % g2.initializer_size());
          if (t.dims_size()) t.set_dims(rng() % t.dims_size(), any_value());
          break;
        }
        case 5: m.mutable_opset_import(0)->set_version(9 + rng() % 9); break;
        case 6:
          if (n.input_size())
            n.set_input(rng() % n.input_size(), g2.node(rng() % g2.node_size()).output(0));
          break;
      }
    }
    try {
      const Graph imported_graph = import_onnx_bytes(m.SerializeAsString(), "mutant.onnx", {});
      EXPECT_NO_THROW(validate_graph(imported_graph));
      ++imported;
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), ExitCode::kBadInput) << e.what();
    }
  }
  EXPECT_GT(imported, 0);
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
      EXPECT_EQ(count_op(g, OpKind::kAdd), 0);  // all 8 fused into convs
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
}  // namespace edgeflow
