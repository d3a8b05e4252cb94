// Concat kernel vs the reference: 1 to 4 inputs of 1..8 channels each on
// channel axis, feature maps sliced, [1, K] vectors whole.
#include "kernel_check.h"

namespace edgeflow::test {
namespace {

TEST(KernelConcat, ChannelConcatMatchesReferenceWholeAndSliced) {
  std::mt19937 rng(31);
  for (int config = 0; config < 40; ++config) {
    const bool vectors = coin(rng, 0.15);
    const int64_t height = random_height(rng);
    const int64_t width = random_width(rng);
    std::vector<Shape> inputs;
    const int64_t count = uniform_int(rng, 1, 4);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t channels = uniform_int(rng, 1, 8);
      inputs.push_back(vectors ? vector_shape(channels * 5)
                               : map_shape(channels, height, width));
    }
    const Graph g = concat_graph(inputs);
    SCOPED_TRACE("config " + std::to_string(config) + ": " + describe(g));
    expect_kernel_matches_reference(g, rng);
  }
}

}  // namespace
}  // namespace edgeflow::test
