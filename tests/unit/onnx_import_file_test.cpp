// ONNX importer, the file and what surrounds the graph: reading (missing,
// empty, truncated, garbage files, opsets), the image input and
// --input-shape, initializers (lengths, dims, external data, types), and
// robustness: out-of-bounds geometry and mutated models fail only with
// kBadInput and a message naming the thing at fault.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "edgeflow/ir_passes.h"
#include "onnx_import_checks.h"

namespace edgeflow::onnx_test {
namespace {

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

TEST(OnnxRead, OpsetOutsideSevenToEighteenIsNamed) {
  for (int64_t opset : {6, 19}) {
    ModelBuilder m = conv_model(opset, 3, 8, 8, 4);
    m.output("conv_out");
    const std::string msg = import_error(m);
    EXPECT_MESSAGE_HAS(msg, "opset " + std::to_string(opset));
    EXPECT_MESSAGE_HAS(msg, "7 to 18");
  }
  for (int64_t opset : {7, 8, 9, 17, 18}) {
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

}  // namespace
}  // namespace edgeflow::onnx_test
