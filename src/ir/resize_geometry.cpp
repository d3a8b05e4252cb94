// The coordinate map of Resize/Upsample along one axis (ONNX Resize-11/13
// coordinate_transformation_mode and nearest_mode; Upsample and Resize-10 as
// ONNX Runtime runs them: asymmetric, nearest floor or, shrinking, ceil),
// shared by the row map and the kernel so that a slice reads exactly the rows
// its row map names.
#include <algorithm>
#include <cmath>

#include "edgeflow/ir.h"

namespace edgeflow {
namespace {

// The source coordinate of output index x (before clamping). With sizes
// given, x / scale is computed as x * in / out, exactly.
double source_coordinate(const ResizeAttrs& a, int64_t x, int64_t in, int64_t out, double scale) {
  const double xd = static_cast<double>(x);
  auto divide = [&](double v) {
    return a.sizes_given ? v * static_cast<double>(in) / static_cast<double>(out) : v / scale;
  };
  switch (a.coordinate) {
    case ResizeAttrs::Coordinate::kAsymmetric: return divide(xd);
    case ResizeAttrs::Coordinate::kHalfPixel: return divide(xd + 0.5) - 0.5;
    case ResizeAttrs::Coordinate::kPytorchHalfPixel:
      return out > 1 ? divide(xd + 0.5) - 0.5 : 0.0;
    case ResizeAttrs::Coordinate::kAlignCorners:
      return out > 1 ? xd * static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
    case ResizeAttrs::Coordinate::kTfHalfPixelForNearest: return divide(xd + 0.5);
  }
  return 0.0;
}

int64_t round_nearest(const ResizeAttrs& a, double v, int64_t in, int64_t out, double scale) {
  const double f = std::floor(v);
  switch (a.nearest) {
    case ResizeAttrs::Nearest::kRoundPreferFloor: return int64_t(v - f > 0.5 ? f + 1 : f);
    case ResizeAttrs::Nearest::kRoundPreferCeil: return int64_t(v - f >= 0.5 ? f + 1 : f);
    case ResizeAttrs::Nearest::kFloor: return int64_t(f);
    case ResizeAttrs::Nearest::kCeil: return int64_t(std::ceil(v));
    case ResizeAttrs::Nearest::kSimple: {
      const bool shrinks = a.sizes_given ? out < in : scale < 1.0;
      return int64_t(shrinks ? std::ceil(v) : f);
    }
  }
  return int64_t(f);
}

}  // namespace

ResizeTap resize_tap(const ResizeAttrs& attrs, int64_t x, int64_t in, int64_t out, double scale) {
  const double v = source_coordinate(attrs, x, in, out, scale);
  ResizeTap t;
  if (attrs.mode == ResizeAttrs::Mode::kNearest) {
    t.i0 = t.i1 = std::clamp<int64_t>(round_nearest(attrs, v, in, out, scale), 0, in - 1);
    return t;
  }
  // Linear: neighbours floor(v) and floor(v) + 1 with edge padding, which is
  // clamping v into [0, in - 1].
  const double c = std::clamp(v, 0.0, static_cast<double>(in - 1));
  t.i0 = std::min<int64_t>(static_cast<int64_t>(std::floor(c)), in - 1);
  t.i1 = std::min<int64_t>(t.i0 + 1, in - 1);
  t.weight = c - static_cast<double>(t.i0);
  if (t.weight == 0.0 || t.i1 == t.i0) {  // one source row: the row map needs no other
    t.i1 = t.i0;
    t.weight = 0.0;
  }
  return t;
}

}  // namespace edgeflow
