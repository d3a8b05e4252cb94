// Classification results: the labels file and the top-k of a score vector.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {

std::vector<std::string> read_labels(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) fail_input("labels '" + path + "': no such file");
  if (!fs::is_regular_file(status)) fail_input("labels '" + path + "': not a regular file");
  std::ifstream in(path);
  if (!in) fail_input("labels '" + path + "': cannot open: " + std::strerror(errno));
  std::vector<std::string> labels;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels.push_back(line);
  }
  if (in.bad()) fail_input("labels '" + path + "': cannot be read");
  if (labels.empty()) fail_input("labels '" + path + "': the file is empty");
  return labels;
}

std::vector<std::pair<int, float>> top_k(const std::vector<float>& scores, int k) {
  const size_t n = std::min(scores.size(), size_t(std::max(k, 0)));
  std::vector<std::pair<int, float>> all(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) all[i] = {int(i), scores[i]};
  // Score descending, NaN after every number, ties by index ascending.
  const auto before = [](const std::pair<int, float>& a, const std::pair<int, float>& b) {
    const bool a_nan = std::isnan(a.second), b_nan = std::isnan(b.second);
    if (a_nan != b_nan) return b_nan;
    if (!a_nan && a.second != b.second) return a.second > b.second;
    return a.first < b.first;
  };
  std::partial_sort(all.begin(), all.begin() + n, all.end(), before);
  all.resize(n);
  return all;
}

}  // namespace edgeflow
