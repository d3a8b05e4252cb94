// --resume: reading a previous run's JSON Lines back (a last line cut short
// by a kill is dropped, a corrupt line elsewhere is an error naming it), the
// rewrite of the file, and which requests are already done.
#include "cli/batch_resume.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/json_value.h"
#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

namespace fs = std::filesystem;

const std::string kOk0 =
    R"({"index":0,"input":"d/a.jpg","repeat":0,"request":0,"top":[{"class":3,"score":1.5}],)"
    R"("latency_ms":12.5,"truth":3,"correct_top1":true,"correct_top5":true})";
const std::string kErr1 =
    R"({"index":1,"input":"d/b.jpg","error":"image 'd/b.jpg': cannot be decoded"})";
const std::string kOk2 = R"({"index":2,"input":"d/c.jpg","repeat":0,"latency_ms":7,"top":[]})";
const std::string kSummary = R"({"summary":true,"count":3,"errors":1})";

TEST(BatchResume, KeepsRecordsAndDropsSummaryAndALastLineCutShort) {
  const std::string text = kOk0 + "\n" + kErr1 + "\n" + kOk2 + "\n" + kSummary + "\n" +
                           R"({"index":3,"input":"d/e.jpg","repe)";
  const PastRun run = parse_past_run(text, "run.jsonl");
  ASSERT_EQ(run.records.size(), 3u);
  EXPECT_TRUE(run.cut_short);
  EXPECT_EQ(run.summaries, 1);
  EXPECT_EQ(run.lines, (std::vector<std::string>{kOk0, kErr1, kOk2}));
  EXPECT_EQ(run.records[0].input, "d/a.jpg");
  EXPECT_DOUBLE_EQ(run.records[0].latency_ms, 12.5);
  EXPECT_TRUE(run.records[0].labelled && run.records[0].top1 && run.records[0].top5);
  EXPECT_TRUE(run.records[1].error);
  EXPECT_FALSE(run.records[2].labelled);
}

TEST(BatchResume, ACompleteLastLineWithoutNewlineIsKept) {
  const PastRun run = parse_past_run(kOk0 + "\n" + kOk2, "run.jsonl");
  EXPECT_EQ(run.records.size(), 2u);
  EXPECT_FALSE(run.cut_short);
}

TEST(BatchResume, ACutShortLastLineThatEndsInANewlineIsDroppedToo) {
  const PastRun run = parse_past_run(kOk0 + "\n{\"index\":1,\"inp\n", "run.jsonl");
  EXPECT_EQ(run.records.size(), 1u);
  EXPECT_TRUE(run.cut_short);
}

TEST(BatchResume, ACorruptLineBeforeTheLastIsAnErrorNamingTheLine) {
  try {
    parse_past_run(kOk0 + "\nnot json\n" + kOk2 + "\n", "run.jsonl");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("'run.jsonl' line 2"), std::string::npos) << e.what();
  }
}

TEST(BatchResume, EmptyTextIsAnEmptyRun) {
  const PastRun run = parse_past_run("", "run.jsonl");
  EXPECT_TRUE(run.records.empty());
  EXPECT_FALSE(run.cut_short);
}

TEST(BatchResume, LoadRewritesTheFileWithOnlyTheKeptRecords) {
  const fs::path dir =
      fs::temp_directory_path() / ("edgeflow_resume_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "run.jsonl").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << kOk0 << "\n"
        << kSummary << "\n"
        << kErr1 << "\n"
        << R"({"index":2,"inp)";
  }
  const PastRun run = load_past_run(path);
  EXPECT_EQ(run.records.size(), 2u);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), kOk0 + "\n" + kErr1 + "\n");
  EXPECT_FALSE(fs::exists(path + ".resume-tmp"));
  EXPECT_TRUE(load_past_run((dir / "absent.jsonl").string()).records.empty());
  fs::remove_all(dir);
}

TEST(BatchResume, DoneRequestsMatchPathsRepeatsAndErrorsCoverEveryRepeat) {
  std::vector<PastRecord> records(4);
  records[0].input = "a.jpg";  // repeat 0 of a
  records[1].input = "a.jpg";
  records[1].repeat = 1;
  records[2].input = "b.jpg";  // b failed: all its repeats are done
  records[2].error = true;
  records[3].input = "gone.jpg";  // no longer an input: ignored
  const std::vector<char> done = done_requests({"a.jpg", "b.jpg", "c.jpg"}, 3, records);
  EXPECT_EQ(done, (std::vector<char>{1, 1, 0, 1, 1, 1, 0, 0, 0}));
}

TEST(BatchResume, AnInputListedTwiceNeedsTwoRecords) {
  std::vector<PastRecord> records(1);
  records[0].input = "a.jpg";
  EXPECT_EQ(done_requests({"a.jpg", "b.jpg", "a.jpg"}, 1, records), (std::vector<char>{1, 0, 0}));
}

TEST(BatchResume, APathThatIsNotUtf8MatchesItsRecord) {
  const std::string odd = "d/caf\xe9.jpg";  // Latin-1 byte: written as U+FFFD
  JsonObject rec;
  rec.add_string("input", odd).add_int("repeat", 0);
  const PastRun run = parse_past_run(rec.str() + "\n", "run.jsonl");
  ASSERT_EQ(run.records.size(), 1u);
  EXPECT_EQ(done_requests({odd}, 1, run.records), std::vector<char>{1});
}

}  // namespace
}  // namespace edgeflow
