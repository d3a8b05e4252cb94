// Pool on a row slice (dilation, asymmetric pads, ceil mode), with the
// slice's own padding.
//
// Max: oneDNN's pooling or EdgeFlow's own loop over the NHWC map (every tap
// a max over one pixel's contiguous channels, vectorized by the compiler),
// whichever runs the slice faster, timed once per geometry (kernel_choice.h).
// Which wins depends on the host: on an AVX2 host oneDNN 2.6's jit:avx2 NHWC
// max pooling took 1.16 ms on resnet18's 3x3/2 pool (64x56x56 out) and
// 0.46 ms on shufflenet_v2's (24x56x56), the loop 0.28 and 0.14 ms; on an
// AVX-512 host oneDNN's pooling was the faster.
//
// Average: ONNX divides by the window taps inside the input
// (count_include_pad = 0) or inside the declared padded input
// [-pad_begin, in + pad_end) (count_include_pad = 1; the ceil-mode overhang is
// never counted). Neither oneDNN mode fits a slice: rows of real data above
// and below a slice are not padding, and avg_exclude_padding rejects a
// dilation >= the input extent (a 1-row slice). So the primitive runs
// avg_include_padding, which divides by the whole window (KH*KW taps), and
// the border cells are rescaled by KH*KW / divisor afterwards; the factors
// are separable (rows x cols) and precomputed per slice.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include <omp.h>

#include "edgeflow/error.h"
#include "kernels/kernel_choice.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

namespace {

// Window taps of output position `o` whose input index lies in [lo, hi).
int64_t taps_in(int64_t o, int64_t stride, int64_t pad_begin, int64_t kernel, int64_t dilation,
                int64_t lo, int64_t hi) {
  int64_t n = 0;
  for (int64_t k = 0; k < kernel; ++k) {
    const int64_t i = o * stride - pad_begin + k * dilation;
    n += (i >= lo && i < hi) ? 1 : 0;
  }
  return n;
}

// kernel / divisor of each output position [first, first + count) along one
// axis; the divisor counts taps in [0, in), or in [-pad_begin, in + pad_end)
// when padding counts. Throws (naming `context`) on a window with no tap to count.
std::vector<float> average_factors(int64_t first, int64_t count, int64_t in, int64_t stride,
                                   int64_t pad_begin, int64_t pad_end, int64_t kernel,
                                   int64_t dilation, bool count_pad, const std::string& context) {
  const int64_t lo = count_pad ? -pad_begin : 0;
  const int64_t hi = count_pad ? in + pad_end : in;
  std::vector<float> f(count);
  for (int64_t i = 0; i < count; ++i) {
    const int64_t divisor = taps_in(first + i, stride, pad_begin, kernel, dilation, lo, hi);
    if (divisor == 0)
      fail_input("kernels: " + context + ": an average window lies wholly outside the input");
    f[i] = static_cast<float>(kernel) / static_cast<float>(divisor);
  }
  return f;
}

// y[k] = max(y[k], x[k]); y and x never overlap (output and input buffers).
inline void max_into(float* __restrict y, const float* __restrict x, int64_t n) {
  for (int64_t k = 0; k < n; ++k) y[k] = x[k] > y[k] ? x[k] : y[k];
}

// Max pooling over NHWC rows: output row r, column c, channel k is the max
// over the window's taps inside the slice's input (padding never wins).
class MaxPoolKernel : public Kernel {
 public:
  MaxPoolKernel(const Window& w, const SliceAxis& h, const SliceAxis& width, int64_t out_rows,
                int64_t out_width, int64_t in_width, int64_t channels)
      : win_(w), h_(h), w_(width), out_rows_(out_rows), out_width_(out_width),
        in_width_(in_width), channels_(channels) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* src = inputs.at(0);
    const int64_t C = channels_;
    for (int64_t r = 0; r < out_rows_; ++r) {
      for (int64_t c = 0; c < out_width_; ++c, dst += C) {
        std::fill_n(dst, C, -std::numeric_limits<float>::infinity());
        for (int64_t kh = 0; kh < win_.kernel_h; ++kh) {
          const int64_t ih = r * win_.stride_h - h_.pad_begin + kh * win_.dilation_h;
          if (ih < 0 || ih >= h_.in) continue;
          for (int64_t kw = 0; kw < win_.kernel_w; ++kw) {
            const int64_t iw = c * win_.stride_w - w_.pad_begin + kw * win_.dilation_w;
            if (iw < 0 || iw >= in_width_) continue;
            max_into(dst, src + (ih * in_width_ + iw) * C, C);
          }
        }
      }
    }
  }

 private:
  Window win_;
  SliceAxis h_, w_;
  int64_t out_rows_, out_width_, in_width_, channels_;
};

class AveragePoolKernel : public PrimitiveKernel {
 public:
  AveragePoolKernel(const OnednnContext& ctx, dnnl::primitive primitive, int64_t channels)
      : PrimitiveKernel(ctx, std::move(primitive)), channels_(channels) {}

