// Reshape-like ops (Reshape, Flatten, Squeeze, Unsqueeze) and Transpose on
// computed tensors. The IR holds tensors of rank 2 to 4 with N = 1:
//   same dims                      -> the same value (no node)
//   map [1,C,H,W] -> [1, C*H*W]    -> kFlatten
//   map -> [1, g1, .., gk, H, W]   -> a channel view (importer only), which a
//       Transpose of the group axes permutes and a Reshape back to
//       [1, C, H, W] turns into kChannelGather (a channel shuffle: row-local)
//   other targets of rank 2 to 4   -> kReshape (row-local when the storage
//       rows agree, else a whole unit that reorders in NCHW order)
//   Transpose of rank 2 to 4       -> kTranspose (a whole unit)
//   Transpose(0,2,3,1) of a map    -> a channels-last view (importer only,
//       convert_channels_last.cpp): reshaped into windows [1, H/wh, wh,
//       W/ww, ww, C] it is a kWindowPartition, and those windows' views
//       reshaped back to [1, H, W, C] a kWindowReverse; other reshapes read
//       it materialized
//   tokens [1, T, C] to shapes the IR cannot hold (N != 1: [T, 1, C],
//       [T, h, d], [h, T, d], ...) -> a strided view (importer only,
//       tensor_view.cpp), which ops along the features and attention read
//       as it is, and other ops materialize
// Anything else (rank 5+, N != 1) is refused naming the node and the shapes.
#include <numeric>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

std::string text(const Dims& d) { return Shape(d).str(); }

std::string list_text(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

int64_t product(const Dims& d, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= d[i];
  return p;
}

// True when `target` regroups the channels of map `map` ([1, g.., H, W]).
bool is_channel_grouping(const Dims& map, const Dims& target) {
  const size_t r = target.size();
  return map.size() == 4 && r >= 5 && target[0] == 1 && target[r - 2] == map[2] &&
         target[r - 1] == map[3] && product(target, 1, r - 2) == map[1];
}

void define_view(Importer& im, const onnx::NodeProto& node, ChannelView view) {
  Entry e;
  e.view = std::make_shared<const ChannelView>(std::move(view));
  im.define(node.output(0), std::move(e));
}

// The view reshaped back to its base's dims: a channel permute, or nothing
// when the permutation is the identity.
void materialize(Importer& im, const onnx::NodeProto& node, const ChannelView& view) {
  std::vector<int64_t> identity(view.channel_map.size());
  std::iota(identity.begin(), identity.end(), 0);
  if (view.channel_map == identity) {
    Entry e;
    e.value = view.base;
    im.alias_output(node, e);
    return;
  }
  im.add_node(node, OpKind::kChannelGather, {view.base}, ChannelGatherAttrs{view.channel_map});
}

[[noreturn]] void refuse(const onnx::NodeProto& node, const Dims& in, const Dims& target) {
  fail_node(node, "reshaping the computed tensor '" + node.input(0) + "' (" + text(in) + ") to " +
                      text(target) +
                      " is not supported: computed tensors have rank 2 to 4 with N = 1 (rank 5 "
                      "or more only as a regrouping of the channels of a map, [1, g1, .., gk, H, "
                      "W], that is reshaped back to NCHW)");
}

bool representable(const Dims& dims) {
  return dims.size() >= 2 && dims.size() <= 4 && dims[0] == 1;
}

}  // namespace

