// Reference Resize / Upsample (ONNX Resize-11/13 with the coordinate
// transformation and nearest modes; Upsample and Resize-10 as ONNX Runtime:
// asymmetric, nearest floor or, shrinking, ceil). Written from the spec
// independently of the kernel's resize_tap():
//   x_original = f(x_resized); nearest rounds it, linear weighs the two
//   neighbours floor(x_original) and floor + 1, with edge padding.
#include <cmath>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {
namespace {

struct Axis {
  int64_t in, out;
  double scale;  // the given scale (unused when sizes were given)
};

// v / scale, with scale = out / in exactly when sizes were given (so that a
// coordinate that is mathematically an integer or a half rounds as one).
double unscale(const ResizeAttrs& a, const Axis& ax, double v) {
  return a.sizes_given ? v * double(ax.in) / double(ax.out) : v / ax.scale;
}

double original(const ResizeAttrs& a, const Axis& ax, int64_t x) {
  using C = ResizeAttrs::Coordinate;
  switch (a.coordinate) {
    case C::kHalfPixel: return unscale(a, ax, x + 0.5) - 0.5;
    case C::kPytorchHalfPixel: return ax.out > 1 ? unscale(a, ax, x + 0.5) - 0.5 : 0.0;
    case C::kAlignCorners: return ax.out == 1 ? 0.0 : double(x) * (ax.in - 1) / (ax.out - 1);
    case C::kAsymmetric: return unscale(a, ax, x);
    case C::kTfHalfPixelForNearest: return unscale(a, ax, x + 0.5);
  }
  return 0.0;
}

int64_t clamp_index(int64_t i, int64_t n) { return std::min(std::max<int64_t>(i, 0), n - 1); }

int64_t nearest(const ResizeAttrs& a, const Axis& ax, double v) {
  using N = ResizeAttrs::Nearest;
  const double f = std::floor(v), frac = v - f;
  int64_t i = static_cast<int64_t>(f);
  switch (a.nearest) {
    case N::kRoundPreferFloor: i += frac > 0.5; break;
    case N::kRoundPreferCeil: i += frac >= 0.5; break;
    case N::kFloor: break;
    case N::kCeil: i += frac > 0.0; break;
    case N::kSimple: {
      const bool down = a.sizes_given ? ax.out < ax.in : ax.scale < 1.0;
      i += down && frac > 0.0;
      break;
    }
  }
  return clamp_index(i, ax.in);
}

}  // namespace

Tensor resize(const Graph& graph, const Node& node, const Inputs& inputs) {
  const ResizeAttrs& a = std::get<ResizeAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  const Shape& xs = x.shape();
  Tensor y(graph.shape_of(node.output));
  const Shape& ys = y.shape();
  const Axis ah{xs.height(), ys.height(), a.scale_h}, aw{xs.width(), ys.width(), a.scale_w};
  for (int64_t h = 0; h < ys.height(); ++h)
    for (int64_t w = 0; w < ys.width(); ++w) {
      const double vh = original(a, ah, h), vw = original(a, aw, w);
      for (int64_t c = 0; c < ys.channels(); ++c) {
        double value;
        if (a.mode == ResizeAttrs::Mode::kNearest) {
          value = x.data()[nhwc_index(xs, nearest(a, ah, vh), nearest(a, aw, vw), c)];
        } else {
          const int64_t h0 = static_cast<int64_t>(std::floor(vh));
          const int64_t w0 = static_cast<int64_t>(std::floor(vw));
          const double fh = vh - h0, fw = vw - w0;
          auto at = [&](int64_t hh, int64_t ww) {
            return double(x.data()[nhwc_index(xs, clamp_index(hh, xs.height()),
                                              clamp_index(ww, xs.width()), c)]);
          };
          value = (1 - fh) * ((1 - fw) * at(h0, w0) + fw * at(h0, w0 + 1)) +
                  fh * ((1 - fw) * at(h0 + 1, w0) + fw * at(h0 + 1, w0 + 1));
        }
        y.data()[nhwc_index(ys, h, w, c)] = static_cast<float>(value);
      }
    }
  return y;
}

}  // namespace edgeflow::reference
