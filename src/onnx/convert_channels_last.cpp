// Channels-last maps (ChannelsLastView): Swin writes its whole network on
// [1, H, W, C] tensors, a Transpose(0, 2, 3, 1) of the patch embedding's map,
// with windows cut out of them by reshapes. A map is stored NHWC, so the
// row-major order of [1, H, W, C] is the map's own storage, and
//   per-pixel ops (LayerNorm over C, a MatMul by a constant [C, K], Add/Mul
//     with constants or another such map, activations)  -> on the map
//   Slice / Concat along H                                -> kRowSlice / kRowConcat
//   Slice / Concat along W (torch.roll, patch merging)    -> a pending column
//     gather, one kColumnGather when something reads the pixels
//   Concat along C                                        -> kConcat
//   Reshape to windows [1, H/wh, wh, W/ww, ww, C]         -> kWindowPartition,
//     whose tokens the reshapes and transposes that follow see as a strided view
//   that view transposed back and reshaped to [1, H, W, C] -> kWindowReverse
//   Transpose(0, 3, 1, 2)                                 -> the map itself
// Anything else reads the view materialized: the gather, then a Transpose.
#include <numeric>

#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

const std::vector<int64_t> kToChannelsLast{0, 2, 3, 1};
const std::vector<int64_t> kToChannelsFirst{0, 3, 1, 2};

std::vector<int64_t> iota_list(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

const ChannelsLastView* view_of(Importer& im, const onnx::NodeProto& node, int i) {
  if (!im.has_input(node, i)) return nullptr;
  const Entry& e = im.input(node, i);
  return e.is_channels_last() ? e.channels_last.get() : nullptr;
}

// Input i's view with its column gather done (once: the input is redefined
// as the gathered view, which holds the same values).
ChannelsLastView gathered_input(Importer& im, const onnx::NodeProto& node, int i) {
  ChannelsLastView view = *view_of(im, node, i);
  if (view.columns.empty()) return view;
  view.base = gathered_map(im, node, node.input(i), view);
  view.columns.clear();
  Entry e;
  e.channels_last = std::make_shared<const ChannelsLastView>(view);
  im.define(node.input(i), std::move(e));
  return view;
}

// Defines output 0 as the view of a new node on the map `base`.
void per_pixel(Importer& im, const onnx::NodeProto& node, OpKind op, std::vector<ValueId> maps,
               NodeAttrs attrs) {
  define_channels_last(im, node, 0, im.add_node(node, op, std::move(maps), std::move(attrs)), {});
}

// The map a step of converting `node` makes (its name tells the step).
ValueId step(Importer& im, const onnx::NodeProto& node, const std::string& name, OpKind op,
             std::vector<ValueId> inputs, NodeAttrs attrs) {
  return im.add_node(step_node(node, node.output(0), name), op, std::move(inputs),
                     std::move(attrs));
}

}  // namespace

void define_channels_last(Importer& im, const onnx::NodeProto& node, int output, ValueId base,
                          std::vector<int64_t> columns) {
  const Dims& map = im.shape_of(base).dims;
  EF_ASSERT(map.size() == 4);
  if (columns == iota_list(map[3])) columns.clear();
  ChannelsLastView view;
  view.base = base;
  view.dims = {1, map[2], columns.empty() ? map[3] : static_cast<int64_t>(columns.size()), map[1]};
  view.columns = std::move(columns);
  Entry e;
  e.channels_last = std::make_shared<const ChannelsLastView>(std::move(view));
  im.define(node.output(output), std::move(e));
}

ValueId gathered_map(Importer& im, const onnx::NodeProto& node, const std::string& name,
                     const ChannelsLastView& view) {
  if (view.columns.empty()) return view.base;
  return im.add_node(step_node(node, name, "columns"), OpKind::kColumnGather, {view.base},
                     ColumnGatherAttrs{view.columns});
}

ValueId materialize_channels_last(Importer& im, const onnx::NodeProto& node,
                                  const std::string& name, const ChannelsLastView& view) {
  return im.add_node(step_node(node, name, "channels_last"), OpKind::kTranspose,
                     {gathered_map(im, node, name, view)}, TransposeAttrs{kToChannelsLast});
}

bool transpose_channels_last(Importer& im, const onnx::NodeProto& node,
                             const std::vector<int64_t>& perm) {
  const Entry& x = im.input(node, 0);
  if (x.is_channels_last() && perm == kToChannelsFirst) {
    Entry e;
    e.value = gathered_input(im, node, 0).base;
    im.define(node.output(0), std::move(e));
    return true;
  }
  if (x.value >= 0 && !x.is_strided() && im.shape_of(x.value).rank() == 4 &&
      perm == kToChannelsLast) {
    define_channels_last(im, node, 0, x.value, {});
    return true;
  }
  return false;
}

