// Regions of a value and the range arithmetic of message flows.
#include <algorithm>

#include "edgeflow/flow.h"

namespace edgeflow {

int64_t region_bytes(const Shape& shape, const Region& region) {
  if (region.empty()) return 0;
  const int64_t floats = region.rows.size() * shape.row_elements() * region.channels.size() /
                         all_channels(shape).size();
  return floats * static_cast<int64_t>(sizeof(float));
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

void merge_runs(std::vector<RowRange>* ranges) {
  std::vector<RowRange>& r = *ranges;
  std::sort(r.begin(), r.end(), [](RowRange a, RowRange b) { return a.begin < b.begin; });
  size_t out = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i].empty()) continue;
    if (out > 0 && r[i].begin <= r[out - 1].end)
      r[out - 1].end = std::max(r[out - 1].end, r[i].end);
    else
      r[out++] = r[i];
  }
  r.resize(out);
}

}  // namespace edgeflow
