// Regions of a value and the range arithmetic of message flows.
#include <algorithm>

#include "edgeflow/flow.h"

namespace edgeflow {

RowRange all_channels(const Shape& shape) {
  return RowRange{0, shape.is_feature_map() ? shape.channels() : 1};
}

Region rows_region(const Shape& shape, RowRange rows) { return Region{rows, all_channels(shape)}; }

int64_t region_bytes(const Shape& shape, const Region& region) {
  if (region.empty()) return 0;
  const int64_t floats = region.rows.size() * shape.row_elements() * region.channels.size() /
                         all_channels(shape).size();
  return floats * static_cast<int64_t>(sizeof(float));
}

RowRange intersect(RowRange a, RowRange b) {
  return RowRange{std::max(a.begin, b.begin), std::min(a.end, b.end)};
}

Region intersect(const Region& a, const Region& b) {
  return Region{intersect(a.rows, b.rows), intersect(a.channels, b.channels)};
}

RowRange hull(const std::vector<RowRange>& ranges) {
  RowRange h{0, 0};
  bool first = true;
  for (RowRange r : ranges) {
    if (r.empty()) continue;
    if (first) h = r, first = false;
    else h = RowRange{std::min(h.begin, r.begin), std::max(h.end, r.end)};
  }
  return h;
}

std::vector<RowRange> merge_runs(std::vector<RowRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](RowRange a, RowRange b) { return a.begin < b.begin; });
  size_t out = 0;
  for (RowRange r : ranges) {
    if (r.empty()) continue;
    if (out > 0 && r.begin <= ranges[out - 1].end)
      ranges[out - 1].end = std::max(ranges[out - 1].end, r.end);
    else
      ranges[out++] = r;
  }
  ranges.resize(out);
  return ranges;
}

}  // namespace edgeflow
