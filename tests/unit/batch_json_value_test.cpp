// The JSON reader behind --resume: what JsonObject writes reads back the
// same; anything that is not valid JSON is rejected.
#include <gtest/gtest.h>

#include <string>

#include "cli/json_value.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

TEST(BatchJsonValue, ReadsBackWhatJsonObjectWrites) {
  JsonObject inner;
  inner.add_int("class", 281).add_number("score", 0.25f);
  JsonObject rec;
  rec.add_string("input", "dir/\"q\"\\\n\t\x01 caf\xc3\xa9 \xf0\x9f\x98\x80.jpg");
  rec.add_int("repeat", -3).add_objects("top", {inner, inner}).add_bool("ok", true);
  rec.add_null("none").add_number("big", 1.5e300);
  const auto v = parse_json(rec.str());
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->get_string("input"), "dir/\"q\"\\\n\t\x01 caf\xc3\xa9 \xf0\x9f\x98\x80.jpg");
  EXPECT_EQ(v->get_number("repeat"), -3.0);
  ASSERT_EQ(v->get("top")->items().size(), 2u);
  EXPECT_EQ(v->get("top")->items()[1].get_number("class"), 281.0);
  EXPECT_EQ(v->get_bool("ok"), true);
  EXPECT_EQ(v->get("none")->kind(), JsonValue::Kind::kNull);
  EXPECT_EQ(v->get_number("big"), 1.5e300);
  EXPECT_EQ(v->get("absent"), nullptr);
  EXPECT_EQ(v->get_string("repeat"), std::nullopt) << "a number is not a string";
}

TEST(BatchJsonValue, DecodesUnicodeEscapesAndSurrogatePairs) {
  const auto v = parse_json(R"({"s":"\u00e9\u20ac\ud83d\ude00\/"})");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->get_string("s"), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/");
}

TEST(BatchJsonValue, RejectsInvalidText) {
  for (const char* bad : {"", "{", "{\"a\":1", "{\"a\":1,}", "{\"a\" 1}", "[1,2", "{\"a\":01}",
                          "{\"a\":1.}", "{\"a\":-}", "{\"a\":tru}", "{\"a\":\"x}", "{a:1}",
                          "{\"a\":1} x", "\"\\ud800\"", "\"\\x\"", "\"tab\there\"", "{\"a\":1e}"})
    EXPECT_FALSE(parse_json(bad).has_value()) << bad;
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(parse_json(deep).has_value()) << "nesting is bounded";
  EXPECT_TRUE(parse_json(" [ 1 , -0.5e-3 , \"\" , {} , [] ] ").has_value());
}

}  // namespace
}  // namespace edgeflow
