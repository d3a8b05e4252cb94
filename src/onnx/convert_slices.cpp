// Slice, Split and Gather of a computed map along its channels (ShuffleNet
// v2's chunk, a channel selection) -> ChannelGather, row-local. Which
// channels each keeps is the op itself, folded over the index vector
// 0..C-1 of the axis, so the ONNX semantics (negative and clamped bounds,
// steps, negative indices) are the constant folder's. Every other axis must
// be kept whole.
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

const Shape& computed_map(Importer& im, const onnx::NodeProto& node, ValueId x) {
  const Shape& s = im.shape_of(x);
  if (s.rank() != 4)
    fail_node(node, "input '" + node.input(0) + "' is computed from the image and is " +
                        s.str() + "; of computed tensors only the channels of a map are " +
                        "sliced, split or gathered");
  return s;
}

[[noreturn]] void refuse_axis(const onnx::NodeProto& node, int64_t axis) {
  fail_node(node, "takes part of axis " + std::to_string(axis) +
                      " of a computed map; only its channels (axis 1) can be");
}

// Output `output` of `node`: channels `source` of x (x itself when all, in order).
void gather(Importer& im, const onnx::NodeProto& node, int output, ValueId x,
            std::vector<int64_t> source) {
  if (source == index_vector(im.shape_of(x).channels()).ints) {
    Entry e;
    e.value = x;
    im.define(node.output(output), std::move(e));
    return;
  }
  if (source.empty()) fail_node(node, "output " + std::to_string(output) + " has no channel");
  im.add_node(node, OpKind::kChannelGather, {x}, ChannelGatherAttrs{std::move(source)}, output);
}

}  // namespace

void slice_channels(Importer& im, const onnx::NodeProto& node, const std::vector<int64_t>& starts,
                    const std::vector<int64_t>& ends, std::vector<int64_t> axes,
                    std::vector<int64_t> steps) {
  const ValueId x = im.value_input(node, 0);
  const Shape& s = computed_map(im, node, x);
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    fail_node(node, "starts, ends, axes and steps differ in length");
  std::vector<int64_t> source = index_vector(s.channels()).ints;
  for (size_t k = 0; k < starts.size(); ++k) {
    const int64_t a = normalize_axis(node, axes[k], 4, "axes value");
    const Constant all = index_vector(s.dims[a]);
    const Constant kept = fold_slice(node, all, {starts[k]}, {ends[k]}, {0}, {steps[k]});
    if (a == 1)
      source = kept.ints;
    else if (kept.ints != all.ints)
      refuse_axis(node, a);
  }
  gather(im, node, 0, x, std::move(source));
}

void split_channels(Importer& im, const onnx::NodeProto& node, int64_t axis,
                    const std::vector<int64_t>& split) {
  const ValueId x = im.value_input(node, 0);
  computed_map(im, node, x);
  if (normalize_axis(node, axis, 4, "attribute 'axis'") != 1) refuse_axis(node, axis);
  int64_t start = 0;
  for (int k = 0; k < node.output_size(); ++k) {
    std::vector<int64_t> source(static_cast<size_t>(split[k]));
    std::iota(source.begin(), source.end(), start);
    start += split[k];
    if (!node.output(k).empty() && im.is_used(node.output(k)))
      gather(im, node, k, x, std::move(source));
  }
}

void gather_channels(Importer& im, const onnx::NodeProto& node, const Constant& indices,
                     int64_t axis) {
  const ValueId x = im.value_input(node, 0);
  const Shape& s = computed_map(im, node, x);
  if (normalize_axis(node, axis, 4, "attribute 'axis'") != 1) refuse_axis(node, axis);
  if (indices.dims.size() != 1)
    fail_node(node, "indices of shape " + Shape(indices.dims).str() +
                        " would change the map's rank; only a list of channels is supported");
  gather(im, node, 0, x, fold_gather(node, index_vector(s.channels()), indices, 0).ints);
}

}  // namespace edgeflow::onnx_import
