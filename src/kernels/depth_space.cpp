// DepthToSpace and SpaceToDepth on a row slice: data movement as copy lists
// (copy_kernel.h). Maps are NHWC, so a pixel's channels are contiguous:
//   DepthToSpace DCR: output pixel (y, x) is the C' channels of block
//     (y % b, x % b) of input pixel (y / b, x / b): one copy of C' floats;
//   DepthToSpace CRD: its channels are every b^2-th of the input pixel's,
//     from (y % b)*b + x % b: a copy per float;
//   SpaceToDepth: output pixel (y, x) is b^2 blocks of C channels, block
//     (i, j) the input pixel (y*b + i, x*b + j): b^2 copies of C floats.
#include "kernels/copy_kernel.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

KernelPtr make_depth_to_space_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                     RowRange out) {
  const DepthSpaceAttrs& a = std::get<DepthSpaceAttrs>(node.attrs);
  const Dims& in = graph.shape_of(node.inputs.at(0)).dims;
  const Dims& o = graph.shape_of(node.output).dims;
  const int64_t b = a.block, c_in = in[1], c_out = o[1], w_in = in[3], w_out = o[3];
  const int64_t first_row = required_input_rows(graph, node, 0, out).begin;
  std::vector<FloatCopy> copies;
  for (int64_t y = out.begin; y < out.end; ++y)
    for (int64_t x = 0; x < w_out; ++x) {
      const int64_t block = (y % b) * b + x % b;
      const int64_t src_pixel = ((y / b - first_row) * w_in + x / b) * c_in;
      const int64_t dst_pixel = ((y - out.begin) * w_out + x) * c_out;
      if (!a.crd) {
        append_copy(copies, {0, src_pixel + block * c_out, dst_pixel, c_out});
        continue;
      }
      for (int64_t c = 0; c < c_out; ++c)
        append_copy(copies, {0, src_pixel + c * b * b + block, dst_pixel + c, 1});
    }
  return make_copy_kernel(std::move(copies));
}

KernelPtr make_space_to_depth_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                     RowRange out) {
  const int64_t b = std::get<DepthSpaceAttrs>(node.attrs).block;
  const Dims& in = graph.shape_of(node.inputs.at(0)).dims;
  const Dims& o = graph.shape_of(node.output).dims;
  const int64_t c_in = in[1], c_out = o[1], w_in = in[3], w_out = o[3];
  std::vector<FloatCopy> copies;
  for (int64_t y = out.begin; y < out.end; ++y)
    for (int64_t x = 0; x < w_out; ++x)
      for (int64_t i = 0; i < b; ++i)
        for (int64_t j = 0; j < b; ++j) {
          // The input pointer is at row out.begin * b.
          const int64_t src = (((y - out.begin) * b + i) * w_in + x * b + j) * c_in;
          const int64_t dst = ((y - out.begin) * w_out + x) * c_out + (i * b + j) * c_in;
          append_copy(copies, {0, src, dst, c_in});
        }
  return make_copy_kernel(std::move(copies));
}

}  // namespace edgeflow::kernels
