// Pool kernel vs the reference: max and average (count_include_pad on and
// off), ceil mode, dilation, asymmetric pads, whole and sliced.
#include "kernel_check.h"
#include "kernels/kernel_choice.h"

namespace edgeflow::test {
namespace {

void random_axis(std::mt19937& rng, int64_t in, bool dilated, int64_t& kernel, int64_t& stride,
                 int64_t& dilation, int64_t& pad_begin, int64_t& pad_end) {
  do {
    kernel = uniform_int(rng, 1, 5);
    stride = uniform_int(rng, 1, 3);
    dilation = dilated && coin(rng, 0.4) ? 2 : 1;
    pad_begin = uniform_int(rng, 0, kernel / 2);
    pad_end = uniform_int(rng, 0, kernel / 2);
  } while (in + pad_begin + pad_end < (kernel - 1) * dilation + 1);
}

Graph random_pool(std::mt19937& rng, PoolAttrs::Kind kind, bool include_pad) {
  const int64_t height = random_height(rng);
  const int64_t width = random_width(rng);
  PoolAttrs pool;
  pool.kind = kind;
  pool.count_include_pad = include_pad;
  pool.ceil_mode = coin(rng);
  Window& w = pool.window;
  const bool dilated = coin(rng, 0.3);
  random_axis(rng, height, dilated, w.kernel_h, w.stride_h, w.dilation_h, w.pad_top,
              w.pad_bottom);
  random_axis(rng, width, dilated, w.kernel_w, w.stride_w, w.dilation_w, w.pad_left,
              w.pad_right);
  const int64_t channels = uniform_int(rng, 1, 24);
  return pool_graph(map_shape(channels, height, width), pool);
}

void check_random_pools(PoolAttrs::Kind kind, bool include_pad, unsigned seed) {
  std::mt19937 rng(seed);
  for (int config = 0; config < 50; ++config) {
    const Graph g = random_pool(rng, kind, include_pad);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

// Both kernels max pooling chooses between (by timing), each on its own.
TEST(KernelPool, MaxMatchesReferenceWholeAndSliced) {
  for (const char* candidate : {"edgeflow max-pool loop", "oneDNN"}) {
    SCOPED_TRACE(candidate);
    kernels::force_kernel_candidate(candidate);
    check_random_pools(PoolAttrs::Kind::kMax, false, 11);
  }
  kernels::force_kernel_candidate("");
  check_random_pools(PoolAttrs::Kind::kMax, false, 11);
}

TEST(KernelPool, AverageExcludePadMatchesReferenceWholeAndSliced) {
  check_random_pools(PoolAttrs::Kind::kAverage, false, 12);
}

TEST(KernelPool, AverageIncludePadMatchesReferenceWholeAndSliced) {
  check_random_pools(PoolAttrs::Kind::kAverage, true, 13);
}

// 3x3 stride 2 pad 1 ceil mode on 8 rows: the last window overhangs the
// declared bottom pad; count_include_pad must not count the overhang.
TEST(KernelPool, AverageIncludePadCeilOverhangIsNotCounted) {
  std::mt19937 rng(5);
  PoolAttrs pool;
  pool.kind = PoolAttrs::Kind::kAverage;
  pool.count_include_pad = true;
  pool.ceil_mode = true;
  pool.window = Window{3, 3, 2, 2, 1, 1, 1, 1, 1, 1};
  const Graph g = pool_graph(map_shape(3, 8, 8), pool);
  ASSERT_EQ(g.shape_of(1).height(), 5);  // ceil((8 + 2 - 3) / 2) + 1
  SCOPED_TRACE(describe(g));
  expect_kernel_matches_reference(g, rng);
}

}  // namespace
}  // namespace edgeflow::test
