// ONNX importer, constants and what folds to them: Split, ConstantOfShape and
// every Constant kind; the shape, token and mask subgraphs of transformers
// (Equal, Where, Expand, Range, Mod, Not, ScatterND); and the bounds that keep
// a few bytes of model from asking for gigabytes.
#include <gtest/gtest.h>

#include "onnx_import_checks.h"

namespace edgeflow::onnx_test {
namespace {

TEST(OnnxConstants, SplitConstantOfShapeAndEveryConstantKind) {
  ModelBuilder m = conv_then(13);
  m.initializer_int64("pads", {8}, {0, 0, 1, 2, 0, 0, 3, 4});
  m.initializer_int64("halves", {2}, {4, 4});
  attr_int(m.node("Split", {"pads", "halves"}, {"begin", "end"}, "split"), "axis", 0);
  attr_int(m.node("Concat", {"begin", "end"}, {"p"}, "concat"), "axis", 0);
  m.node("Pad", {"c", "p"}, {"y"}, "pad");
  EXPECT_EQ(output_shape(import(m)), Shape({1, 3, 10, 11}));

  ModelBuilder sparse = conv_relu_then(13);
  onnx::AttributeProto& a = onnx_test::add_attr(sparse.node("Constant", {}, {"k"}, "k"),
                                                "sparse_value", onnx::AttributeProto::SPARSE_TENSOR);
  onnx::SparseTensorProto* st = a.mutable_sparse_tensor();
  st->add_dims(3), st->add_dims(1), st->add_dims(1);
  ModelBuilder::fill_float(*st->mutable_values(), "v", {1}, {5.0f});
  onnx::TensorProto* idx = st->mutable_indices();
  idx->set_data_type(onnx::TensorProto::INT64);
  idx->add_dims(1);
  idx->add_int64_data(1);
  sparse.node("Mul", {"c", "k"}, {"y"}, "mul");
  const Graph g = import(sparse);
  EXPECT_EQ(std::get<BinaryAttrs>(g.nodes.back().attrs).constant.values(),
            (std::vector<float>{0, 5, 0}));

  ModelBuilder dbl = conv_relu_then(13);
  onnx::TensorProto* t =
      onnx_test::add_attr(dbl.node("Constant", {}, {"k"}, "k"), "value", onnx::AttributeProto::TENSOR)
          .mutable_t();
  t->set_data_type(onnx::TensorProto::DOUBLE);
  t->add_double_data(0.5);
  dbl.node("Mul", {"c", "k"}, {"y"}, "mul");
  EXPECT_EQ(std::get<BinaryAttrs>(import(dbl).nodes.back().attrs).constant.values(),
            std::vector<float>{0.5f});
}

// The rule on made constants admits a real layer's weight: VGG-19's first
// fully connected one (4096 x 25088, 392 MiB) built by ConstantOfShape.
TEST(OnnxConstants, AMadeConstantAsLargeAsARealWeightIsAdmitted) {
  ModelBuilder m(11);
  m.input("x", {1, 512, 7, 7});
  m.initializer_int64("fc_shape", {2}, {4096, 25088});
  m.node("ConstantOfShape", {"fc_shape"}, {"fc_w"}, "make_fc_w");
  m.node("Flatten", {"x"}, {"f"}, "flatten");
  attr_int(m.node("Gemm", {"f", "fc_w"}, {"y"}, "fc"), "transB", 1);
  m.output("y");
  EXPECT_EQ(output_shape(import(m)), Shape({1, 4096}));
}

// The budget is for all made constants of an import together, and the error
// names the node, the dims, their size and the rule.
TEST(OnnxConstants, MadeConstantsShareOneBudgetPerImport) {
  ModelBuilder m = conv_relu_then(9);  // c: [1, 3, 6, 5]
  m.initializer_int64("shape", {4}, {1, 3, 6, 5});
  m.node("ConstantOfShape", {"shape"}, {"a"}, "make_a");
  m.node("ConstantOfShape", {"shape"}, {"b"}, "make_b");
  m.node("Add", {"a", "b"}, {"ab"}, "add_ab");
  m.node("Mul", {"c", "ab"}, {"y"}, "mul");
  ImportOptions roomy;
  roomy.made_constants_limit = 3 * 90 * 4;  // a, b and their sum
  EXPECT_EQ(output_shape(import(m, roomy)), Shape({1, 3, 6, 5}));
  ImportOptions tight;
  tight.made_constants_limit = 3 * 90 * 4 - 1;
  EXPECT_MESSAGE_HAS(import_error(m, tight),
                     "node 'add_ab' (Add): broadcasting 1x3x6x5 and 1x3x6x5 to 1x3x6x5 would "
                     "take 360 bytes; the constants made at import (ConstantOfShape, "
                     "broadcasts, sparse tensors made dense) may take at most 1079 bytes "
                     "together (the limit the caller set), 720 bytes of it taken");
}

// Found by fuzz_onnx_import: a few bytes of sparse tensor asked for 16 GB dense.
TEST(OnnxConstants, HugeSparseTensorIsRefusedBeforeAllocating) {
  ModelBuilder m = conv_then(13);
  onnx::AttributeProto& a = onnx_test::add_attr(m.node("Constant", {}, {"k"}, "k"), "sparse_value",
                                                onnx::AttributeProto::SPARSE_TENSOR);
  onnx::SparseTensorProto* st = a.mutable_sparse_tensor();
  st->add_dims(1 << 16), st->add_dims(1 << 16);
  ModelBuilder::fill_float(*st->mutable_values(), "v", {1}, {5.0f});
  onnx::TensorProto* idx = st->mutable_indices();
  idx->set_data_type(onnx::TensorProto::INT64);
  idx->add_dims(1);
  idx->add_int64_data(1);
  m.node("Mul", {"c", "k"}, {"y"}, "mul");
  EXPECT_MESSAGE_HAS(import_error(m),
                     "node 'k' (Constant): attribute 'sparse_value': dims 65536x65536 would take "
                     "16.0 GiB; the constants made at import");
}

// Found by fuzz_onnx_import: a float outside int64's range cast to INT64
// (undefined behaviour in C++).
TEST(OnnxConstants, CastOfAHugeFloatToAnIntegerIsRefused) {
  ModelBuilder m = conv_then(13);
  attr_floats(m.node("Constant", {}, {"big"}, "big"), "value_floats", {-4.5e36f});
  attr_int(m.node("Cast", {"big"}, {"k"}, "to_int"), "to", onnx::TensorProto::INT64);
  m.node("Mul", {"c", "k"}, {"y"}, "mul");
  EXPECT_MESSAGE_HAS(import_error(m),
                     "node 'to_int' (Cast): value -4.5e+36 does not fit an integer");
}

TEST(OnnxConstants, MaskAndTokenSubgraphOpsFold) {
  ModelBuilder m = conv_relu_then(13);  // c: 3 channels
  m.initializer_int64("zero", {}, {0});
  m.initializer_int64("one", {}, {1});
  m.initializer_int64("two", {}, {2});
  m.initializer_int64("three", {}, {3});
  m.node("Range", {"zero", "three", "one"}, {"r"}, "range");          // 0 1 2
  m.node("Mod", {"r", "two"}, {"md"}, "mod");                         // 0 1 0
  m.node("Equal", {"md", "zero"}, {"eq"}, "equal");                   // 1 0 1
  m.node("Not", {"eq"}, {"ne"}, "not");                               // 0 1 0
  m.initializer("pos", {}, {2.0f});
  m.initializer("neg", {}, {-1.0f});
  m.node("Where", {"ne", "pos", "neg"}, {"sel"}, "where");            // -1 2 -1
  m.initializer_int64("shape", {4}, {1, 3, 1, 1});
  m.node("Reshape", {"sel", "shape"}, {"wr"}, "to_channels");
  m.initializer("half", {1}, {0.5f});
  m.node("Expand", {"half", "shape"}, {"ex"}, "expand");              // 0.5 x3
  m.node("Mul", {"wr", "ex"}, {"k"}, "k");
  m.node("Mul", {"c", "k"}, {"y"}, "scale");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.back().op, OpKind::kBinary);
  EXPECT_EQ(std::get<BinaryAttrs>(g.nodes.back().attrs).constant.values(),
            (std::vector<float>{-0.5f, 1.0f, -0.5f}));

