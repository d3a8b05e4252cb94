// WindowPartition, WindowReverse and ColumnGather on a row slice: pure data
// movement, as copy lists (copy_kernel.h). A map is NHWC, so a pixel's C
// features are contiguous, and so are a window row's window_w pixels: the
// copies of one window row merge into one.
//
//   token t = ((i * Wb + j) * wh + y) * ww + x  <->  pixel (i*wh + y, j*ww + x)
//
// (Wb = width / ww windows across). A slice of tokens reads the map from the
// first row of its first window band; a slice of map rows reads the tokens
// from the first token of its first band (RowMap::kBlocks).
#include "edgeflow/error.h"
#include "kernels/copy_kernel.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

struct Pixel {
  int64_t row, col;
};

Pixel pixel_of_token(const WindowTokensAttrs& a, int64_t t) {
  const int64_t per_window = a.window_h * a.window_w, across = a.width / a.window_w;
  const int64_t window = t / per_window, inside = t % per_window;
  return {window / across * a.window_h + inside / a.window_w,
          window % across * a.window_w + inside % a.window_w};
}

int64_t token_of_pixel(const WindowTokensAttrs& a, Pixel p) {
  const int64_t across = a.width / a.window_w;
  const int64_t window = p.row / a.window_h * across + p.col / a.window_w;
  return (window * a.window_h + p.row % a.window_h) * a.window_w + p.col % a.window_w;
}

}  // namespace

KernelPtr make_window_partition_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                       RowRange out) {
  const auto& a = std::get<WindowTokensAttrs>(node.attrs);
  const int64_t c = graph.shape_of(node.output).dims[2];
  const int64_t first_row = required_input_rows(graph, node, 0, out).begin;
  std::vector<FloatCopy> copies;
  for (int64_t t = out.begin; t < out.end; ++t) {
    const Pixel p = pixel_of_token(a, t);
    EF_ASSERT(p.row >= first_row);
    append_copy(copies, {0, ((p.row - first_row) * a.width + p.col) * c, (t - out.begin) * c, c});
  }
  return make_copy_kernel(std::move(copies));
}

KernelPtr make_window_reverse_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                     RowRange out) {
  const auto& a = std::get<WindowTokensAttrs>(node.attrs);
  const int64_t c = graph.shape_of(node.output).dims[1];
  const int64_t first_token = required_input_rows(graph, node, 0, out).begin;
  std::vector<FloatCopy> copies;
  for (int64_t r = out.begin; r < out.end; ++r)
    for (int64_t x = 0; x < a.width; ++x) {
      const int64_t t = token_of_pixel(a, {r, x});
      EF_ASSERT(t >= first_token);
      append_copy(copies, {0, (t - first_token) * c, ((r - out.begin) * a.width + x) * c, c});
    }
  return make_copy_kernel(std::move(copies));
}

KernelPtr make_column_gather_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                                    RowRange out) {
  const auto& a = std::get<ColumnGatherAttrs>(node.attrs);
  const Shape& in = graph.shape_of(node.inputs.at(0));
  const int64_t c = in.dims[1], in_width = in.dims[3];
  const int64_t out_width = static_cast<int64_t>(a.source.size());
  std::vector<FloatCopy> copies;
  for (int64_t r = 0; r < out.size(); ++r)
    for (int64_t x = 0; x < out_width; ++x)
      append_copy(copies, {0, (r * in_width + a.source[x]) * c, (r * out_width + x) * c, c});
  return make_copy_kernel(std::move(copies));
}

}  // namespace edgeflow::kernels
