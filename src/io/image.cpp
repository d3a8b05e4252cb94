// Image inputs: decode with OpenCV and preprocess as docs/user-contract.md says.
//
//   decoded BGR (any size) -> RGB -> shorter side = round(H / 0.875), bilinear
//   -> centre crop H x W -> [0, 1] -> (x - mean) / std -> [1, 3, H, W] tensor
//
// The crop offset follows torchvision's CenterCrop (round half to even), and
// the longer side after the resize is truncated as torchvision's Resize does,
// so a PyTorch pipeline sees the same pixels up to the resampling filter.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

[[noreturn]] void fail_image(const std::string& path, const std::string& what) {
  fail_input("image '" + path + "': " + what);
}

// Offset of a centred crop of `crop` out of `size`, as Python's
// round((size - crop) / 2) (half to even).
int crop_offset(int size, int crop) {
  const int diff = size - crop;
  int off = diff / 2;
  if (diff % 2 == 1 && off % 2 == 1) ++off;
  return off;
}

// Size after resizing the shorter side of (rows, cols) to `shorter`, the
// longer side scaled and truncated; enlarged if needed to cover the crop.
cv::Size resized_size(int rows, int cols, int shorter, int crop_h, int crop_w) {
  int out_rows = rows <= cols ? shorter : int(double(shorter) * rows / cols);
  int out_cols = cols < rows ? shorter : int(double(shorter) * cols / rows);
  if (out_rows < crop_h || out_cols < crop_w) {  // non-square inputs only
    const double scale = std::max(double(crop_h) / rows, double(crop_w) / cols);
    out_rows = std::max(crop_h, int(std::lround(rows * scale)));
    out_cols = std::max(crop_w, int(std::lround(cols * scale)));
  }
  return cv::Size(out_cols, out_rows);
}

// Decodes `path` with OpenCV. The codecs (libpng, libjpeg, OpenCV's log)
// print their complaints straight to stderr, ahead of the one error line of
// docs/user-contract.md: stderr goes to a temporary file meanwhile, and what they said comes
// back in `*codec_says` (one line) for the error message.
cv::Mat decode_quietly(const std::string& path, std::string* codec_says) {
  std::fflush(stderr);
  FILE* capture = std::tmpfile();
  const int saved = capture ? ::dup(STDERR_FILENO) : -1;
  const bool redirected = saved >= 0 && ::dup2(::fileno(capture), STDERR_FILENO) >= 0;
  cv::Mat bgr;
  try {
    bgr = cv::imread(path, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    bgr.release();
    *codec_says = e.err;
  }
  std::fflush(stderr);
  if (redirected) ::dup2(saved, STDERR_FILENO);
  if (saved >= 0) ::close(saved);
  if (!capture) return bgr;
  std::rewind(capture);
  char text[400];
  const size_t n = std::fread(text, 1, sizeof text, capture);
  std::fclose(capture);
  std::string said;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
    if (c != ' ' || (!said.empty() && said.back() != ' ')) said += c;
  }
  while (!said.empty() && said.back() == ' ') said.pop_back();
  if (!said.empty()) *codec_says = codec_says->empty() ? said : *codec_says + "; " + said;
  return bgr;
}

}  // namespace

Tensor load_image(const std::string& path, const Shape& input_shape, const Preprocess& pp) {
  const Dims& d = input_shape.dims;
  if (d.size() != 4 || d[0] != 1 || d[1] != 3 || d[2] <= 0 || d[3] <= 0)
    fail_image(path, "the model input shape " + input_shape.str() +
                         " is not an image shape [1, 3, H, W]");
  if (pp.normalize)
    for (int c = 0; c < 3; ++c)
      if (!(pp.std[c] != 0.0f) || !std::isfinite(pp.std[c]) || !std::isfinite(pp.mean[c]))
        fail_image(path, "preprocessing std must be finite and non-zero, mean finite");

  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) fail_image(path, "no such file");
  if (!fs::is_regular_file(status)) fail_image(path, "not a regular file");

  std::string codec_says;
  const cv::Mat bgr = decode_quietly(path, &codec_says);
  if (bgr.empty() || bgr.type() != CV_8UC3)
    fail_image(path, "cannot be decoded" + (codec_says.empty() ? "" : " (" + codec_says + ")"));

  const int H = int(d[2]), W = int(d[3]);
  const int shorter = int(std::lround(H / 0.875));
  const cv::Size size = resized_size(bgr.rows, bgr.cols, shorter, H, W);
  cv::Mat resized;
  if (size.width == bgr.cols && size.height == bgr.rows)
    resized = bgr;
  else
    cv::resize(bgr, resized, size, 0, 0, cv::INTER_LINEAR);
  const cv::Rect window(crop_offset(resized.cols, W), crop_offset(resized.rows, H), W, H);
  const cv::Mat crop = resized(window);

  // Storage order of a [1, 3, H, W] tensor is NHWC: pixel (h, w) channel c at
  // (h * W + w) * 3 + c, which is the RGB image row by row.
  Tensor t(input_shape);
  float* out = t.data();
  for (int h = 0; h < H; ++h) {
    const cv::Vec3b* row = crop.ptr<cv::Vec3b>(h);
    for (int w = 0; w < W; ++w, out += 3)
      for (int c = 0; c < 3; ++c) {
        const float x = float(row[w][2 - c]) / 255.0f;  // BGR -> RGB
        out[c] = pp.normalize ? (x - pp.mean[c]) / pp.std[c] : x;
      }
  }
  return t;
}

}  // namespace edgeflow
