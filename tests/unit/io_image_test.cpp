// load_image: preprocessing checked against hand-computed values on tiny
// synthetic images (constant colour, gradients for crop, orientation and RGB
// order) and the errors for unreadable files and non-image input shapes.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("edgeflow_io_image_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

template <typename F>
void expect_bad_input(F f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "no Error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput) << e.what();
    for (const std::string& n : needles)
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos)
          << "message '" << e.what() << "' lacks '" << n << "'";
  }
}

// Value of the [1, 3, H, W] tensor t at (c, h, w); storage is NHWC.
float at(const Tensor& t, int c, int h, int w) {
  const int C = 3, W = int(t.shape().width());
  return t.values()[size_t((h * W + w) * C + c)];
}

TEST(IoImage, ConstantColourGivesExactNormalisedValuesPerChannel) {
  TempDir dir;
  const std::string path = dir.file("constant.png");
  // BGR (10, 128, 250): R = 250, G = 128, B = 10; 300 x 400 is resized to
  // 256 x 341 and cropped to 224 x 224.
  ASSERT_TRUE(cv::imwrite(path, cv::Mat(300, 400, CV_8UC3, cv::Scalar(10, 128, 250))));
  const Tensor t = load_image(path, Shape({1, 3, 224, 224}), Preprocess{});
  ASSERT_EQ(t.shape(), Shape({1, 3, 224, 224}));
  ASSERT_EQ(t.size(), 3u * 224 * 224);
  // Hand computed: (v / 255 - mean) / std.
  const float expected[3] = {(250.0f / 255.0f - 0.485f) / 0.229f,
                             (128.0f / 255.0f - 0.456f) / 0.224f,
                             (10.0f / 255.0f - 0.406f) / 0.225f};
  EXPECT_NEAR(expected[0], 2.163285, 1e-5);
  EXPECT_NEAR(expected[1], 0.205182, 1e-5);
  EXPECT_NEAR(expected[2], -1.630153, 1e-5);
  for (int h = 0; h < 224; ++h)
    for (int w = 0; w < 224; ++w)
      for (int c = 0; c < 3; ++c)
        ASSERT_EQ(at(t, c, h, w), expected[c]) << c << " " << h << " " << w;
}

TEST(IoImage, NoNormalizeScalesToUnitRangeOnly) {
  TempDir dir;
  const std::string path = dir.file("constant.bmp");
  ASSERT_TRUE(cv::imwrite(path, cv::Mat(20, 20, CV_8UC3, cv::Scalar(0, 51, 255))));
  Preprocess pp;
  pp.normalize = false;
  const Tensor t = load_image(path, Shape({1, 3, 7, 7}), pp);
  for (int h = 0; h < 7; ++h)
    for (int w = 0; w < 7; ++w) {
      EXPECT_EQ(at(t, 0, h, w), 1.0f);
      EXPECT_EQ(at(t, 1, h, w), 0.2f);
      EXPECT_EQ(at(t, 2, h, w), 0.0f);
    }
}

TEST(IoImage, CustomMeanAndStdAreApplied) {
  TempDir dir;
  const std::string path = dir.file("constant.png");
  ASSERT_TRUE(cv::imwrite(path, cv::Mat(8, 8, CV_8UC3, cv::Scalar(255, 0, 102))));
  Preprocess pp;
  pp.mean = {0.5f, 0.0f, 1.0f};
  pp.std = {0.5f, 2.0f, 0.25f};
  const Tensor t = load_image(path, Shape({1, 3, 7, 7}), pp);
  EXPECT_EQ(at(t, 0, 3, 3), (0.4f - 0.5f) / 0.5f);  // R = 102
  EXPECT_EQ(at(t, 1, 3, 3), 0.0f);                   // G = 0
  EXPECT_EQ(at(t, 2, 3, 3), 0.0f);                   // B = 255: (1 - 1) / 0.25
}

// Gradient image: R = 20 * col, G = 20 * row, B = 100 + col + row (BGR Mat).
cv::Mat gradient(int rows, int cols) {
  cv::Mat m(rows, cols, CV_8UC3);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) m.at<cv::Vec3b>(r, c) = cv::Vec3b(100 + c + r, 20 * r, 20 * c);
  return m;
}

TEST(IoImage, CentreCropKeepsOrientationAndRgbOrderWithoutResize) {
  // For a 7 x 7 input the shorter side becomes round(7 / 0.875) = 8, so an
  // image with shorter side 8 is only cropped. Offsets round half to even,
  // as torchvision's CenterCrop: (12-7)/2 = 2.5 -> 2, (10-7)/2 = 1.5 -> 2.
  struct Case {
    int rows, cols, top, left;
  };
  TempDir dir;
  for (const Case& k : {Case{8, 12, 0, 2}, Case{8, 10, 0, 2}, Case{12, 8, 2, 0},
                        Case{11, 8, 2, 0}, Case{8, 8, 0, 0}}) {
    SCOPED_TRACE(std::to_string(k.rows) + "x" + std::to_string(k.cols));
    const std::string path = dir.file("gradient.png");
    ASSERT_TRUE(cv::imwrite(path, gradient(k.rows, k.cols)));
    Preprocess pp;
    pp.normalize = false;
    const Tensor t = load_image(path, Shape({1, 3, 7, 7}), pp);
    for (int h = 0; h < 7; ++h)
      for (int w = 0; w < 7; ++w) {
        const int r = h + k.top, c = w + k.left;
        ASSERT_EQ(at(t, 0, h, w), float(20 * c) / 255.0f) << h << " " << w;
        ASSERT_EQ(at(t, 1, h, w), float(20 * r) / 255.0f) << h << " " << w;
        ASSERT_EQ(at(t, 2, h, w), float(100 + c + r) / 255.0f) << h << " " << w;
      }
  }
}

