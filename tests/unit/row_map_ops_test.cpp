// The LP's affine row maps against the row maps they are derived from, for
// every op: each layer of every tiny op model (models/export_tiny.py), every
// input, output ranges of every length. An exact affine map gives exactly
// required_input_rows; a fitted one stays within two rows of it (within a
// block of input rows for a block map: windows, windowed attention). The models
// together hold every OpKind, so an op added without a tiny model fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "edgeflow/onnx_import.h"
#include "partition/layer_problem.h"
#include "partition_fixtures.h"

namespace edgeflow {
namespace {

std::vector<std::string> tiny_models() {
  const std::string dir = std::string(EDGEFLOW_SOURCE_DIR) + "/models/tiny";
  std::vector<std::string> paths;
  if (!std::filesystem::is_directory(dir)) {
    ADD_FAILURE() << "missing " << dir << ": run ./run.sh test, which exports the tiny models";
    return paths;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".onnx") paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(RowMapOps, AffineFormAgreesWithTheRowMapOfEveryOp) {
  std::set<int> ops_seen;
  for (const std::string& path : tiny_models()) {
    const Graph g = import_onnx(path, {});
    for (const Node& node : g.nodes) {
      ops_seen.insert(static_cast<int>(node.op));
      const int64_t H = g.shape_of(node.output).height();
      for (size_t i = 0; i < node.inputs.size(); ++i) {
        const int input = static_cast<int>(i);
        const AffineRowMap m = affine_row_map(g, node, input);
        const RowMap rows = row_map(g, node, input);
        EXPECT_EQ(m.exact, rows.affine()) << path << " " << node.name;
        const int64_t fit = rows.kind == RowMap::Kind::kBlocks ? std::max<int64_t>(2, rows.extent) : 2;
        for (int64_t a = 0; a < H; ++a)
          for (int64_t b = a + 1; b <= H; ++b) {
            const RowRange want = required_input_rows(g, node, input, {a, b});
            const RowRange got = test::affine_rows(m, {a, b});
            if (m.exact) {
              ASSERT_EQ(want, got) << path << " " << node.name << " input " << i << " rows ["
                                   << a << ", " << b << ")";
            } else {
              ASSERT_NEAR(got.begin, want.begin, fit) << path << " " << node.name;
              ASSERT_NEAR(got.end, want.end, fit) << path << " " << node.name;
            }
          }
      }
    }
  }
  for (int op = 0; op < kOpKindCount; ++op)
    EXPECT_TRUE(ops_seen.count(op)) << "no tiny model holds a "
                                    << op_name(static_cast<OpKind>(op)) << " layer";
}

}  // namespace
}  // namespace edgeflow
