// OpenCV DNN timing driver of the single-device benchmark (tests/bench/single.sh):
// runs one ONNX model in process with OpenCV's own CPU backend on a fixed
// number of threads and prints one JSON line: the wall time and the process's
// CPU time of every timed inference, and the model's first output's error
// against a reference.
//
//   edgeflow_bench_opencv MODEL.onnx INPUT.npy --threads N [--warmup W]
//                         [--repeat R] [--ref REF.npy]
//
// INPUT.npy and REF.npy are float32, C order (the model's NCHW layout).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace {

struct Npy {
  std::vector<int> shape;
  std::vector<float> data;
};

// A float32 C-order .npy (format 1.0 or 2.0).
Npy read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || bytes.compare(1, 5, "NUMPY") != 0)
    throw std::runtime_error(path + ": not a .npy file");
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
    offset = 10;
  } else {
    for (int i = 0; i < 4; ++i) header_len |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    offset = 12;
  }
  const std::string header = bytes.substr(offset, header_len);
  if (header.find("<f4") == std::string::npos || header.find("'fortran_order': False") == std::string::npos)
    throw std::runtime_error(path + ": expected float32 in C order");
  Npy npy;
  const size_t open = header.find('(', header.find("'shape'"));
  const size_t close = header.find(')', open);
  std::string dims = header.substr(open + 1, close - open - 1);
  size_t count = 1;
  for (size_t pos = 0; pos < dims.size();) {
    const size_t comma = dims.find(',', pos);
    const std::string item = dims.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (item.find_first_of("0123456789") != std::string::npos) {
      npy.shape.push_back(std::stoi(item));
      count *= static_cast<size_t>(npy.shape.back());
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  const size_t data_at = offset + header_len;
  if (bytes.size() < data_at + count * sizeof(float)) throw std::runtime_error(path + ": truncated");
  npy.data.resize(count);
  std::copy_n(reinterpret_cast<const float*>(bytes.data() + data_at), count, npy.data.data());
  return npy;
}

// CPU time of the whole process (all threads), in milliseconds.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return 1e3 * double(ts.tv_sec) + 1e-6 * double(ts.tv_nsec);
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: edgeflow_bench_opencv MODEL.onnx INPUT.npy --threads N [--warmup W] "
               "[--repeat R] [--ref REF.npy]\n");
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) usage();
  const std::string model = argv[1], input = argv[2];
  int threads = 1, warmup = 3, repeat = 20;
  std::string ref;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage();
    if (a == "--threads") threads = std::atoi(argv[++i]);
    else if (a == "--warmup") warmup = std::atoi(argv[++i]);
    else if (a == "--repeat") repeat = std::atoi(argv[++i]);
    else if (a == "--ref") ref = argv[++i];
    else usage();
  }
  try {
    cv::setNumThreads(threads);
    cv::dnn::Net net = cv::dnn::readNetFromONNX(model);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    Npy x = read_npy(input);
    const cv::Mat blob(static_cast<int>(x.shape.size()), x.shape.data(), CV_32F, x.data.data());
    cv::Mat out;
    std::vector<double> times, cpu_times;
    for (int i = 0; i < warmup + repeat; ++i) {
      const double c0 = cpu_ms();
      const auto t0 = std::chrono::steady_clock::now();
      net.setInput(blob);
      out = net.forward();
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (i >= warmup) times.push_back(ms), cpu_times.push_back(cpu_ms() - c0);
    }
    double error = -1.0;
    if (!ref.empty()) {
      const Npy r = read_npy(ref);
      const cv::Mat flat = out.reshape(1, 1);
      if (static_cast<size_t>(flat.total()) != r.data.size())
        throw std::runtime_error("output has " + std::to_string(flat.total()) +
                                 " values, the reference " + std::to_string(r.data.size()));
      double diff = 0.0, scale = 0.0;
      for (size_t i = 0; i < r.data.size(); ++i) {
        diff = std::max(diff, std::fabs(double(flat.at<float>(0, int(i))) - r.data[i]));
        scale = std::max(scale, std::fabs(double(r.data[i])));
      }
      error = scale > 0 ? diff / scale : diff;
    }
    std::printf("{\"engine\":\"opencv\",\"threads\":%d,\"error\":%.6g,\"times_ms\":[", threads,
                error);
    for (size_t i = 0; i < times.size(); ++i) std::printf("%s%.4f", i ? "," : "", times[i]);
    std::printf("],\"cpu_ms\":[");
    for (size_t i = 0; i < cpu_times.size(); ++i)
      std::printf("%s%.4f", i ? "," : "", cpu_times[i]);
    std::printf("]}\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "edgeflow_bench_opencv: error: %s: %s\n", model.c_str(), e.what());
    return 1;
  }
  return 0;
}