bool layer_norm_on_channels_last(Importer& im, const onnx::NodeProto& node, LayerNormAttrs a) {
  if (!view_of(im, node, 0)) return false;
  a.axis = -3;  // the channels of the map
  per_pixel(im, node, OpKind::kLayerNorm, {gathered_input(im, node, 0).base}, std::move(a));
  return true;
}

bool matmul_on_channels_last(Importer& im, const onnx::NodeProto& node) {
  const ChannelsLastView* x = view_of(im, node, 0);
  const Entry& w = im.input(node, 1);
  if (!x || !w.is_constant() || w.constant->dims.size() != 2 ||
      w.constant->dims[0] != x->dims[3])
    return false;
  MatMulAttrs linear;
  linear.constant_index = 1;
  linear.constant = Tensor(Shape(w.constant->dims), constant_floats(*w.constant));
  per_pixel(im, node, OpKind::kConv, {gathered_input(im, node, 0).base}, pointwise_conv(linear));
  return true;
}

bool binary_on_channels_last(Importer& im, const onnx::NodeProto& node, BinaryAttrs::Kind kind) {
  const ChannelsLastView* a = view_of(im, node, 0);
  const ChannelsLastView* b = view_of(im, node, 1);
  BinaryAttrs attrs;
  attrs.kind = kind;
  if (a && b) {
    if (a->dims != b->dims) return false;
    const ValueId x = gathered_input(im, node, 0).base, y = gathered_input(im, node, 1).base;
    per_pixel(im, node, OpKind::kBinary, {x, y}, std::move(attrs));
    return true;
  }
  const int side = a ? 0 : 1;
  const ChannelsLastView* view = a ? a : b;
  const Entry& other = im.input(node, 1 - side);
  if (!view || !other.is_constant() || other.constant->dims.size() > 4) return false;
  const Constant& c = *other.constant;
  Dims d(4 - c.dims.size(), 1);  // [1, h, w, c] broadcast against [1, H, W, C]
  d.insert(d.end(), c.dims.begin(), c.dims.end());
  for (size_t k = 0; k < 4; ++k)
    if (d[k] != 1 && d[k] != view->dims[k]) return false;
  const ValueId x = gathered_input(im, node, side).base;
  if (kind == BinaryAttrs::Kind::kPow && side == 0 && c.size() == 1) {
    Activation p;
    p.kind = Activation::Kind::kPow;
    p.alpha = constant_floats(c)[0];
    per_pixel(im, node, OpKind::kActivation, {x}, ActivationAttrs{p});
    return true;
  }
  // The constant's row-major [h, w, c] is the storage of the map [1, c, h, w].
  attrs.constant_index = 1 - side;
  attrs.constant = Tensor(Shape({1, d[3], d[1], d[2]}), constant_floats(c));
  per_pixel(im, node, OpKind::kBinary, {x}, std::move(attrs));
  return true;
}

bool activation_on_channels_last(Importer& im, const onnx::NodeProto& node, const Activation& a) {
  if (!view_of(im, node, 0)) return false;
  per_pixel(im, node, OpKind::kActivation, {gathered_input(im, node, 0).base}, ActivationAttrs{a});
  return true;
}

