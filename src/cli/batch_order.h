// The reorder buffer of a batch job: requests finish in any order, records
// are written in input order. Items wait here until every earlier sequence
// number has arrived: it holds the requests that finished while an earlier
// one is still in flight (fewer than K when requests take about as long).
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "edgeflow/error.h"

namespace edgeflow {

template <typename T>
class ReorderBuffer {
 public:
  explicit ReorderBuffer(int64_t first = 0) : next_(first) {}

  // Files item `seq` (each sequence number once, none below next()).
  void put(int64_t seq, T item) {
    EF_ASSERT(seq >= next_);
    const bool inserted = waiting_.emplace(seq, std::move(item)).second;
    EF_ASSERT(inserted);
  }

  // The items now in order: next(), next() + 1, ... as far as they are
  // contiguous, removed from the buffer.
  std::vector<std::pair<int64_t, T>> pop_ready() {
    std::vector<std::pair<int64_t, T>> out;
    for (;;) {
      auto it = waiting_.find(next_);
      if (it == waiting_.end()) break;
      out.emplace_back(it->first, std::move(it->second));
      waiting_.erase(it);
      ++next_;
    }
    return out;
  }

  int64_t next() const { return next_; }  // the first sequence number not yet popped
  size_t waiting() const { return waiting_.size(); }

 private:
  int64_t next_;
  std::map<int64_t, T> waiting_;
};

}  // namespace edgeflow
