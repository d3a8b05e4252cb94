// The loader thread of batch jobs: inputs come out in order, failures as
// values, never more than `capacity` loaded ahead; an interruption ends the
// wait; progress text.
#include "cli/batch_feeder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli/batch_progress.h"
#include "edgeflow/error.h"

namespace edgeflow {
namespace {

Tensor tensor_of(float v) {
  Tensor t(Shape({1, 1, 1, 1}));
  t.data()[0] = v;
  return t;
}

TEST(BatchFeeder, DeliversInOrderWithFailuresAsValues) {
  InputFeeder feeder(
      {0, 2, 3, 5},
      [](size_t i) {
        if (i == 3) fail_input("image 'x3': cannot be decoded");
        if (i == 5) throw std::runtime_error("boom");
        return tensor_of(float(i));
      },
      2);
  LoadedInput in;
  std::vector<size_t> order;
  while (feeder.next(&in, nullptr)) {
    order.push_back(in.index);
    if (in.index == 3) {
      EXPECT_EQ(in.error, "image 'x3': cannot be decoded");
      EXPECT_EQ(in.code, ExitCode::kBadInput);
    } else if (in.index == 5) {
      EXPECT_NE(in.error.find("boom"), std::string::npos);
    } else {
      EXPECT_TRUE(in.error.empty());
      EXPECT_EQ(in.tensor.data()[0], float(in.index));
    }
  }
  EXPECT_EQ(order, (std::vector<size_t>{0, 2, 3, 5}));
}

TEST(BatchFeeder, LoadsAtMostCapacityAhead) {
  std::atomic<int> loaded{0};
  std::vector<size_t> all(50);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  InputFeeder feeder(
      all,
      [&](size_t i) {
        ++loaded;
        return tensor_of(float(i));
      },
      3);
  LoadedInput in;
  for (int taken = 0; taken < 10; ++taken) {
    ASSERT_TRUE(feeder.next(&in, nullptr));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    // Queued (<= 3) plus the one being loaded.
    EXPECT_LE(loaded.load(), taken + 1 + 3 + 1);
  }
}

TEST(BatchFeeder, AnInterruptionEndsTheWaitAndTheDestructorJoins) {
  std::atomic<bool> release{false};
  auto feeder = std::make_unique<InputFeeder>(
      std::vector<size_t>{0, 1},
      [&](size_t i) {
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return tensor_of(float(i));
      },
      1);
  LoadedInput in;
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    stop = true;
  });
  EXPECT_FALSE(feeder->next(&in, [&] { return stop.load(); }));
  stopper.join();
  release = true;
  feeder.reset();  // joins the loader
}

TEST(BatchProgress, TextShowsCountRateEtaAndErrors) {
  EXPECT_EQ(progress_text(false, 25, 100, 2, 10.0, "images"),
            "edgeflow: 25/100 images (25%), 2.5/s, ETA 0:30, 2 errors");
  const std::string bar = progress_text(true, 50, 100, 0, 5.0, "images");
  EXPECT_EQ(bar.substr(0, 27), "[############............] ");
  EXPECT_NE(bar.find("50/100  10.0 img/s  ETA 0:05"), std::string::npos) << bar;
  EXPECT_NE(progress_text(true, 100, 100, 1, 3725.0, "images").find("in 1:02:05, 1 error"),
            std::string::npos);
  EXPECT_NE(progress_text(false, 0, 10, 0, 0.0, "requests").find("ETA --:--"), std::string::npos);
}

TEST(BatchProgress, ParsesModes) {
  ProgressMode m = ProgressMode::kAuto;
  EXPECT_TRUE(parse_progress_mode("lines", &m));
  EXPECT_EQ(m, ProgressMode::kLines);
  EXPECT_TRUE(parse_progress_mode("none", &m));
  EXPECT_EQ(m, ProgressMode::kNone);
  EXPECT_FALSE(parse_progress_mode("fancy", &m));
  EXPECT_EQ(resolve_progress_mode(ProgressMode::kBar), ProgressMode::kBar);
}

}  // namespace
}  // namespace edgeflow
