// The importer across opsets 7 to 18: the forms only the oldest two have
// (Upsample's scales attribute, BatchNormalization's 'spatial'), ops used
// outside the opsets they are part of, ArgMax/ArgMin and Tile/Expand of
// computed tensors, and the coverage table in docs/coverage.md held to the op
// registry.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "onnx_import_checks.h"

namespace edgeflow::onnx_test {
namespace {

TEST(OnnxOpsets, Upsample7TakesItsScalesAsAnAttribute) {
  ModelBuilder up = map_model(7);
  onnx::NodeProto& u = up.node("Upsample", {"x"}, {"y"}, "up");
  attr_floats(u, "scales", {1, 1, 2, 3});
  attr_string(u, "mode", "linear");
  const Graph g = import(up);
  EXPECT_EQ(output_shape(g), Shape({1, 3, 10, 21}));
  EXPECT_EQ(std::get<ResizeAttrs>(g.nodes[0].attrs).mode, ResizeAttrs::Mode::kLinear);
  EXPECT_EQ(std::get<ResizeAttrs>(g.nodes[0].attrs).coordinate,
            ResizeAttrs::Coordinate::kAsymmetric);

  ModelBuilder input_at_8 = map_model(8);
  input_at_8.initializer("scales", {4}, {1, 1, 2, 2});
  input_at_8.node("Upsample", {"x", "scales"}, {"y"}, "up");
  EXPECT_MESSAGE_HAS(import_error(input_at_8), "node 'up' (Upsample): input 1 ('scales') is not "
                                               "part of Upsample before opset 9");
  ModelBuilder none = map_model(7);
  none.node("Upsample", {"x"}, {"y"}, "up");
  EXPECT_MESSAGE_HAS(import_error(none), "node 'up' (Upsample): attribute 'scales' is missing");
  ModelBuilder attr_at_9 = map_model(9);
  attr_floats(attr_at_9.node("Upsample", {"x"}, {"y"}, "up"), "scales", {1, 1, 2, 2});
  EXPECT_MESSAGE_HAS(import_error(attr_at_9), "attribute 'scales' is not part of Upsample from "
                                              "opset 9 on");
}

// x [1, 3, 5, 7] -> BatchNormalization 'bn' with statistics of `dims`.
ModelBuilder bn_with_statistics(int64_t opset, const Dims& dims, int64_t spatial) {
  ModelBuilder m = map_model(opset);
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  const size_t n = static_cast<size_t>(count);
  m.initializer("gamma", dims, random_floats(n, 1, 0.5f, 1.5f));
  m.initializer("beta", dims, random_floats(n, 2));
  m.initializer("mean", dims, random_floats(n, 3));
  m.initializer("var", dims, random_floats(n, 4, 0.5f, 1.5f));
  attr_int(m.node("BatchNormalization", {"x", "gamma", "beta", "mean", "var"}, {"y"}, "bn"),
           "spatial", spatial);
  return m;
}

TEST(OnnxOpsets, BatchNormWithPerElementStatisticsIsAMulAndAnAdd) {
  const Graph g = import(bn_with_statistics(7, {3, 5, 7}, 0));
  ASSERT_EQ(ops(g), (std::vector<OpKind>{OpKind::kBinary, OpKind::kBinary}));
  EXPECT_EQ(std::get<BinaryAttrs>(g.nodes[0].attrs).kind, BinaryAttrs::Kind::kMul);
  EXPECT_EQ(std::get<BinaryAttrs>(g.nodes[1].attrs).kind, BinaryAttrs::Kind::kAdd);
  EXPECT_EQ(std::get<BinaryAttrs>(g.nodes[0].attrs).constant.shape(), Shape({1, 3, 5, 7}));
  EXPECT_EQ(g.nodes[1].name, "bn");

  // Per-channel statistics mean the same with either 'spatial'.
  for (int64_t spatial : {0, 1})
    EXPECT_EQ(ops(import(bn_with_statistics(8, {3}, spatial))),
              std::vector<OpKind>{OpKind::kBatchNorm});
  EXPECT_MESSAGE_HAS(import_error(bn_with_statistics(9, {3, 5, 7}, 0)),
                     "node 'bn' (BatchNormalization): attribute 'spatial' = 0 is not part of "
                     "BatchNormalization from opset 9 on");
  EXPECT_MESSAGE_HAS(import_error(bn_with_statistics(7, {3, 5, 6}, 0)),
                     "node 'bn' (BatchNormalization): input 1 (scale) must be 3x5x7 floats "
                     "(spatial = 0), is 3x5x6");
}

TEST(OnnxOpsets, OpsOutsideTheirOpsetsAreListedTogether) {
  ModelBuilder m = map_model(9);
  m.initializer("scales", {4}, {1, 1, 2, 2});
  m.node("Resize", {"x", "scales"}, {"r"}, "resize");
  m.node("HardSwish", {"r"}, {"h"}, "hswish");
  m.node("Frobnicate", {"h"}, {"y"}, "frob");
  EXPECT_MESSAGE_HAS(import_error(m),
                     "onnx: unsupported ops: node 'resize' (Resize: from opset 10 on, the model "
                     "is opset 9), node 'hswish' (HardSwish: from opset 14 on, the model is "
                     "opset 9), node 'frob' (Frobnicate)");
}

// A segmentation head's class per pixel: ArgMax over the channels, dims kept
// or dropped; other axes are refused naming the node and the axis.
TEST(OnnxZooOps, ArgMaxAndArgMinOverChannels) {
  ModelBuilder kept = conv_then(13);
  attr_int(kept.node("ArgMax", {"c"}, {"y"}, "classes"), "axis", 1);
  const Graph g = import(kept);
  EXPECT_EQ(output_shape(g), Shape({1, 1, 6, 5}));
  const ReduceAttrs& r = std::get<ReduceAttrs>(node_named(g, "classes")->attrs);
  EXPECT_EQ(r.kind, ReduceAttrs::Kind::kArgMax);
  EXPECT_EQ(r.axes, std::vector<int64_t>{-3});

  ModelBuilder dropped = conv_then(12);
  onnx::NodeProto& n = dropped.node("ArgMin", {"c"}, {"y"}, "classes");
  attr_int(n, "axis", -3);
  attr_int(n, "keepdims", 0);
  attr_int(n, "select_last_index", 1);
  const Graph gd = import(dropped);
  EXPECT_EQ(output_shape(gd), Shape({1, 6, 5}));
  EXPECT_TRUE(std::get<ReduceAttrs>(gd.nodes[1].attrs).select_last_index);

  ModelBuilder rows = conv_then(13);
  attr_int(rows.node("ArgMax", {"c"}, {"y"}, "over_h"), "axis", 2);
  EXPECT_MESSAGE_HAS(import_error(rows), "node 'over_h' (ArgMax): attribute 'axis' = 2 of "
                                         "1x3x6x5 is not supported (ArgMax is, over the "
                                         "channels of a map: axis 1)");
  ModelBuilder early = conv_then(11);
  attr_int(early.node("ArgMax", {"c"}, {"y"}, "am"), "select_last_index", 1);
  EXPECT_MESSAGE_HAS(import_error(early), "attribute 'select_last_index' is not part of ArgMax "
                                          "before opset 12");
}

// Tile of a computed map, and Expand of one (an SE gate over the pixels) are
// IR Tiles; of constants they fold.
TEST(OnnxZooOps, TileAndExpandOfComputedTensors) {
  ModelBuilder tile = conv_then(13);
  tile.initializer_int64("repeats", {4}, {1, 2, 1, 3});
  tile.node("Tile", {"c", "repeats"}, {"y"}, "tile");
  const Graph g = import(tile);
  EXPECT_EQ(output_shape(g), Shape({1, 6, 6, 15}));
  EXPECT_EQ(std::get<TileAttrs>(node_named(g, "tile")->attrs).repeats, (Dims{1, 2, 1, 3}));

  ModelBuilder expand = conv_then(13);
  expand.node("GlobalAveragePool", {"c"}, {"g"}, "pool");
  expand.initializer_int64("shape", {4}, {1, 3, 6, 5});
  expand.node("Expand", {"g", "shape"}, {"y"}, "expand");
  const Graph ge = import(expand);
  EXPECT_EQ(output_shape(ge), Shape({1, 3, 6, 5}));
  EXPECT_EQ(std::get<TileAttrs>(node_named(ge, "expand")->attrs).repeats, (Dims{1, 1, 6, 5}));

  ModelBuilder folded = conv_relu_then(13);
  folded.initializer("k", {3, 1, 1}, {1, 2, 3});
  folded.initializer_int64("repeats", {3}, {1, 1, 5});
  folded.node("Tile", {"k", "repeats"}, {"k2"}, "tile_k");
  folded.node("Mul", {"c", "k2"}, {"y"}, "mul");
  EXPECT_EQ(output_shape(import(folded)), Shape({1, 3, 6, 5}));

  ModelBuilder batch = conv_then(13);
  batch.initializer_int64("repeats", {4}, {2, 1, 1, 1});
  batch.node("Tile", {"c", "repeats"}, {"y"}, "tile_n");
  EXPECT_MESSAGE_HAS(import_error(batch), "node 'tile_n' (Tile): repeating N (2 times) is not "
                                          "supported (batch 1 only)");
}

// docs/coverage.md's table: one row per supported op, "| `Op` | first-last |".
std::map<std::string, std::string> coverage_table() {
  std::ifstream in(std::string(EDGEFLOW_SOURCE_DIR) + "/docs/coverage.md");
  EXPECT_TRUE(in.good()) << "docs/coverage.md is missing";
  std::map<std::string, std::string> rows;
  const std::regex row(R"(^\| `(\w+)` \| ([0-9]+-[0-9]+) \|)");
  std::string line;
  std::smatch match;
  while (std::getline(in, line))
    if (std::regex_search(line, match, row)) {
      EXPECT_TRUE(rows.emplace(match[1], match[2]).second) << match[1] << " listed twice";
    }
  return rows;
}

TEST(OnnxCoverage, TheDocsTableListsEverySupportedOpWithItsOpsets) {
  std::map<std::string, std::string> table = coverage_table();
  for (const SupportedOnnxOp& op : supported_onnx_ops()) {
    const std::string opsets =
        std::to_string(op.first_opset) + "-" + std::to_string(op.last_opset);
    auto it = table.find(op.op);
    if (it == table.end()) {
      ADD_FAILURE() << op.op << " (" << opsets << ") is missing from docs/coverage.md";
      continue;
    }
    EXPECT_EQ(it->second, opsets) << op.op;
    table.erase(it);
  }
  for (const auto& [op, opsets] : table)
    ADD_FAILURE() << "docs/coverage.md lists " << op << " (" << opsets << "), not supported";
}

}  // namespace
}  // namespace edgeflow::onnx_test
