// JsonObject (escaping, numbers, nesting) and JsonLinesWriter (one complete,
// flushed line per record; truncation; open errors naming the path).
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(IoJson, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
  EXPECT_EQ(json_string("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(json_string(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\x7f\"");
  EXPECT_EQ(json_string(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(IoJson, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json_string("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(json_string("a\xff" "b"), "\"a\\ufffdb\"");
  EXPECT_EQ(json_string("\xe2\x82"), "\"\\ufffd\\ufffd\"");          // truncated
  EXPECT_EQ(json_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");          // overlong
  EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
}

TEST(IoJson, NumbersAreShortestRoundTripAndNonFiniteIsNull) {
  EXPECT_EQ(json_number(0.1), "0.1");
  EXPECT_EQ(json_number(1.0), "1");
  EXPECT_EQ(json_number(-2.5e-7), "-2.5e-07");
  EXPECT_EQ(json_number(1e300), "1e+300");
  EXPECT_EQ(json_number(0.1f), "0.1");
  EXPECT_EQ(json_number(1.0f / 3.0f), "0.33333334");
  EXPECT_EQ(json_number(std::nan("")), "null");
  EXPECT_EQ(json_number(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(json_number(-std::numeric_limits<float>::infinity()), "null");
}

TEST(IoJson, ObjectKeepsInsertionOrderAndNestsValues) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  JsonObject top1;
  top1.add_int("index", 3).add_string("label", "tabby \"cat\"").add_number("score", 0.75);
  JsonObject top2;
  top2.add_int("index", 7).add_null("label").add_number("score", 0.1f);
  JsonObject latency;
  latency.add_number("median", 1.5).add_number("p95", 2.0);
  JsonObject record;
  record.add_string("input", "dir\\a.png")
      .add_bool("ok", true)
      .add_bool("summary", false)
      .add_int("bytes_sent", -9000000000LL)
      .add_numbers("scores", std::vector<float>{0.5f, nan, 2.0f})
      .add_numbers("ms", std::vector<double>{})
      .add_ints("ranks", {0, 1})
      .add_strings("labels", {"a", "b\nc"})
      .add_object("latency_ms", latency)
      .add_objects("top_k", {top1, top2});
  EXPECT_EQ(record.str(),
            "{\"input\":\"dir\\\\a.png\",\"ok\":true,\"summary\":false,"
            "\"bytes_sent\":-9000000000,\"scores\":[0.5,null,2],\"ms\":[],\"ranks\":[0,1],"
            "\"labels\":[\"a\",\"b\\nc\"],\"latency_ms\":{\"median\":1.5,\"p95\":2},"
            "\"top_k\":[{\"index\":3,\"label\":\"tabby \\\"cat\\\"\",\"score\":0.75},"
            "{\"index\":7,\"label\":null,\"score\":0.1}]}");
  EXPECT_EQ(JsonObject().str(), "{}");
  EXPECT_TRUE(JsonObject().empty());
}

TEST(IoJsonLines, EachWriteIsOneCompleteFlushedLine) {
  const std::string path =
      (fs::temp_directory_path() / ("edgeflow_io_json_" + std::to_string(::getpid()) + ".jsonl"))
          .string();
  std::ofstream(path) << "old content that must go\n";
  {
    JsonLinesWriter writer(path);
    EXPECT_EQ(writer.path(), path);
    EXPECT_EQ(read_text(path), "");  // truncated on open
    JsonObject a;
    a.add_string("input", "x\ny").add_int("n", 1);
    writer.write(a);
    EXPECT_EQ(read_text(path), "{\"input\":\"x\\ny\",\"n\":1}\n");  // visible before close
    JsonObject b;
    b.add_bool("summary", true);
    writer.write(b);
    EXPECT_EQ(read_text(path), "{\"input\":\"x\\ny\",\"n\":1}\n{\"summary\":true}\n");
  }
  fs::remove(path);
}

TEST(IoJsonLines, OpenFailureNamesThePath) {
  const std::string path = "/nonexistent_edgeflow_dir/out.jsonl";
  try {
    JsonLinesWriter writer(path);
    ADD_FAILURE() << "no Error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("json '" + path + "': cannot open for writing"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace edgeflow
