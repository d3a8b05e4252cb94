// Makes the image set of the batch tests: OpenCV-drawn pictures in
// class-named folders (JPEG, PNG, BMP; assorted sizes and aspect ratios),
// and deliberately broken files among them.
//
//   edgeflow_batch_images OUT_DIR [COUNT [BROKEN]]
//
// OUT_DIR/images/<class>/<name>   the job's input directory (COUNT files, default 50,
//                                 BROKEN of them broken: 0 or 6, the default)
// OUT_DIR/broken.txt              the broken files' paths, one a line
// OUT_DIR/labels.txt              1000 class names; the folders' names among them
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const char* kClasses[] = {"circle", "square", "stripes", "text"};
const int kClassIndex[] = {3, 7, 12, 21};  // their lines in labels.txt

cv::Mat draw(int cls, int rows, int cols, std::mt19937& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  cv::Mat img(rows, cols, CV_8UC3, cv::Scalar(byte(rng), byte(rng), byte(rng)));
  const cv::Scalar ink(byte(rng), byte(rng), byte(rng));
  const int r = std::min(rows, cols);
  switch (cls) {
    case 0:
      cv::circle(img, {cols / 2, rows / 2}, r / 3, ink, cv::FILLED, cv::LINE_AA);
      break;
    case 1:
      cv::rectangle(img, {cols / 4, rows / 4}, {3 * cols / 4, 3 * rows / 4}, ink, cv::FILLED);
      break;
    case 2:
      for (int x = 0; x < cols; x += 16) cv::line(img, {x, 0}, {x + rows / 2, rows}, ink, 5);
      break;
    default:
      cv::putText(img, "EdgeFlow", {cols / 10, rows / 2}, cv::FONT_HERSHEY_SIMPLEX, r / 120.0, ink,
                  2, cv::LINE_AA);
  }
  cv::GaussianBlur(img, img, {3, 3}, 0);
  return img;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [COUNT [BROKEN]]\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  const int count = argc > 2 ? std::atoi(argv[2]) : 50;
  const fs::path images = out / "images";
  fs::remove_all(images);
  for (const char* c : kClasses) fs::create_directories(images / c);
  std::mt19937 rng(20240611);
  const char* kExt[] = {".jpg", ".png", ".bmp", ".jpeg"};
  const int kSizes[][2] = {{256, 256}, {240, 320}, {480, 360}, {200, 600}, {300, 230}, {64, 96}};

  // Broken files, spread through the set: 6 of them (or none).
  const int broken_count = (argc > 3 ? std::atoi(argv[3]) : 6) > 0 && count >= 20 ? 6 : 0;
  std::vector<fs::path> broken;
  int made = 0;
  for (int i = 0; made < count - broken_count; ++i, ++made) {
    const int cls = i % 4;
    const auto& size = kSizes[i % 6];
    const std::string name =
        (i == 5 ? "with space " : "img") + std::to_string(100 + i) + kExt[i % 4];
    cv::imwrite((images / kClasses[cls] / name).string(), draw(cls, size[0], size[1], rng));
  }
  if (broken_count) {
    const fs::path circle = images / "circle", square = images / "square";
    cv::imwrite((out / "whole.jpg").string(), draw(0, 256, 256, rng));
    cv::imwrite((out / "whole.png").string(), draw(1, 256, 256, rng));
    const std::string jpg = read_bytes(out / "whole.jpg"), png = read_bytes(out / "whole.png");
    // Cut inside the JPEG headers: libjpeg fills a file cut inside the scan
    // data with grey and OpenCV returns that picture, so such a file is not
    // (yet) an error of the decoder.
    broken.push_back(circle / "img105b_truncated.jpg");
    write_bytes(broken.back(), jpg.substr(0, 160));
    broken.push_back(square / "img110b_truncated.png");
    write_bytes(broken.back(), png.substr(0, png.size() / 2));
    broken.push_back(images / "stripes" / "img120b_empty.jpg");
    write_bytes(broken.back(), "");
    broken.push_back(images / "text" / "img130b_notes.jpg");
    write_bytes(broken.back(), "these are notes, not a picture\n");
    std::string noise(4096, '\0');
    for (char& c : noise) c = char(rng() & 0xff);
    broken.push_back(circle / "img140b_noise.png");
    write_bytes(broken.back(), noise);
    broken.push_back(square / "img150b_header_only.jpg");
    write_bytes(broken.back(), jpg.substr(0, 20));
    fs::remove(out / "whole.jpg");
    fs::remove(out / "whole.png");
  }
  std::ofstream list(out / "broken.txt");
  for (const fs::path& p : broken) list << p.string() << "\n";
  std::ofstream labels(out / "labels.txt");
  for (int k = 0; k < 1000; ++k) {
    std::string name = "class " + std::to_string(k);
    for (int c = 0; c < 4; ++c)
      if (kClassIndex[c] == k) name = kClasses[c];
    labels << name << "\n";
  }
  std::printf("%d images (%d broken) in %s\n", count, broken_count, images.string().c_str());
  return 0;
}
