// Message flows: for a partition, which region of which value every unit
// reads, which rank holds it, and the messages that carry it. The one place
// that knows this; the plan builder, the plan simulator and the byte
// accounting all read it (docs/row-and-plan-model.md).
//
//   rank s computes  [=========)              value v
//   rank d reads          [=======)   [===)   two runs: two messages s -> d
//
// The graph input is "computed" by rank 0 (it holds the request); rank 0
// reads every row of the graph outputs (it collects the result).
//
// A rank computes its own rows of a layer (its cuts) and, when the layer is
// fused (Partition::fused), also every row its units read from it, so those
// reads need no message; the wider tile reads a wider input, back to the
// first unfused layer of the stack, whose halo comes once. Messages always
// come from the rank that owns the rows, never from one that recomputes them.
//
//   fused c1 -> c2, 2 ranks, 3x3 convs, cuts [0, 4, 8] for both:
//   rank 0 computes c2 [0, 4), c1 [0, 5), reads input [0, 6)  (one halo in) Messages of
// a value are numbered by destination, then merged run of rows the
// destination reads, then source; a plan's edge ids number the values' lists
// one after another (FlowTable::first_id).
#pragma once

#include <cstdint>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/partition_cuts.h"

namespace edgeflow {

// A block of one value: rows x channels. Channels are always all of the
// value's channels for now; the type carries them so that a plan may split
// a layer by channels later without another rewrite.
struct Region {
  RowRange rows;
  RowRange channels;
  bool empty() const { return rows.empty() || channels.empty(); }
  bool operator==(const Region& o) const { return rows == o.rows && channels == o.channels; }
};

// All channels of `shape` (one "channel" for tensors without a channel axis).
inline RowRange all_channels(const Shape& shape) {
  return RowRange{0, shape.is_feature_map() ? shape.dims[1] : 1};
}
// Rows `rows` of a value of `shape`, all channels.
inline Region rows_region(const Shape& shape, RowRange rows) {
  return Region{rows, all_channels(shape)};
}
// Bytes of float32 data in `region` of a value of `shape`.
int64_t region_bytes(const Shape& shape, const Region& region);

inline RowRange intersect(RowRange a, RowRange b) {
  return RowRange{a.begin > b.begin ? a.begin : b.begin, a.end < b.end ? a.end : b.end};
}
inline Region intersect(const Region& a, const Region& b) {
  return Region{intersect(a.rows, b.rows), intersect(a.channels, b.channels)};
}
// The smallest range holding every non-empty range of `ranges` (empty if none).
RowRange hull(const std::vector<RowRange>& ranges);
// Sorts `ranges` into disjoint runs covering the same rows (overlapping or
// touching ranges merged, empty ones dropped), in place.
void merge_runs(std::vector<RowRange>* ranges);

// One message of a plan: `region` of `value`, computed by `src`, read by `dst`.
struct Message {
  ValueId value = -1;
  int src = 0, dst = 0;
  Region region;
  int64_t bytes = 0;
};

// The messages of every value for one partition. Changing one layer's cuts
// rebuilds only the values that layer reads and writes (the whole-plan
// search changes one layer at a time and re-simulates).
class FlowTable {
 public:
  FlowTable(const Graph& graph, Partition partition);

  const Graph& graph() const { return graph_; }
  const Partition& partition() const { return part_; }
  int world_size() const { return world_; }
  // Replaces the cuts of `node` and rebuilds the flows it touches.
  void set_cuts(int node, const std::vector<int64_t>& cuts);
  // Marks `node` halo-first or not (Partition::halo_first; no message changes).
  void set_halo_first(int node, bool on);
  // Marks `node` fused or not (Partition::fused) and rebuilds what that moves.
  void set_fused(int node, bool on);
  // The values whose messages the last set_cuts or set_fused rebuilt.
  const std::vector<ValueId>& rebuilt() const { return rebuilt_; }

  // The rows of `node` that `rank` computes: its own, and for a fused layer
  // every row its units read.
  RowRange computed_rows(int node, int rank) const { return computed_[node][rank]; }
  // The region of value v that `rank` computes (the graph input: rank 0's).
  Region produced(ValueId v, int rank) const;
  // The region of value v that `rank` owns and sends: its cuts' rows.
  Region owned(ValueId v, int rank) const;
  // The region of input `input` that unit (node, rank) reads (empty when the
  // rank has no rows of the node).
  const Region& required(int node, int input, int rank) const {
    return required_[node][rank * graph_.nodes[node].inputs.size() + input];
  }
  // The region of value v that `rank` keeps: the hull of what it computes
  // and what its units (or, on rank 0, the result) read.
  Region held(ValueId v, int rank) const;

  // The messages carrying value v, in plan order.
  const std::vector<Message>& messages(ValueId v) const { return flows_[v].messages; }
  // Indices into messages(v) of those sent by `src`, in plan order.
  const std::vector<int>& messages_from(ValueId v, int src) const {
    return flows_[v].by_src[src];
  }
  // Calls visit(k) for each index k into messages(v) of a message to `dst`
  // that carries part of `need`: what a unit on dst reading `need` of v
  // waits for (no allocation: the simulator's hot path).
  template <typename F>
  void for_each_message_into(ValueId v, int dst, const Region& need, F&& visit) const {
    const ValueFlow& f = flows_[v];
    for (int k = f.dst_begin[dst]; k < f.dst_begin[dst + 1]; ++k)
      if (!intersect(f.messages[k].region, need).empty()) visit(k);
  }

  // Plan-wide message ids: value v's k-th message is first_id()[v] + k; the
  // last entry is the number of messages.
  std::vector<int> first_id() const;
  void first_id(std::vector<int>* first) const;  // the same into `first` (reusing it)
  int64_t total_bytes() const;
  // Bytes per request from each rank to each other: [src][dst].
  std::vector<std::vector<int64_t>> bytes_between_ranks() const;

 private:
  struct Use {
    int node;
    int input;
  };
  struct ValueFlow {
    std::vector<Message> messages;
    std::vector<int> dst_begin;            // [dst]: first message to dst (+ end)
    std::vector<std::vector<int>> by_src;  // [src]: its messages, in plan order
  };
  void rebuild(ValueId v);
  void compute_computed(int node);
  void compute_required(int node);
  // Recomputes `node`'s rows and reads, and those of the fused layers
  // upstream whose tiles follow them; rebuilds every value they touch.
  void refresh(int node);
  void touch_upstream(int node);
  void append_rows_read(ValueId v, int rank, std::vector<RowRange>* reads) const;

  const Graph& graph_;
  Partition part_;
  int world_;
  std::vector<std::vector<Use>> uses_;  // [value]: (consumer, input index)
  std::vector<bool> is_output_;         // [value]
  std::vector<ValueFlow> flows_;        // [value]
  std::vector<std::vector<Region>> required_;  // [node][rank * inputs + input]
  std::vector<std::vector<RowRange>> computed_;  // [node][rank]
  std::vector<RowRange> runs_;          // rebuild()'s scratch, kept between calls
  std::vector<int> touched_;            // refresh()'s layers
  std::vector<ValueId> rebuilt_;        // refresh()'s values
  std::vector<char> is_rebuilt_;        // [value]: in rebuilt_
};

}  // namespace edgeflow
