// The reorder buffer of batch jobs: results finishing in any order come out
// in sequence order, as soon as they are contiguous, each once.
#include "cli/batch_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace edgeflow {
namespace {

TEST(BatchOrder, HoldsItemsUntilEveryEarlierOneArrived) {
  ReorderBuffer<std::string> buffer;
  buffer.put(1, "b");
  buffer.put(2, "c");
  EXPECT_TRUE(buffer.pop_ready().empty());
  EXPECT_EQ(buffer.waiting(), 2u);
  buffer.put(0, "a");
  const auto ready = buffer.pop_ready();
  ASSERT_EQ(ready.size(), 3u);
  EXPECT_EQ(ready[0], std::make_pair(int64_t(0), std::string("a")));
  EXPECT_EQ(ready[2], std::make_pair(int64_t(2), std::string("c")));
  EXPECT_EQ(buffer.next(), 3);
  EXPECT_EQ(buffer.waiting(), 0u);
}

TEST(BatchOrder, AnyCompletionOrderWithKInFlightComesOutInOrderOnce) {
  std::mt19937 rng(7);
  for (int k : {1, 2, 4, 8}) {
    ReorderBuffer<int> buffer;
    std::vector<int64_t> in_flight, out;
    int64_t next_fed = 0;
    const int64_t n = 500;
    while (static_cast<int64_t>(out.size()) < n) {
      while (static_cast<int>(in_flight.size()) < k && next_fed < n)
        in_flight.push_back(next_fed++);
      // Any request in flight may finish next.
      const size_t pick = std::uniform_int_distribution<size_t>(0, in_flight.size() - 1)(rng);
      const int64_t seq = in_flight[pick];
      in_flight.erase(in_flight.begin() + pick);
      buffer.put(seq, static_cast<int>(seq * 10));
      for (const auto& [s, v] : buffer.pop_ready()) {
        EXPECT_EQ(v, s * 10);
        out.push_back(s);
      }
    }
    std::vector<int64_t> expected(n);
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(out, expected) << "k = " << k;
  }
}

TEST(BatchOrder, MoveOnlyItemsAreMovedThrough) {
  ReorderBuffer<std::unique_ptr<int>> buffer(5);
  buffer.put(6, std::make_unique<int>(6));
  buffer.put(5, std::make_unique<int>(5));
  const auto ready = buffer.pop_ready();
  ASSERT_EQ(ready.size(), 2u);
  EXPECT_EQ(*ready[0].second, 5);
  EXPECT_EQ(*ready[1].second, 6);
}

}  // namespace
}  // namespace edgeflow
