// The emulated cluster's arithmetic (a rank of speed s is busy t/s; messages
// on one link queue) and the cluster file's checks.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <chrono>

#include "dag_builder.h"
#include "edgeflow/emulation.h"
#include "edgeflow/error.h"
#include "edgeflow/kernels.h"

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

// Wall seconds of one run of `kernel` on zeroed buffers.
double run_seconds(Kernel& kernel, size_t in_floats, size_t out_floats) {
  std::vector<float> in(in_floats, 0.0f), out(out_floats, 0.0f);
  const auto t0 = std::chrono::steady_clock::now();
  kernel.run({in.data()}, out.data());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The first process to measure a kernel writes its CPU time beside the
// profile cache; later ones take that time as the device's, not their own.
TEST(Emulation, KernelTimesFileFixesAKernelsTimeAcrossProcesses) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("edgeflow_times_" + std::to_string(::getpid()))).string();
  std::remove(path.c_str());
  test::DagBuilder b(Shape({1, 8, 16, 16}));
  const Graph g = b.finish(b.conv("c", 0, 8, 3));
  const Node& conv = g.nodes[0];
  const size_t in = 8 * 16 * 16, out = 8 * 8 * 16;
  {
    // Two ranks of one process make the same kernel before either ran it:
    // the first to run settles its time in the file, the second takes it.
    auto rank0 = emulate_compute(make_onednn_factory(1), 1.0, path);
    auto rank1 = emulate_compute(make_onednn_factory(1), 1.0, path);
    auto k0 = rank0->make(g, conv, RowRange{0, 8});
    auto k1 = rank1->make(g, conv, RowRange{0, 8});
    run_seconds(*k0, in, out);
    run_seconds(*k1, in, out);
  }
  std::ifstream file(path);
  std::string line;
  ASSERT_TRUE(std::getline(file, line));
  EXPECT_EQ(line.rfind("Conv 1x8x16x16 -> 1x8x16x16 flops ", 0), 0u) << line;
  EXPECT_NE(line.find(" rows [0, 8)\t"), std::string::npos) << line;
  const std::string key = line.substr(0, line.find('\t'));
  EXPECT_FALSE(std::getline(file, line));  // one kernel, one line: rank 1 took rank 0's
  file.close();
  // A later process finds 50 ms there: its device takes that long, at
  // speed 0.5 twice that.
  std::ofstream(path) << key << "\t0.05\n";
  auto slow = emulate_compute(make_onednn_factory(1), 0.5, path);
  auto k = slow->make(g, conv, RowRange{0, 8});
  EXPECT_GE(run_seconds(*k, in, out), 0.1);
  EXPECT_LT(run_seconds(*k, in, out), 0.15);
  auto other_rows = slow->make(g, conv, RowRange{8, 16});  // not in the file: its own time
  EXPECT_LT(run_seconds(*other_rows, in, out), 0.05);
  std::remove(path.c_str());
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
