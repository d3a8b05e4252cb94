// A kernel that only moves floats: a list of contiguous copies worked out
// when the kernel is made, so run() is one memcpy per copy. The data-movement
// ops (RowSlice, RowConcat, ColumnGather, WindowPartition, WindowReverse,
// DepthToSpace, SpaceToDepth, Tile)
// differ only in the list they build.
#pragma once

#include <cstdint>
#include <vector>

#include "edgeflow/kernels.h"

namespace edgeflow::kernels {

// `floats` floats from `src_offset` of node input `input` (at the pointer
// run() gets for it), or of the kernel's own constant floats when input < 0,
// to `dst_offset` of dst.
struct FloatCopy {
  int64_t input = 0;
  int64_t src_offset = 0;
  int64_t dst_offset = 0;
  int64_t floats = 0;
};

// Appends `c`, or extends the last copy when `c` continues it in both source
// and destination (a run of pixels copied one by one becomes one copy).
void append_copy(std::vector<FloatCopy>& copies, const FloatCopy& c);

std::unique_ptr<Kernel> make_copy_kernel(std::vector<FloatCopy> copies,
                                         std::vector<float> constants = {});

}  // namespace edgeflow::kernels
