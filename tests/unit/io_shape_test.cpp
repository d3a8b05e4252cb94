// parse_shape: --input-shape text to dims, and bad text failing with a
// message that quotes it.
#include <string>

#include <gtest/gtest.h>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

TEST(IoShape, ParsesDimsSeparatedByX) {
  EXPECT_EQ(parse_shape("1x3x224x224"), (Dims{1, 3, 224, 224}));
  EXPECT_EQ(parse_shape("1X3x5x7"), (Dims{1, 3, 5, 7}));
  EXPECT_EQ(parse_shape("1000"), (Dims{1000}));
  EXPECT_EQ(parse_shape("1x9223372036854775807"), (Dims{1, 9223372036854775807LL}));
}

TEST(IoShape, BadTextFailsQuotingIt) {
  for (const std::string text : {"", "1x", "x3", "1x3xax4", "1x-3x2x2", "1x0x2x2", " 1x3",
                                 "1x3,224", "1x9223372036854775808", "1xx3", "1x3.5"}) {
    SCOPED_TRACE(text);
    try {
      parse_shape(text);
      ADD_FAILURE() << "no Error thrown";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kBadInput);
      EXPECT_EQ(std::string(e.what()).rfind("shape '" + text + "': ", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace edgeflow