TEST(IoImage, ResizeHalvesLongImageThenCropsItsCentre) {
  // 16 x 32 with R = 8 * col, G = 8 * row: resized to 8 x 16, where a pixel
  // is the mean of a 2 x 2 block: R = 16 * col + 4, G = 16 * row + 4; the
  // 7 x 7 crop starts at column round(4.5) = 4, row 0.
  TempDir dir;
  cv::Mat m(16, 32, CV_8UC3);
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 32; ++c) m.at<cv::Vec3b>(r, c) = cv::Vec3b(50, 8 * r, 8 * c);
  const std::string path = dir.file("wide.png");
  ASSERT_TRUE(cv::imwrite(path, m));
  Preprocess pp;
  pp.normalize = false;
  const Tensor t = load_image(path, Shape({1, 3, 7, 7}), pp);
  for (int h = 0; h < 7; ++h)
    for (int w = 0; w < 7; ++w) {
      ASSERT_EQ(at(t, 0, h, w), float(16 * (w + 4) + 4) / 255.0f) << h << " " << w;
      ASSERT_EQ(at(t, 1, h, w), float(16 * h + 4) / 255.0f) << h << " " << w;
      ASSERT_EQ(at(t, 2, h, w), 50.0f / 255.0f) << h << " " << w;
    }
}

TEST(IoImage, ResizeGeometryFollowsTorchvision) {
  // 12 x 25 -> shorter side 8, longer side int(8 * 25 / 12) = int(16.67) = 16
  // (not 17), crop column round(4.5) = 4. Expected pixels come from the same
  // bilinear resize to 16 x 8; this pins the geometry, not the filter.
  TempDir dir;
  cv::Mat m(12, 25, CV_8UC3);
  for (int r = 0; r < 12; ++r)
    for (int c = 0; c < 25; ++c) m.at<cv::Vec3b>(r, c) = cv::Vec3b(7 * r, 3 * c + r, 10 * c);
  const std::string path = dir.file("odd.png");
  ASSERT_TRUE(cv::imwrite(path, m));
  cv::Mat resized;
  cv::resize(m, resized, cv::Size(16, 8), 0, 0, cv::INTER_LINEAR);
  Preprocess pp;
  pp.normalize = false;
  const Tensor t = load_image(path, Shape({1, 3, 7, 7}), pp);
  for (int h = 0; h < 7; ++h)
    for (int w = 0; w < 7; ++w) {
      const cv::Vec3b px = resized.at<cv::Vec3b>(h, w + 4);
      for (int c = 0; c < 3; ++c)
        ASSERT_EQ(at(t, c, h, w), float(px[2 - c]) / 255.0f) << c << " " << h << " " << w;
    }
}

TEST(IoImage, GreyscaleImageIsReplicatedToThreeChannels) {
  TempDir dir;
  const std::string path = dir.file("grey.pgm");
  ASSERT_TRUE(cv::imwrite(path, cv::Mat(8, 8, CV_8UC1, cv::Scalar(51))));
  Preprocess pp;
  pp.normalize = false;
  const Tensor t = load_image(path, Shape({1, 3, 7, 7}), pp);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(at(t, c, 6, 6), 0.2f);
}

TEST(IoImage, UndecodableOrMissingFilesFailNamingThePath) {
  TempDir dir;
  const Shape shape({1, 3, 224, 224});
  const std::string text = dir.file("text.png");
  std::ofstream(text) << "this is not an image\n";
  expect_bad_input([&] { load_image(text, shape, Preprocess{}); },
                   {"image '" + text + "': cannot be decoded"});
  const std::string empty = dir.file("empty.jpg");
  std::ofstream{empty};
  expect_bad_input([&] { load_image(empty, shape, Preprocess{}); },
                   {"image '" + empty + "': cannot be decoded"});
  const std::string missing = dir.file("missing.jpg");
  expect_bad_input([&] { load_image(missing, shape, Preprocess{}); },
                   {"image '" + missing + "': no such file"});
  const std::string folder = dir.file("folder.png");
  fs::create_directory(folder);
  expect_bad_input([&] { load_image(folder, shape, Preprocess{}); },
                   {"image '" + folder + "': not a regular file"});
}

TEST(IoImage, NonImageInputShapeFailsNamingTheShape) {
  TempDir dir;
  const std::string path = dir.file("ok.png");
  ASSERT_TRUE(cv::imwrite(path, cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3))));
  for (const Dims& dims : {Dims{1, 1, 28, 28}, Dims{2, 3, 8, 8}, Dims{1, 3, 8}, Dims{1, 3, 0, 8}}) {
    const Shape shape(dims);
    expect_bad_input([&] { load_image(path, shape, Preprocess{}); },
                     {"image '" + path + "'", "shape " + shape.str()});
  }
  Preprocess zero_std;
  zero_std.std[1] = 0.0f;
  expect_bad_input([&] { load_image(path, Shape({1, 3, 7, 7}), zero_std); }, {"std"});
}

}  // namespace
}  // namespace edgeflow
