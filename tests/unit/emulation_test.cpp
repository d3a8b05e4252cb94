// The emulated cluster's arithmetic (a rank of speed s is busy t/s; messages
// on one link queue) and the cluster file's checks.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "edgeflow/emulation.h"
#include "edgeflow/error.h"

namespace edgeflow {
namespace {

TEST(Emulation, ARankOfSpeedSIsBusyCpuTimeOverS) {
  EXPECT_DOUBLE_EQ(emulated_busy_s(0.010, 0.125), 0.080);
  EXPECT_DOUBLE_EQ(emulated_busy_s(0.010, 0.0625), 0.160);
  EXPECT_DOUBLE_EQ(emulated_busy_s(0.010, 1.0), 0.010);
}

TEST(Emulation, MessagesOnOneLinkQueue) {
  LinkQueue link;
  EXPECT_DOUBLE_EQ(link.occupy(1.0, 0.5), 1.0);  // idle link: starts at once
  EXPECT_DOUBLE_EQ(link.occupy(1.2, 0.5), 1.5);  // waits for the first
  EXPECT_DOUBLE_EQ(link.occupy(1.3, 0.1), 2.0);  // and for the second
  EXPECT_DOUBLE_EQ(link.free_at(), 2.1);
  EXPECT_DOUBLE_EQ(link.occupy(5.0, 0.1), 5.0);  // idle again
}

// A receiver books its downlink when it polls, not always in the order the
// messages became ready: one ready earlier still takes the idle stretch
// before a message booked ahead of it, if it fits there.
TEST(Emulation, ALinkQueueFillsTheGapBeforeALaterBooking) {
  LinkQueue link;
  EXPECT_DOUBLE_EQ(link.occupy(2.0, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(link.occupy(1.0, 0.5), 1.0);  // fits before [2, 2.5)
  EXPECT_DOUBLE_EQ(link.occupy(1.2, 0.5), 1.5);  // after [1, 1.5), still before 2
  EXPECT_DOUBLE_EQ(link.occupy(1.9, 0.2), 2.5);  // no room before 2: after it
  EXPECT_DOUBLE_EQ(link.free_at(), 2.7);
  EXPECT_DOUBLE_EQ(link.occupy(0.6, 1.0), 2.7);  // no gap of 1 after 0.6: at the end
}

class ClusterFile : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    path_ = (std::filesystem::temp_directory_path() /
             ("edgeflow_cluster_" + std::to_string(::getpid()) + ".txtpb")).string();
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

std::string error_of(const std::string& path, int ranks) {
  try {
    read_cluster_file(path, ranks);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    return e.what();
  }
  return "";
}

TEST_F(ClusterFile, ShippedExamplesParse) {
  const std::string dir = std::string(EDGEFLOW_SOURCE_DIR) + "/hostfiles/emulated/";
  const auto homo = read_cluster_file(dir + "homo4.txtpb", 4);
  ASSERT_EQ(homo.size(), 4u);
  EXPECT_DOUBLE_EQ(homo[0].speed, 0.125);
  EXPECT_DOUBLE_EQ(homo[0].bytes_per_s, 125e6);
  EXPECT_DOUBLE_EQ(homo[0].latency_s, 100e-6);
  const auto pimix = read_cluster_file(dir + "pimix.txtpb", 4);
  EXPECT_DOUBLE_EQ(pimix[3].speed, 0.0625);
  EXPECT_DOUBLE_EQ(pimix[3].bytes_per_s, 12.5e6);
}

TEST_F(ClusterFile, BadFilesAreRejectedNamingTheField) {
  EXPECT_NE(error_of(write("devices { speed: oops }"), 1).find("not a cluster file"),
            std::string::npos);
  EXPECT_NE(error_of(write("devices { speed: 1 bandwidth_mbps: 10 }"), 2).find("names 1 devices"),
            std::string::npos);
  EXPECT_NE(error_of(write("devices { speed: 0 bandwidth_mbps: 10 }"), 1).find("speed"),
            std::string::npos);
  EXPECT_NE(error_of(write("devices { name: 'x' speed: 1 bandwidth_mbps: -5 }"), 1)
                .find("device 0 ('x'): bandwidth_mbps"),
            std::string::npos);
  EXPECT_NE(error_of(write("devices { speed: 1 bandwidth_mbps: 5 latency_us: -1 }"), 1)
                .find("latency_us"),
            std::string::npos);
  EXPECT_NE(error_of("/nonexistent/cluster.txtpb", 1).find("cannot be read"), std::string::npos);
}

}  // namespace
}  // namespace edgeflow