bool slice_channels_last(Importer& im, const onnx::NodeProto& node,
                         const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                         std::vector<int64_t> axes, std::vector<int64_t> steps) {
  if (!view_of(im, node, 0)) return false;
  const ChannelsLastView view = *view_of(im, node, 0);
  if (axes.empty()) axes = iota_list(static_cast<int64_t>(starts.size()));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    fail_node(node, "starts, ends, axes and steps differ in length");
  std::vector<int64_t> kept[4];
  for (size_t a = 0; a < 4; ++a) kept[a] = iota_list(view.dims[a]);
  for (size_t k = 0; k < starts.size(); ++k) {
    const int64_t a = normalize_axis(node, axes[k], 4, "axes value");
    Constant index;
    index.type = Constant::Type::kInt64;
    index.dims = {static_cast<int64_t>(kept[a].size())};
    index.ints = kept[a];
    kept[a] = fold_slice(node, index, {starts[k]}, {ends[k]}, {0}, {steps[k]}).ints;
    if (kept[a].empty()) fail_node(node, "slices away every index of axis " + std::to_string(a));
  }
  if (kept[0].size() != 1) return false;
  ValueId map = view.base;
  const int64_t rows = static_cast<int64_t>(kept[1].size());
  if (kept[1] != iota_list(view.dims[1])) {
    const int64_t stride = rows > 1 ? kept[1][1] - kept[1][0] : 1;
    if (stride < 1) return false;  // a reversal
    Dims dims = im.shape_of(map).dims;
    dims[2] = rows;
    map = step(im, node, "rows", OpKind::kRowSlice, {map}, RowSliceAttrs{kept[1][0], stride, dims});
  }
  if (kept[3] != iota_list(view.dims[3]))
    map = step(im, node, "channels", OpKind::kChannelGather, {map}, ChannelGatherAttrs{kept[3]});
  std::vector<int64_t> columns;
  for (int64_t x : kept[2]) columns.push_back(view.columns.empty() ? x : view.columns[x]);
  define_channels_last(im, node, 0, map, std::move(columns));
  return true;
}

bool concat_channels_last(Importer& im, const onnx::NodeProto& node, int64_t axis) {
  std::vector<int> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty()) continue;
    if (!view_of(im, node, i)) return false;
    inputs.push_back(i);
  }
  if (inputs.empty()) return false;
  const int64_t a = normalize_axis(node, axis, 4, "attribute 'axis'");
  const ChannelsLastView first = *view_of(im, node, inputs[0]);
  if (a == 2) {  // along W: columns of one map
    std::vector<int64_t> columns;
    for (int i : inputs) {
      const ChannelsLastView& v = *view_of(im, node, i);
      if (v.base != first.base) return false;
      for (int64_t x = 0; x < v.dims[2]; ++x) columns.push_back(v.columns.empty() ? x : v.columns[x]);
    }
    define_channels_last(im, node, 0, first.base, std::move(columns));
    return true;
  }
  if (a != 1 && a != 3) return false;
  std::vector<ValueId> maps;
  for (int i : inputs) maps.push_back(gathered_input(im, node, i).base);
  if (a == 1) {
    RowConcatAttrs rows;
    rows.parts = iota_list(static_cast<int64_t>(maps.size()));
    per_pixel(im, node, OpKind::kRowConcat, std::move(maps), std::move(rows));
  } else {
    per_pixel(im, node, OpKind::kConcat, std::move(maps), std::monostate{});
  }
  return true;
}

bool window_partition(Importer& im, const onnx::NodeProto& node, const Dims& target) {
  if (!view_of(im, node, 0) || target.size() != 6) return false;
  const Dims d = view_of(im, node, 0)->dims;  // [1, H, W, C]
  const int64_t across = target[1], wh = target[2], down = target[3], ww = target[4];
  if (target[0] != 1 || across * wh != d[1] || down * ww != d[2] || target[5] != d[3])
    return false;
  const ValueId map = gathered_input(im, node, 0).base;
  const int64_t c = d[3];
  const ValueId tokens = step(im, node, "windows", OpKind::kWindowPartition, {map},
                              WindowTokensAttrs{wh, ww, d[1], d[2]});
  StridedView view;
  view.base = tokens;
  view.dims = target;
  view.strides = {d[1] * d[2] * c, down * wh * ww * c, ww * c, wh * ww * c, c, 1};
  define_strided(im, node, 0, std::move(view));
  return true;
}

bool window_reverse(Importer& im, const onnx::NodeProto& node, const StridedView& view,
                    const Dims& target) {
  const Dims& d = view.dims;
  const Shape& base = im.shape_of(view.base);
  if (d.size() != 6 || target.size() != 4 || view.scale != 1.0f || base.rank() != 3) return false;
  const int64_t c = base.dims[2], wh = d[2], ww = d[4];
  const int64_t height = d[1] * wh, width = d[3] * ww;
  const Dims strides = {height * width * c, d[3] * wh * ww * c, ww * c, wh * ww * c, c, 1};
  if (d[0] != 1 || d[5] != c || target != Dims{1, height, width, c} ||
      base.dims[1] != height * width)
    return false;
  for (size_t k = 1; k < 6; ++k)
    if (d[k] != 1 && view.strides[k] != strides[k]) return false;
  const ValueId map = step(im, node, "map", OpKind::kWindowReverse, {view.base},
                           WindowTokensAttrs{wh, ww, height, width});
  define_channels_last(im, node, 0, map, {});
  return true;
}

}  // namespace edgeflow::onnx_import
