// Slice, Split and Gather of computed tensors, along one axis; every other
// axis must be kept whole:
//   the features (a map's channels, the last axis of tokens or of a strided
//   view of tokens)  -> ChannelGather, row-local (ShuffleNet v2's chunk, the
//                       q/k/v thirds of an attention's input projection)
//   the rows (H of a map, T of tokens) -> RowSlice, row-local (a vision
//                       transformer's class token, picked by a Gather)
//   one index of an axis of a strided view that splits the features (q, k
//   or v of a fused projection reshaped [N, 3, h, d] and permuted, as timm
//   and Swin write attention) -> ChannelGather, and the view without the axis
// What each keeps is the op itself folded over the index vector 0..n-1 of
// the axis, so the ONNX semantics (negative and clamped bounds, steps,
// negative indices) are the constant folder's.
#include <algorithm>
#include <numeric>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

Constant index_vector(int64_t n) {
  Constant c;
  c.type = Constant::Type::kInt64;
  c.dims = {n};
  c.ints.resize(static_cast<size_t>(n));
  std::iota(c.ints.begin(), c.ints.end(), 0);
  return c;
}

// The computed input of a Slice, Split or Gather, and its axes that can be
// taken apart: the features always, the rows unless it is a view.
struct Sliced {
  Dims dims;               // as ONNX sees it
  int64_t features = -1;   // ONNX axis
  int64_t rows = -1;       // ONNX axis, -1 for a view
  ValueId value = -1;      // the IR value (a view's base)
  std::optional<StridedView> view;
};

Sliced sliced_input(Importer& im, const onnx::NodeProto& node) {
  const Entry& e = im.input(node, 0);
  Sliced s;
  if (e.is_strided() && last_axis_is_features(im, *e.strided)) {
    s.view = *e.strided;
    s.value = s.view->base;
    s.dims = s.view->dims;
    s.features = static_cast<int64_t>(s.dims.size()) - 1;
    return s;
  }
  s.value = im.value_input(node, 0);
  const Shape& shape = im.shape_of(s.value);
  if (shape.rank() != 4 && shape.rank() != 3)
    fail_node(node, "input '" + node.input(0) + "' is computed from the image and is " +
                        shape.str() + "; of computed tensors only maps and 1xTxC tokens are " +
                        "sliced, split or gathered");
  s.dims = shape.dims;
  s.features = static_cast<int64_t>(shape.feature_axis());
  s.rows = static_cast<int64_t>(shape.rank()) - 2;
  return s;
}

[[noreturn]] void refuse_axis(const onnx::NodeProto& node, const Sliced& s, int64_t axis) {
  std::string allowed = "its features (axis " + std::to_string(s.features) + ")";
  if (s.rows >= 0) allowed += " or its rows (axis " + std::to_string(s.rows) + ")";
  fail_node(node, "takes part of axis " + std::to_string(axis) + " of the computed " +
                      Shape(s.dims).str() + " tensor; only " + allowed + " can be");
}

// Output `output` of `node`: features `source` of the input (itself when all,
// in order).
void gather_features(Importer& im, const onnx::NodeProto& node, int output, const Sliced& s,
                     std::vector<int64_t> source) {
  if (source.empty()) fail_node(node, "output " + std::to_string(output) + " is empty");
  Entry same;
  same.value = s.value;
  if (s.view) same.strided = std::make_shared<const StridedView>(*s.view);
  const bool all = source == index_vector(im.shape_of(s.value).features()).ints;
  if (all) return im.define(node.output(output), std::move(same));
  const ValueId out = im.add_node(node, OpKind::kChannelGather, {s.value},
                                  ChannelGatherAttrs{std::move(source)}, output);
  if (s.view) define_strided(im, node, output, over_new_features(im, *s.view, out));
}

// Output 0 of `node`: rows `kept` of the input, as a tensor of `dims`.
void gather_rows(Importer& im, const onnx::NodeProto& node, const Sliced& s,
                 const std::vector<int64_t>& kept, Dims dims) {
  if (kept.empty()) fail_node(node, "keeps no row");
  const int64_t step = kept.size() > 1 ? kept[1] - kept[0] : 1;
  if (step < 1) fail_node(node, "takes rows in reverse; only forward steps are supported");
  if (dims == s.dims && kept == index_vector(s.dims[s.rows]).ints)
    return im.alias_output(node, im.input(node, 0));
  im.add_node(node, OpKind::kRowSlice, {s.value}, RowSliceAttrs{kept[0], step, std::move(dims)});
}