void reshape_value(Importer& im, const onnx::NodeProto& node, const Entry& x, const Dims& target) {
  if (x.is_scores()) return reshape_scores(im, node, *x.scores, target);
  if (x.is_channels_last() && target == x.channels_last->dims) return im.alias_output(node, x);
  if (window_partition(im, node, target)) return;
  if (x.is_channels_last()) {  // any other reshape of it reads the [1, H, W, C] tensor
    Entry value;
    value.value = im.value_input(node, 0);
    return reshape_value(im, node, value, target);
  }
  if (x.is_strided()) {
    // Windows back to a map first: a grid of one window is a plain reshape
    // too, but the map is what the channels-last ops after it read.
    if (window_reverse(im, node, *x.strided, target)) return;
    if (std::optional<StridedView> v = reshape_view(*x.strided, target))
      return define_strided(im, node, 0, std::move(*v));
    Entry value;
    value.value = im.value_input(node, 0);
    return reshape_value(im, node, value, target);
  }
  if (!x.is_view() && !x.is_constant() && im.shape_of(x.value).rank() < 4 &&
      !representable(target))
    return define_strided(im, node, 0, *reshape_view(natural_view(im, x.value), target));
  if (x.is_view()) {
    const ChannelView& view = *x.view;
    const Dims& base = im.shape_of(view.base).dims;
    if (target == base) return materialize(im, node, view);
    if (!is_channel_grouping(base, target)) refuse(node, view.dims, target);
    ChannelView regrouped = view;
    regrouped.dims = target;
    return define_view(im, node, std::move(regrouped));
  }
  const Shape& in = im.shape_of(x.value);
  if (target == in.dims) return im.alias_output(node, x);
  if (in.rank() == 4 && target == Dims{1, in.elements()}) {
    im.add_node(node, OpKind::kFlatten, {x.value}, std::monostate{});
    return;
  }
  if (is_channel_grouping(in.dims, target)) {
    ChannelView view;
    view.base = x.value;
    view.dims = target;
    view.channel_map.resize(static_cast<size_t>(in.dims[1]));
    std::iota(view.channel_map.begin(), view.channel_map.end(), 0);
    return define_view(im, node, std::move(view));
  }
  if (target.size() < 2 || target.size() > 4 || target[0] != 1) refuse(node, in.dims, target);
  im.add_node(node, OpKind::kReshape, {x.value},
              ReshapeAttrs{target, reshape_is_row_local(in, Shape(target))});
}

void convert_transpose(Importer& im, const onnx::NodeProto& node) {
  const Entry& x = im.input(node, 0);
  const Dims& in = dims_of(im, x);
  const int64_t rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> perm = attr_ints(node, "perm");
  if (!find_attr(node, "perm"))
    for (int64_t i = rank; i-- > 0;) perm.push_back(i);
  if (x.is_constant()) {
    im.define_constant(node.output(0), fold_transpose(node, *x.constant, perm));
    return;
  }
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(static_cast<size_t>(rank));
  std::iota(identity.begin(), identity.end(), 0);
  if (sorted != identity)
    fail_node(node, "attribute 'perm' " + list_text(perm) + " is not a permutation of " +
                        std::to_string(rank) + " dims");
  if (perm == identity) return im.alias_output(node, x);
  if (transpose_channels_last(im, node, perm)) return;
  if (x.is_scores()) im.value_input(node, 0);  // fails: scores only go to Softmax and MatMul
  if (x.is_strided()) return define_strided(im, node, 0, transpose_view(*x.strided, perm));
  if (!x.is_view() && !x.is_channels_last() && im.shape_of(x.value).rank() < 4) {
    Dims out;
    for (int64_t p : perm) out.push_back(in[p]);
    if (!representable(out))
      return define_strided(im, node, 0, transpose_view(natural_view(im, x.value), perm));
  }
  if (x.is_view()) {
    const ChannelView& view = *x.view;
    if (perm[0] != 0 || perm[rank - 2] != rank - 2 || perm[rank - 1] != rank - 1)
      fail_node(node, "attribute 'perm' " + list_text(perm) + " moves N, H or W of the " + text(in) +
                          " channel regrouping of '" + im.graph().values[view.base].name +
                          "'; only its channel groups may be permuted (a channel shuffle)");
    ChannelView out = view;
    for (int64_t i = 0; i < rank; ++i) out.dims[i] = in[perm[i]];
    // New group index (row-major over out.dims[1..rank-2)) -> old one.
    const size_t groups = static_cast<size_t>(rank - 3);
    std::vector<int64_t> at(groups, 0);
    for (size_t flat = 0; flat < out.channel_map.size(); ++flat) {
      std::vector<int64_t> old(groups);
      for (size_t t = 0; t < groups; ++t) old[perm[t + 1] - 1] = at[t];
      int64_t old_flat = 0;
      for (size_t t = 0; t < groups; ++t) old_flat = old_flat * in[t + 1] + old[t];
      out.channel_map[flat] = view.channel_map[old_flat];
      for (size_t t = groups; t-- > 0;) {
        if (++at[t] < out.dims[t + 1]) break;
        at[t] = 0;
      }
    }
    return define_view(im, node, std::move(out));
  }
  im.add_node(node, OpKind::kTranspose, {im.value_input(node, 0)}, TransposeAttrs{perm});
}

}  // namespace edgeflow::onnx_import
