// The wire form of the new ops' attributes: every op survives encode_graph ->
// decode_graph unchanged (same digest, same validation), and a decoder fed
// out-of-range enums, indices or extents throws instead of trusting them.
#include <gtest/gtest.h>

#include <cmath>

#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"
#include "edgeflow/plan.h"
#include "graph_builders.h"
#include "ir_test_graphs.h"

namespace edgeflow::test {
namespace {

std::vector<Graph> one_node_graphs() {
  std::mt19937 rng(7);
  std::vector<Graph> graphs;
  ConvTransposeAttrs ct;
  ct.window = Window{3, 2, 2, 1, 1, 2, 1, 0, 1, 1};
  ct.output_padding_h = 1;
  ct.group = 2;
  ct.weight = random_weights(Shape({4, 3, 3, 2}), 12, rng);
  ct.bias = random_values(6, rng);
  ct.activation = Activation{Activation::Kind::kHardSigmoid, 0, 0, 0.2f, 0.5f};
  graphs.push_back(inferred_graph(OpKind::kConvTranspose, {map_shape(4, 5, 6)}, ct));
  ResizeAttrs r;
  r.mode = ResizeAttrs::Mode::kLinear;
  r.coordinate = ResizeAttrs::Coordinate::kAlignCorners;
  r.nearest = ResizeAttrs::Nearest::kCeil;
  r.sizes_given = true, r.out_h = 9, r.out_w = 4;
  graphs.push_back(inferred_graph(OpKind::kResize, {map_shape(2, 5, 6)}, r));
  BinaryAttrs b;
  b.kind = BinaryAttrs::Kind::kDiv;
  b.constant_index = 0;
  b.constant = random_tensor(Shape({1, 3, 1, 1}), rng);
  graphs.push_back(inferred_graph(OpKind::kBinary, {map_shape(3, 4, 4)}, b));
  graphs.push_back(inferred_graph(OpKind::kSoftmax, {map_shape(2, 5, 6)}, SoftmaxAttrs{-2, true}));
  graphs.push_back(inferred_graph(OpKind::kReduce, {map_shape(3, 4, 4)},
                                  ReduceAttrs{ReduceAttrs::Kind::kMax, {-3, -1}}));
  MatMulAttrs m;
  m.constant_index = 1;
  m.constant = random_tensor(Shape({6, 2}), rng);
  graphs.push_back(inferred_graph(OpKind::kMatMul, {map_shape(1, 5, 6)}, m));
  graphs.push_back(
      inferred_graph(OpKind::kTranspose, {map_shape(2, 5, 6)}, TransposeAttrs{{0, 1, 3, 2}}));
  graphs.push_back(inferred_graph(OpKind::kReshape, {map_shape(1, 5, 6)},
                                  ReshapeAttrs{{1, 5, 6}, true}));
  graphs.push_back(inferred_graph(OpKind::kChannelGather, {map_shape(3, 2, 2)},
                                  ChannelGatherAttrs{{2, 0, 1}}));
  graphs.push_back(inferred_graph(OpKind::kGlobalMaxPool, {map_shape(3, 4, 5)}, std::monostate{}));
  PReluAttrs p;
  p.slope = random_tensor(Shape({1, 3, 1, 1}), rng);
  graphs.push_back(inferred_graph(OpKind::kPRelu, {map_shape(3, 4, 4)}, p));
  LayerNormAttrs ln;
  ln.axis = -3;
  ln.epsilon = 1e-6f;
  ln.scale = random_values(3, rng);
  ln.shift = random_values(3, rng);
  graphs.push_back(inferred_graph(OpKind::kLayerNorm, {map_shape(3, 4, 4)}, ln));
  // Attention reads tokens: a map made [1, 5, 8] first (the graph input is a map).
  irtest::GraphBuilder tokens({1, 8, 5, 1});
  const ValueId t = tokens.add("tokens", OpKind::kReshape, {0}, ReshapeAttrs{{1, 5, 8}, false});
  AttentionAttrs att;
  att.heads = 2, att.scale = 0.25f;
  graphs.push_back(
      tokens.done({tokens.add("attention", OpKind::kAttention, {t, t, t}, att)}));
  graphs.push_back(inferred_graph(OpKind::kRowSlice, {map_shape(2, 9, 3)},
                                  RowSliceAttrs{1, 3, {1, 2, 3, 3}}));
  RowConcatAttrs rc;
  rc.parts = {-1, 0, -2};
  rc.constants = {random_tensor(Shape({1, 2, 1, 3}), rng),
                  random_tensor(Shape({1, 2, 2, 3}), rng)};
  graphs.push_back(inferred_graph(OpKind::kRowConcat, {map_shape(2, 5, 3)}, rc));
  // Windowed attention with a bias per window: 5 tokens are not blocks of 2,
  // so over [1, 6, 8] tokens.
  irtest::GraphBuilder windows({1, 8, 6, 1});
  const ValueId w = windows.add("tokens", OpKind::kReshape, {0}, ReshapeAttrs{{1, 6, 8}, false});
  att.block = 2;
  att.bias = random_tensor(Shape({3, 2, 2, 2}), rng);
  graphs.push_back(
      windows.done({windows.add("attention", OpKind::kAttention, {w, w, w}, att)}));
  WindowTokensAttrs wt{2, 3, 4, 6};
  irtest::GraphBuilder partition({1, 5, 4, 6});
  const ValueId pt = partition.add("partition", OpKind::kWindowPartition, {0}, wt);
  graphs.push_back(
      partition.done({partition.add("reverse", OpKind::kWindowReverse, {pt}, wt)}));
  graphs.push_back(inferred_graph(OpKind::kColumnGather, {map_shape(2, 3, 4)},
                                  ColumnGatherAttrs{{3, 0, 1, 1, 2}}));
  graphs.push_back(inferred_graph(OpKind::kLrn, {map_shape(6, 3, 4)},
                                  LrnAttrs{5, 1e-3f, 0.75f, 2.0f}));
  graphs.push_back(inferred_graph(OpKind::kDepthToSpace, {map_shape(8, 3, 4)},
                                  DepthSpaceAttrs{2, true}));
  graphs.push_back(inferred_graph(OpKind::kSpaceToDepth, {map_shape(3, 4, 6)},
                                  DepthSpaceAttrs{2, false}));
  InstanceNormAttrs in;
  in.epsilon = 1e-3f;
  in.scale = random_values(3, rng);
  in.shift = random_values(3, rng);
  graphs.push_back(inferred_graph(OpKind::kInstanceNorm, {map_shape(3, 4, 5)}, in));
  graphs.push_back(inferred_graph(OpKind::kTile, {map_shape(3, 1, 5)}, TileAttrs{{1, 2, 4, 1}}));
  graphs.push_back(inferred_graph(OpKind::kReduce, {map_shape(6, 4, 5)},
                                  ReduceAttrs{ReduceAttrs::Kind::kArgMin, {-3}, true}));
  return graphs;
}

TEST(GraphCodecOps, EveryNewOpRoundTrips) {
  for (const Graph& g : one_node_graphs()) {
    SCOPED_TRACE(describe(g));
    planpb::Graph wire;
    encode_graph(g, true, &wire);
    planpb::Graph copy;
    ASSERT_TRUE(copy.ParseFromString(wire.SerializeAsString()));
    const Graph back = decode_graph(copy);
    EXPECT_EQ(graph_digest(back), graph_digest(g));
    EXPECT_NO_THROW(validate_graph(back));
  }
}

TEST(GraphCodecOps, MalformedAttributesAreErrors) {
  const std::vector<Graph> graphs = one_node_graphs();
  auto expect_bad = [](const Graph& g, const std::function<void(planpb::Node&)>& corrupt) {
    planpb::Graph wire;
    encode_graph(g, true, &wire);
    corrupt(*wire.mutable_nodes(wire.nodes_size() - 1));
    try {
      validate_graph(decode_graph(wire));
      ADD_FAILURE() << "accepted a corrupt " << describe(g);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kBadInput);
    }
  };
  expect_bad(graphs[0], [](planpb::Node& n) { n.mutable_conv_transpose()->set_group(0); });
  expect_bad(graphs[0], [](planpb::Node& n) {
    n.mutable_conv_transpose()->mutable_activation()->set_kind(99);
  });
  expect_bad(graphs[1], [](planpb::Node& n) { n.mutable_resize()->set_coordinate(17); });
  expect_bad(graphs[1], [](planpb::Node& n) { n.mutable_resize()->set_out_h(0); });
  expect_bad(graphs[2], [](planpb::Node& n) { n.mutable_binary()->set_constant_index(2); });
  expect_bad(graphs[2], [](planpb::Node& n) { n.mutable_binary()->clear_constant(); });
  expect_bad(graphs[3], [](planpb::Node& n) { n.mutable_softmax()->set_axis(-7); });
  expect_bad(graphs[4], [](planpb::Node& n) { n.mutable_reduce()->add_axes(-9); });
  expect_bad(graphs[5], [](planpb::Node& n) {
    n.mutable_matmul()->mutable_constant()->set_data("abc");
  });
  expect_bad(graphs[6], [](planpb::Node& n) { n.mutable_transpose()->set_perm(2, 1); });
  expect_bad(graphs[7], [](planpb::Node& n) { n.mutable_reshape()->set_row_local(false); });
  expect_bad(graphs[8], [](planpb::Node& n) { n.mutable_channel_gather()->set_source(0, 3); });
  expect_bad(graphs[8], [](planpb::Node& n) { n.mutable_channel_gather()->clear_source(); });
  expect_bad(graphs[10], [](planpb::Node& n) { n.mutable_prelu()->mutable_slope()->set_data("abc"); });
  expect_bad(graphs[10], [](planpb::Node& n) { n.mutable_prelu()->mutable_slope()->set_dims(1, 2); });
  expect_bad(graphs[11], [](planpb::Node& n) { n.mutable_layer_norm()->set_axis(-2); });
  expect_bad(graphs[11], [](planpb::Node& n) { n.mutable_layer_norm()->set_scale("abcd"); });
  expect_bad(graphs[11], [](planpb::Node& n) { n.mutable_layer_norm()->set_axis(-9); });
  expect_bad(graphs[12], [](planpb::Node& n) { n.mutable_attention()->set_heads(3); });
  expect_bad(graphs[12], [](planpb::Node& n) { n.mutable_attention()->set_heads(0); });
  expect_bad(graphs[12], [](planpb::Node& n) { n.mutable_attention()->set_scale(NAN); });
  expect_bad(graphs[13], [](planpb::Node& n) { n.mutable_row_slice()->set_step(4); });
  expect_bad(graphs[13], [](planpb::Node& n) { n.mutable_row_slice()->set_start(-1); });
  expect_bad(graphs[13], [](planpb::Node& n) { n.mutable_row_slice()->set_dims(2, 5); });
  expect_bad(graphs[14], [](planpb::Node& n) { n.mutable_row_concat()->set_parts(0, 1); });
  expect_bad(graphs[14], [](planpb::Node& n) { n.mutable_row_concat()->set_parts(2, -1); });
  expect_bad(graphs[14], [](planpb::Node& n) { n.mutable_row_concat()->set_parts(1, -3); });
  expect_bad(graphs[14], [](planpb::Node& n) {
    n.mutable_row_concat()->mutable_constants(0)->set_dims(2, 5);
  });
  expect_bad(graphs[15], [](planpb::Node& n) { n.mutable_attention()->set_block(4); });
  expect_bad(graphs[15], [](planpb::Node& n) { n.mutable_attention()->set_block(-2); });
  expect_bad(graphs[15], [](planpb::Node& n) { n.mutable_attention()->mutable_bias()->set_dims(0, 2); });
  expect_bad(graphs[16], [](planpb::Node& n) { n.mutable_window_tokens()->set_window_w(4); });
  expect_bad(graphs[16], [](planpb::Node& n) { n.mutable_window_tokens()->set_height(0); });
  expect_bad(graphs[16], [](planpb::Node& n) { n.mutable_window_tokens()->set_width(3); });
  expect_bad(graphs[17], [](planpb::Node& n) { n.mutable_column_gather()->set_source(0, 4); });
  expect_bad(graphs[17], [](planpb::Node& n) { n.mutable_column_gather()->clear_source(); });
  expect_bad(graphs[18], [](planpb::Node& n) { n.mutable_lrn()->set_size(0); });
  expect_bad(graphs[18], [](planpb::Node& n) { n.mutable_lrn()->set_beta(NAN); });
  expect_bad(graphs[19], [](planpb::Node& n) { n.mutable_depth_space()->set_block(3); });
  expect_bad(graphs[20], [](planpb::Node& n) { n.mutable_depth_space()->set_crd(true); });
  expect_bad(graphs[20], [](planpb::Node& n) { n.mutable_depth_space()->set_block(0); });
  expect_bad(graphs[21], [](planpb::Node& n) { n.mutable_instance_norm()->set_scale("abcd"); });
  expect_bad(graphs[21], [](planpb::Node& n) { n.mutable_instance_norm()->set_epsilon(-1.0f); });
  expect_bad(graphs[22], [](planpb::Node& n) { n.mutable_tile()->set_repeats(0, 2); });
  expect_bad(graphs[22], [](planpb::Node& n) { n.mutable_tile()->set_repeats(2, 0); });
  expect_bad(graphs[22], [](planpb::Node& n) { n.mutable_tile()->add_repeats(1); });
  expect_bad(graphs[22], [](planpb::Node& n) { n.mutable_tile()->set_repeats(3, int64_t(1) << 40); });
  expect_bad(graphs[23], [](planpb::Node& n) { n.mutable_reduce()->set_axes(0, -1); });
  expect_bad(graphs[23], [](planpb::Node& n) { n.mutable_reduce()->add_axes(-1); });
  expect_bad(graphs[23], [](planpb::Node& n) { n.mutable_reduce()->set_kind(6); });
  expect_bad(graphs[4], [](planpb::Node& n) { n.mutable_reduce()->set_select_last_index(true); });
}

}  // namespace
}  // namespace edgeflow::test