// A Gather of one index along an axis of a strided view that splits the
// features (the `3` of a fused q/k/v projection reshaped [N, 3, h, d]): the
// features with that index along the axis, gathered, and the view over them
// without the axis. False when the axis is not such a split.
bool gather_feature_split(Importer& im, const onnx::NodeProto& node, const StridedView& view,
                          int64_t axis, const Constant& indices) {
  const int64_t c = im.shape_of(view.base).features();
  const int64_t stride = view.strides[axis], extent = view.dims[axis];
  if (!indices.dims.empty() || extent == 1 || stride >= c) return false;
  // The axes within the features must split them row-major.
  std::vector<size_t> split;
  for (size_t j = 0; j < view.dims.size(); ++j)
    if (view.dims[j] != 1 && view.strides[j] < c) split.push_back(j);
  std::sort(split.begin(), split.end(),
            [&](size_t a, size_t b) { return view.strides[a] > view.strides[b]; });
  int64_t expected = 1;
  for (size_t k = split.size(); k-- > 0;) {
    if (view.strides[split[k]] != expected) return false;
    expected *= view.dims[split[k]];
  }
  if (expected != c) return false;
  const int64_t index = fold_gather(node, index_vector(extent), indices, 0).ints.at(0);
  std::vector<int64_t> source;
  for (int64_t f = 0; f < c; ++f)
    if ((f / stride) % extent == index) source.push_back(f);
  StridedView out = view;
  out.base = im.add_node(node, OpKind::kChannelGather, {view.base},
                         ChannelGatherAttrs{std::move(source)});
  const int64_t kept = c / extent;
  for (size_t j = 0; j < out.dims.size(); ++j) {
    int64_t& s = out.strides[j];
    if (s >= c)
      s = s / c * kept;  // along the rows
    else if (s > stride)
      s /= extent;  // features split coarser than the gathered axis
  }
  out.dims.erase(out.dims.begin() + axis);
  out.strides.erase(out.strides.begin() + axis);
  define_strided(im, node, 0, std::move(out));
  return true;
}

}  // namespace

void slice_channels(Importer& im, const onnx::NodeProto& node, const std::vector<int64_t>& starts,
                    const std::vector<int64_t>& ends, std::vector<int64_t> axes,
                    std::vector<int64_t> steps) {
  const Sliced s = sliced_input(im, node);
  const int64_t rank = static_cast<int64_t>(s.dims.size());
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    fail_node(node, "starts, ends, axes and steps differ in length");
  std::vector<int64_t> features = index_vector(s.dims[s.features]).ints;
  std::vector<int64_t> rows;
  for (size_t k = 0; k < starts.size(); ++k) {
    const int64_t a = normalize_axis(node, axes[k], rank, "axes value");
    const Constant all = index_vector(s.dims[a]);
    const Constant kept = fold_slice(node, all, {starts[k]}, {ends[k]}, {0}, {steps[k]});
    if (kept.ints == all.ints) continue;
    if (a == s.features)
      features = kept.ints;
    else if (a == s.rows)
      rows = kept.ints;
    else
      refuse_axis(node, s, a);
  }
  if (rows.empty()) return gather_features(im, node, 0, s, std::move(features));
  if (features != index_vector(s.dims[s.features]).ints)
    fail_node(node, "takes part of both the rows and the features; slice them one at a time");
  Dims dims = s.dims;
  dims[s.rows] = static_cast<int64_t>(rows.size());
  gather_rows(im, node, s, rows, std::move(dims));
}

void split_channels(Importer& im, const onnx::NodeProto& node, int64_t axis,
                    const std::vector<int64_t>& split) {
  const Sliced s = sliced_input(im, node);
  if (normalize_axis(node, axis, static_cast<int64_t>(s.dims.size()), "attribute 'axis'") !=
      s.features)
    refuse_axis(node, s, axis);
  int64_t start = 0;
  for (int k = 0; k < node.output_size(); ++k) {
    std::vector<int64_t> source(static_cast<size_t>(split[k]));
    std::iota(source.begin(), source.end(), start);
    start += split[k];
    if (!node.output(k).empty() && im.is_used(node.output(k)))
      gather_features(im, node, k, s, std::move(source));
  }
}

void gather_channels(Importer& im, const onnx::NodeProto& node, const Constant& indices,
                     int64_t axis) {
  const Entry& e = im.input(node, 0);
  if (e.is_strided()) {
    const int64_t a = normalize_axis(node, axis, static_cast<int64_t>(e.strided->dims.size()),
                                     "attribute 'axis'");
    if (gather_feature_split(im, node, *e.strided, a, indices)) return;
  }
  const Sliced s = sliced_input(im, node);
  const int64_t a = normalize_axis(node, axis, static_cast<int64_t>(s.dims.size()),
                                   "attribute 'axis'");
  const std::vector<int64_t> kept = fold_gather(node, index_vector(s.dims[a]), indices, 0).ints;
  if (a == s.rows && indices.dims.empty() && s.dims.size() == 3) {  // one row; the axis goes
    Dims dims = s.dims;
    dims.erase(dims.begin() + a);
    return gather_rows(im, node, s, kept, std::move(dims));
  }
  if (a != s.features) refuse_axis(node, s, a);
  if (indices.dims.size() != 1)
    fail_node(node, "indices of shape " + Shape(indices.dims).str() +
                        " would change the tensor's rank; only a list of features is supported");
  gather_features(im, node, 0, s, kept);
}

}  // namespace edgeflow::onnx_import
