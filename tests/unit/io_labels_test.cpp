// read_labels (line endings, errors) and top_k (order, ties, clamping, NaN).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

namespace fs = std::filesystem;
using Ranked = std::vector<std::pair<int, float>>;

std::string temp_file(const std::string& name) {
  return (fs::temp_directory_path() /
          ("edgeflow_io_labels_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(IoLabels, ReadsOneLabelPerLineStrippingCarriageReturns) {
  const std::string path = temp_file("labels.txt");
  std::ofstream(path, std::ios::binary) << "tench\r\ngoldfish\n\ngreat white shark\r\nlast";
  EXPECT_EQ(read_labels(path),
            (std::vector<std::string>{"tench", "goldfish", "", "great white shark", "last"}));
  fs::remove(path);
}

TEST(IoLabels, MissingOrEmptyFileFailsNamingIt) {
  const std::string missing = temp_file("missing.txt");
  try {
    read_labels(missing);
    ADD_FAILURE() << "no Error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_EQ(std::string(e.what()), "labels '" + missing + "': no such file");
  }
  const std::string empty = temp_file("empty.txt");
  std::ofstream{empty};
  try {
    read_labels(empty);
    ADD_FAILURE() << "no Error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_EQ(std::string(e.what()), "labels '" + empty + "': the file is empty");
  }
  fs::remove(empty);
}

TEST(IoTopK, SortsByScoreDescendingThenIndex) {
  const std::vector<float> scores = {0.1f, 0.7f, -2.0f, 0.7f, 0.05f, 0.7f};
  EXPECT_EQ(top_k(scores, 4), (Ranked{{1, 0.7f}, {3, 0.7f}, {5, 0.7f}, {0, 0.1f}}));
  EXPECT_EQ(top_k(scores, 1), (Ranked{{1, 0.7f}}));
}

TEST(IoTopK, ClampsKAndPutsNanLast) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> scores = {nan, -inf, 3.0f, nan, inf};
  const Ranked all = top_k(scores, 10);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0], (std::pair<int, float>{4, inf}));
  EXPECT_EQ(all[1], (std::pair<int, float>{2, 3.0f}));
  EXPECT_EQ(all[2], (std::pair<int, float>{1, -inf}));
  EXPECT_EQ(all[3].first, 0);
  EXPECT_TRUE(std::isnan(all[3].second));
  EXPECT_EQ(all[4].first, 3);
  EXPECT_TRUE(top_k(scores, 0).empty());
  EXPECT_TRUE(top_k(scores, -3).empty());
  EXPECT_TRUE(top_k({}, 5).empty());
}

TEST(IoTopK, MatchesAFullStableSortOnRandomScores) {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int> level(0, 20);  // many ties
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<float> scores(1000);
    for (float& s : scores) s = float(level(rng)) * 0.25f;
    Ranked reference;
    for (size_t i = 0; i < scores.size(); ++i) reference.push_back({int(i), scores[i]});
    std::stable_sort(reference.begin(), reference.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    reference.resize(5);
    EXPECT_EQ(top_k(scores, 5), reference);
  }
}

}  // namespace
}  // namespace edgeflow