  // Records the cells whose whole-window average needs a factor != 1.
  void set_factors(const std::vector<float>& rows, const std::vector<float>& cols) {
    for (size_t r = 0; r < rows.size(); ++r)
      for (size_t c = 0; c < cols.size(); ++c)
        if (rows[r] * cols[c] != 1.0f)
          cells_.push_back({static_cast<int64_t>(r * cols.size() + c), rows[r] * cols[c]});
  }

  void run(const std::vector<const float*>& inputs, float* dst) override {
    PrimitiveKernel::run(inputs, dst);
    for (const Cell& cell : cells_) {
      float* p = dst + cell.index * channels_;
      for (int64_t c = 0; c < channels_; ++c) p[c] *= cell.factor;
    }
  }

 private:
  struct Cell {
    int64_t index;  // row-in-slice * W + col
    float factor;
  };
  int64_t channels_;
  std::vector<Cell> cells_;
};

// What the choice between the max-pool kernels depends on: the geometry and
// the thread count.
std::string max_pool_choice_key(const memory::desc& src_md, const memory::desc& dst_md,
                                const Window& win, const SliceAxis& h, const SliceAxis& w) {
  std::string key = "max pool";
  for (const memory::dims& d : {src_md.dims(), dst_md.dims()})
    for (int64_t v : d) key += "," + std::to_string(v);
  const auto pair = [](int64_t a, int64_t b) {
    return std::to_string(a) + "x" + std::to_string(b);
  };
  key += "," + pair(win.kernel_h, win.kernel_w) + "/" + pair(win.stride_h, win.stride_w) +
         ",d" + pair(win.dilation_h, win.dilation_w) + ",p" + std::to_string(h.pad_begin) +
         "," + std::to_string(h.pad_end) + "," + std::to_string(w.pad_begin) + "," +
         std::to_string(w.pad_end) + ",threads " + std::to_string(omp_get_max_threads());
  return key;
}

}  // namespace

KernelPtr make_pool_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                           RowRange out) {
  const PoolAttrs& pool = std::get<PoolAttrs>(node.attrs);
  const Window& win = pool.window;
  const Shape& in_shape = graph.shape_of(node.inputs.at(0));
  const Shape& out_shape = graph.shape_of(node.output);
  const SliceAxis h = window_height_axis(graph, node, win, out);
  const SliceAxis w = window_width_axis(win, in_shape.width(), out_shape.width());

  const bool average = pool.kind == PoolAttrs::Kind::kAverage;
  const memory::desc src_md = rows_desc(in_shape, RowRange{0, h.in});
  const memory::desc dst_md = rows_desc(out_shape, out);
  const dnnl::pooling_v2_forward::desc desc(
      dnnl::prop_kind::forward_inference,
      average ? dnnl::algorithm::pooling_avg_include_padding : dnnl::algorithm::pooling_max,
      src_md, dst_md, {win.stride_h, win.stride_w}, {win.kernel_h, win.kernel_w},
      {win.dilation_h - 1, win.dilation_w - 1}, {h.pad_begin, w.pad_begin},
      {h.pad_end, w.pad_end});
  const dnnl::pooling_v2_forward::primitive_desc pd(desc, ctx.engine);
  if (!average) {
    const std::vector<KernelCandidate> candidates = {
        {"edgeflow max-pool loop",
         [=] {
           return std::make_unique<MaxPoolKernel>(win, h, w, out.size(), out_shape.width(),
                                                  in_shape.width(), out_shape.channels());
         }},
        {std::string("oneDNN ") + pd.impl_info_str(), [=] {
           auto k = std::make_unique<PrimitiveKernel>(ctx, dnnl::pooling_v2_forward(pd));
           k->bind_input(DNNL_ARG_SRC, src_md, 0);
           k->bind_dst(DNNL_ARG_DST, dst_md);
           return k;
         }}};
    return fastest_kernel(candidates, max_pool_choice_key(src_md, dst_md, win, h, w), {src_md.get_size() / sizeof(float)},
                          dst_md.get_size() / sizeof(float));
  }

  auto kernel = std::make_unique<AveragePoolKernel>(ctx, dnnl::pooling_v2_forward(pd),
                                                    out_shape.channels());
  kernel->set_factors(average_factors(out.begin, out.size(), in_shape.height(), win.stride_h,
                                      win.pad_top, win.pad_bottom, win.kernel_h, win.dilation_h,
                                      pool.count_include_pad, describe(node, out)),
                      average_factors(0, out_shape.width(), in_shape.width(), win.stride_w,
                                      win.pad_left, win.pad_right, win.kernel_w, win.dilation_w,
                                      pool.count_include_pad, describe(node, out)));
  kernel->bind_input(DNNL_ARG_SRC, src_md, 0);
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  return kernel;
}

}  // namespace edgeflow::kernels