  ModelBuilder computed = conv_then(13);
  computed.initializer_int64("shape", {5}, {1, 1, 3, 6, 5});
  computed.node("Expand", {"c", "shape"}, {"y"}, "expand_map");
  EXPECT_MESSAGE_HAS(import_error(computed),
                     "node 'expand_map' (Expand): shape 1x1x3x6x5 changes the rank of the "
                     "computed input 1x3x6x5");

  ModelBuilder huge = conv_then(13);
  huge.initializer_int64("zero", {}, {0});
  huge.initializer_int64("big", {}, {int64_t(1) << 40});
  huge.initializer_int64("one", {}, {1});
  huge.node("Range", {"zero", "big", "one"}, {"r"}, "huge_range");
  huge.node("Mul", {"c", "r"}, {"y"}, "use");
  EXPECT_MESSAGE_HAS(import_error(huge), "node 'huge_range' (Range): the result 1099511627776 "
                                         "would take 8192.0 GiB");
}

// A windowed transformer's attention mask is written into a constant by ScatterND.
TEST(OnnxConstants, ScatterNDFoldsWithAndWithoutAReduction) {
  ModelBuilder m = conv_relu_then(16);  // c: 3 channels
  m.initializer("base", {3, 2}, {1, 1, 1, 1, 1, 1});
  m.initializer_int64("rows", {2, 1}, {2, -3});                  // rows 2 and 0
  m.initializer("values", {2, 2}, {5, 6, 7, 8});
  m.node("ScatterND", {"base", "rows", "values"}, {"set"}, "set_rows");  // 7 8 | 1 1 | 5 6
  m.initializer_int64("cells", {1, 2}, {1, 1});
  m.initializer("extra", {1}, {10});
  attr_string(m.node("ScatterND", {"set", "cells", "extra"}, {"sum"}, "add_cell"), "reduction",
              "add");                                             // 7 8 | 1 11 | 5 6
  m.initializer_int64("pick", {1}, {1});
  attr_int(m.node("Gather", {"sum", "pick"}, {"col"}, "column"), "axis", 1);  // 8 11 6
  m.initializer_int64("shape", {4}, {1, 3, 1, 1});
  m.node("Reshape", {"col", "shape"}, {"k"}, "to_channels");
  m.node("Mul", {"c", "k"}, {"y"}, "scale");
  const Graph g = import(m);
  ASSERT_EQ(g.nodes.back().op, OpKind::kBinary);
  EXPECT_EQ(std::get<BinaryAttrs>(g.nodes.back().attrs).constant.values(),
            (std::vector<float>{8.0f, 11.0f, 6.0f}));

  ModelBuilder out_of_range = conv_then(13);
  out_of_range.initializer("base", {2}, {1, 1});
  out_of_range.initializer_int64("at", {1, 1}, {2});
  out_of_range.initializer("value", {1}, {3});
  out_of_range.node("ScatterND", {"base", "at", "value"}, {"k"}, "scatter");
  out_of_range.node("Mul", {"c", "k"}, {"y"}, "use");
  EXPECT_MESSAGE_HAS(import_error(out_of_range),
                     "node 'scatter' (ScatterND): index 2 is out of range for dim 2");
}

}  // namespace
}  // namespace edgeflow::onnx_test
