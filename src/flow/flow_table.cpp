// FlowTable: the messages of every value for one partition (edgeflow/flow.h).
#include <algorithm>

#include "edgeflow/error.h"
#include "edgeflow/flow.h"

namespace edgeflow {

FlowTable::FlowTable(const Graph& graph, Partition partition)
    : graph_(graph), part_(std::move(partition)), world_(part_.world_size) {
  EF_ASSERT(part_.cuts.size() == graph_.nodes.size());
  const size_t values = graph_.values.size();
  uses_.resize(values);
  for (size_t l = 0; l < graph_.nodes.size(); ++l)
    for (size_t i = 0; i < graph_.nodes[l].inputs.size(); ++i)
      uses_[graph_.nodes[l].inputs[i]].push_back(Use{static_cast<int>(l), static_cast<int>(i)});
  is_output_.assign(values, false);
  for (ValueId v : graph_.outputs) is_output_[v] = true;
  required_.resize(graph_.nodes.size());
  computed_.resize(graph_.nodes.size());
  // Readers before the layers they read: a fused layer's rows follow theirs.
  for (int l = static_cast<int>(graph_.nodes.size()) - 1; l >= 0; --l) {
    compute_computed(l);
    compute_required(l);
  }
  is_rebuilt_.assign(values, 0);
  flows_.resize(values);
  for (size_t v = 0; v < values; ++v) rebuild(static_cast<ValueId>(v));
}

void FlowTable::compute_computed(int node) {
  std::vector<RowRange>& rows = computed_[node];
  rows.resize(world_);
  const ValueId out = graph_.nodes[node].output;
  for (int rank = 0; rank < world_; ++rank) {
    rows[rank] = part_.rows(node, rank);
    if (!part_.is_fused(node)) continue;
    runs_.assign(1, rows[rank]);
    for (const Use& u : uses_[out]) runs_.push_back(required(u.node, u.input, rank).rows);
    rows[rank] = hull(runs_);
  }
}

void FlowTable::compute_required(int node) {
  const Node& n = graph_.nodes[node];
  const size_t inputs = n.inputs.size();
  std::vector<Region>& required = required_[node];
  required.resize(world_ * inputs);
  for (int rank = 0; rank < world_; ++rank) {
    const RowRange out = computed_[node][rank];
    for (size_t i = 0; i < inputs; ++i)
      required[rank * inputs + i] =
          rows_region(graph_.shape_of(n.inputs[i]),
                      required_input_rows(graph_, n, static_cast<int>(i), out));
  }
}

void FlowTable::set_cuts(int node, const std::vector<int64_t>& cuts) {
  EF_ASSERT(static_cast<int>(cuts.size()) == world_ + 1);
  part_.cuts.at(node) = cuts;
  refresh(node);
}

void FlowTable::set_halo_first(int node, bool on) {
  if (part_.halo_first.empty()) {
    if (!on) return;
    part_.halo_first.assign(graph_.nodes.size(), 0);
  }
  part_.halo_first.at(node) = on ? 1 : 0;
}

void FlowTable::set_fused(int node, bool on) {
  if (part_.fused.empty()) {
    if (!on) return;
    part_.fused.assign(graph_.nodes.size(), 0);
  }
  part_.fused.at(node) = on ? 1 : 0;
  refresh(node);
}

void FlowTable::touch_upstream(int node) {
  touched_.push_back(node);
  compute_computed(node);
  compute_required(node);
  for (ValueId v : graph_.nodes[node].inputs) {
    const int producer = graph_.values[v].producer;
    if (producer >= 0 && part_.is_fused(producer)) touch_upstream(producer);
  }
}

void FlowTable::refresh(int node) {
  touched_.clear();
  touch_upstream(node);
  for (ValueId v : rebuilt_) is_rebuilt_[v] = 0;
  rebuilt_.clear();
  auto rebuild_once = [&](ValueId v) {
    if (is_rebuilt_[v]) return;
    is_rebuilt_[v] = 1;
    rebuilt_.push_back(v);
    rebuild(v);
  };
  for (int n : touched_) {
    rebuild_once(graph_.nodes[n].output);
    for (ValueId v : graph_.nodes[n].inputs) rebuild_once(v);
  }
}

Region FlowTable::produced(ValueId v, int rank) const {
  const Shape& shape = graph_.shape_of(v);
  const int producer = graph_.values[v].producer;
  if (producer < 0) return rows_region(shape, rank == 0 ? RowRange{0, shape.height()} : RowRange{});
  return rows_region(shape, computed_[producer][rank]);
}

Region FlowTable::owned(ValueId v, int rank) const {
  const int producer = graph_.values[v].producer;
  if (producer < 0) return produced(v, rank);
  return rows_region(graph_.shape_of(v), part_.rows(producer, rank));
}

// Appends every range of v's rows that `rank` reads to `reads`: its units'
// requirements, and all rows on rank 0 for a graph output.
void FlowTable::append_rows_read(ValueId v, int rank, std::vector<RowRange>* reads) const {
  for (const Use& u : uses_[v]) {
    const RowRange need = required(u.node, u.input, rank).rows;
    if (!need.empty()) reads->push_back(need);
  }
  if (is_output_[v] && rank == 0) reads->push_back(RowRange{0, graph_.shape_of(v).height()});
}

Region FlowTable::held(ValueId v, int rank) const {
  std::vector<RowRange> rows;
  append_rows_read(v, rank, &rows);
  rows.push_back(produced(v, rank).rows);
  return rows_region(graph_.shape_of(v), hull(rows));
}

void FlowTable::rebuild(ValueId v) {
  ValueFlow& f = flows_[v];
  f.messages.clear();
  f.dst_begin.assign(world_ + 1, 0);
  const Shape& shape = graph_.shape_of(v);
  for (int dst = 0; dst < world_; ++dst) {
    f.dst_begin[dst] = static_cast<int>(f.messages.size());
    runs_.clear();
    append_rows_read(v, dst, &runs_);
    merge_runs(&runs_);
    // What dst reads and does not compute itself, from the ranks that own it.
    const RowRange own = produced(v, dst).rows;
    for (RowRange run : runs_) {
      const bool split = !intersect(run, own).empty();
      const RowRange pieces[2] = {split ? RowRange{run.begin, own.begin} : run,
                                  split ? RowRange{own.end, run.end} : RowRange{}};
      for (RowRange missing : pieces) {
        if (missing.empty()) continue;
        for (int src = 0; src < world_; ++src) {
          if (src == dst) continue;
          const Region region = intersect(rows_region(shape, missing), owned(v, src));
          if (region.empty()) continue;
          f.messages.push_back(Message{v, src, dst, region, region_bytes(shape, region)});
        }
      }
    }
  }
  f.dst_begin[world_] = static_cast<int>(f.messages.size());
  f.by_src.resize(world_);
  for (std::vector<int>& from : f.by_src) from.clear();  // keeps their storage
  for (size_t k = 0; k < f.messages.size(); ++k)
    f.by_src[f.messages[k].src].push_back(static_cast<int>(k));
}

std::vector<int> FlowTable::first_id() const {
  std::vector<int> first;
  first_id(&first);
  return first;
}

void FlowTable::first_id(std::vector<int>* first) const {
  first->assign(flows_.size() + 1, 0);
  for (size_t v = 0; v < flows_.size(); ++v)
    (*first)[v + 1] = (*first)[v] + static_cast<int>(flows_[v].messages.size());
}

int64_t FlowTable::total_bytes() const {
  int64_t bytes = 0;
  for (const ValueFlow& f : flows_)
    for (const Message& m : f.messages) bytes += m.bytes;
  return bytes;
}

std::vector<std::vector<int64_t>> FlowTable::bytes_between_ranks() const {
  std::vector<std::vector<int64_t>> bytes(world_, std::vector<int64_t>(world_, 0));
  for (const ValueFlow& f : flows_)
    for (const Message& m : f.messages) bytes[m.src][m.dst] += m.bytes;
  return bytes;
}

}  // namespace edgeflow
