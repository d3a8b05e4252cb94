// Ground truth of batch jobs: the CSV (header, quoting, commas in paths,
// label names, errors naming the line), matching rows to inputs, classes from
// folder names, and top-1 / top-5 accuracy.
#include "cli/batch_truth.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "edgeflow/error.h"

namespace edgeflow {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::string& text, const std::vector<std::string>& labels = {}) {
  try {
    parse_truth_csv(text, "gt.csv", labels);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    return e.what();
  }
  return "";
}

TEST(BatchTruth, ParsesRowsSkippingHeaderBlankAndCommentLines) {
  const auto rows =
      parse_truth_csv("path,label\r\n\n# note\na.jpg,3\r\n  b/c.png , 10 \n", "gt.csv", {});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].path, "a.jpg");
  EXPECT_EQ(rows[0].label, 3);
  EXPECT_EQ(rows[0].line, 4);
  EXPECT_EQ(rows[1].path, "b/c.png");
  EXPECT_EQ(rows[1].label, 10);
}

TEST(BatchTruth, SplitsAtTheLastCommaAndUnquotesPaths) {
  const auto rows = parse_truth_csv("x, y.jpg,1\n\"say \"\"hi\"\".jpg\",2\n", "gt.csv", {});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].path, "x, y.jpg");
  EXPECT_EQ(rows[1].path, "say \"hi\".jpg");
}

// ImageNet's class names hold commas: quoted, they are one field.
TEST(BatchTruth, AQuotedLabelMayHoldCommas) {
  const std::vector<std::string> labels = {"tench, Tinca tinca", "goldfish, Carassius auratus"};
  const auto rows = parse_truth_csv(
      "a.jpg,\"goldfish, Carassius auratus\"\n\"b, c.jpg\",\"tench, Tinca tinca\"\n", "gt.csv",
      labels);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].path, "a.jpg");
  EXPECT_EQ(rows[0].label, 1);
  EXPECT_EQ(rows[1].path, "b, c.jpg");
  EXPECT_EQ(rows[1].label, 0);
}

TEST(BatchTruth, LabelsMayBeNamesFromTheLabelsFile) {
  const auto rows =
      parse_truth_csv("a.jpg,tabby cat\nb.jpg,0\n", "gt.csv", {"goldfish", "tabby cat"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].label, 1);
  EXPECT_EQ(rows[1].label, 0);
}

TEST(BatchTruth, BadRowsAreErrorsNamingFileAndLine) {
  EXPECT_NE(error_of("a.jpg,1\nb.jpg,cat\n").find("'gt.csv' line 2: label 'cat'"),
            std::string::npos);
  EXPECT_NE(error_of("a.jpg,1\nb.jpg\n").find("line 2: expected 'path,label'"), std::string::npos);
  EXPECT_NE(error_of("a.jpg,-1\n").find("'gt.csv' line 1"), std::string::npos)
      << "a first line that is not a header must hold a class";
  EXPECT_NE(error_of("path,label\n").find("no 'path,label' rows"), std::string::npos);
  EXPECT_NE(error_of("a.jpg,99999999999\nb.jpg,1\n").find("line 1"), std::string::npos);
  EXPECT_NE(error_of(",4\n,5\n").find("empty path"), std::string::npos);
}

TEST(BatchTruth, RowsMatchInputsAsGivenRelativeToTheCsvOrToTheInputRoot) {
  const std::vector<std::string> inputs = {"/data/set/cat/1.jpg", "/data/set/dog/2.jpg",
                                           "/data/set/dog/3.jpg", "/data/set/4.jpg"};
  const std::vector<TruthRow> rows = {{"set/cat/1.jpg", 5, 1},          // relative to the CSV
                                      {"dog/2.jpg", 6, 2},              // relative to the root
                                      {"/data/set/./dog/3.jpg", 7, 3},  // absolute, not normal
                                      {"absent.jpg", 8, 4}};
  EXPECT_EQ(truth_from_csv(rows, "/data/gt.csv", inputs, "/data/set"),
            (std::vector<int>{5, 6, 7, -1}));
}

TEST(BatchTruth, TwoLabelsForOneInputIsAnErrorNamingBothLines) {
  const std::vector<TruthRow> rows = {{"a.jpg", 1, 2}, {"/d/a.jpg", 2, 9}};
  try {
    truth_from_csv(rows, "/d/gt.csv", {"/d/a.jpg"}, "/d");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lines 2 and 9"), std::string::npos) << e.what();
  }
  EXPECT_EQ(truth_from_csv({{"a.jpg", 1, 2}, {"a.jpg", 1, 3}}, "/d/gt.csv", {"/d/a.jpg"}, ""),
            std::vector<int>{1});
}

TEST(BatchTruth, FolderNamesGiveClassesIgnoringCaseUnderscoresAndSynonyms) {
  const std::vector<std::string> labels = {"goldfish", "great white shark", "tabby, tabby cat"};
  const std::vector<std::string> inputs = {"/v/Goldfish/1.jpg", "/v/great_white_shark/2.jpg",
                                           "/v/tabby/3.jpg",    "/v/unknown/4.jpg",
                                           "/v/5.jpg",          "/v/x/goldfish/6.jpg"};
  EXPECT_EQ(truth_from_folders(inputs, "/v", labels), (std::vector<int>{0, 1, 2, -1, -1, 0}));
  EXPECT_EQ(truth_from_folders({"/goldfish/1.jpg"}, "/goldfish", labels), std::vector<int>{-1})
      << "the input root itself names no class";
}

TEST(BatchTruth, AccuracyCountsTopOneAndTopFive) {
  Accuracy acc;
  acc.add(7, {7, 1, 2, 3, 4, 5});  // top-1
  acc.add(4, {7, 1, 2, 3, 4, 5});  // top-5 only
  acc.add(5, {7, 1, 2, 3, 4, 5});  // sixth: a miss
  acc.add(-1, {7});                // unlabelled: not counted
  acc.add(2, {});                  // no scores: a miss
  EXPECT_EQ(acc.labelled, 4);
  EXPECT_EQ(acc.top1, 1);
  EXPECT_EQ(acc.top5, 2);
  EXPECT_DOUBLE_EQ(acc.top1_rate(), 0.25);
  EXPECT_DOUBLE_EQ(acc.top5_rate(), 0.5);
  EXPECT_DOUBLE_EQ(Accuracy{}.top1_rate(), 0.0);
}

}  // namespace
}  // namespace edgeflow
