// Resize / Upsample on a row slice, EdgeFlow's own (oneDNN 2.6's resampling
// takes its geometry from whole-tensor dims with half-pixel centres only).
// Every output row and column looks up its source taps with resize_tap(), the
// function the row map uses, so a slice reads exactly its required rows:
//
//   nearest: out[y][x][c] = in[ty.i0][tx.i0][c]
//   linear:  lerp_y(lerp_x(in[ty.i0]), lerp_x(in[ty.i1]))
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

class ResizeKernel : public Kernel {
 public:
  ResizeKernel(bool linear, int64_t channels, int64_t in_width, int64_t out_width,
               std::vector<ResizeTap> rows, std::vector<ResizeTap> cols)
      : linear_(linear), channels_(channels), in_row_(in_width * channels),
        out_row_(out_width * channels), rows_(std::move(rows)), cols_(std::move(cols)) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* src = inputs.at(0);
    for (size_t r = 0; r < rows_.size(); ++r) {
      const ResizeTap& ty = rows_[r];
      const float* top = src + ty.i0 * in_row_;
      const float* bottom = src + ty.i1 * in_row_;
      const float wy = static_cast<float>(ty.weight);
      float* out = dst + static_cast<int64_t>(r) * out_row_;
      for (const ResizeTap& tx : cols_) {
        const float* a = top + tx.i0 * channels_;
        if (!linear_) {
          std::copy(a, a + channels_, out);
        } else {
          const float* b = top + tx.i1 * channels_;
          const float* c = bottom + tx.i0 * channels_;
          const float* d = bottom + tx.i1 * channels_;
          const float wx = static_cast<float>(tx.weight);
          for (int64_t k = 0; k < channels_; ++k) {
            const float upper = a[k] + (b[k] - a[k]) * wx;
            const float lower = c[k] + (d[k] - c[k]) * wx;
            out[k] = upper + (lower - upper) * wy;
          }
        }
        out += channels_;
      }
    }
  }

 private:
  bool linear_;
  int64_t channels_, in_row_, out_row_;
  std::vector<ResizeTap> rows_;  // source rows relative to the first required row
  std::vector<ResizeTap> cols_;
};

}  // namespace

KernelPtr make_resize_kernel(const OnednnContext&, const Graph& graph, const Node& node,
                             RowRange out) {
  const ResizeAttrs& a = std::get<ResizeAttrs>(node.attrs);
  const Shape& in = graph.shape_of(node.inputs.at(0));
  const Shape& y = graph.shape_of(node.output);
  const RowRange need = required_input_rows(graph, node, 0, out);
  std::vector<ResizeTap> rows, cols;
  for (int64_t r = out.begin; r < out.end; ++r) {
    ResizeTap t = resize_tap(a, r, in.height(), y.height(), a.scale_h);
    EF_ASSERT(t.i0 >= need.begin && t.i1 < need.end);
    t.i0 -= need.begin;
    t.i1 -= need.begin;
    rows.push_back(t);
  }
  for (int64_t x = 0; x < y.width(); ++x)
    cols.push_back(resize_tap(a, x, in.width(), y.width(), a.scale_w));
  return std::make_unique<ResizeKernel>(a.mode == ResizeAttrs::Mode::kLinear, in.channels(),
                                        in.width(), y.width(), std::move(rows), std::move(cols));
}

}  // namespace edgeflow::kernels
