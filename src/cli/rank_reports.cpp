#include "cli/rank_reports.h"

#include <sys/resource.h>

#include "edgeflow/error.h"
#include "rank_report.pb.h"

namespace edgeflow {
namespace {

std::string encode_report(const RuntimeStats& stats, bool with_trace) {
  reportpb::RankReport r;
  r.mutable_bytes_sent()->Add(stats.bytes_sent.begin(), stats.bytes_sent.end());
  r.set_peak_rss_mb(peak_rss_mb());
  r.set_busy_s(stats.busy_s);
  r.mutable_node_busy_s()->Add(stats.node_busy_s.begin(), stats.node_busy_s.end());
  if (with_trace)
    for (const TraceEvent& e : stats.trace) {
      reportpb::TraceEvent* t = r.add_trace();
      t->set_name(e.name);
      t->set_category(e.category);
      t->set_request(e.request);
      t->set_start_us(e.start_us);
      t->set_duration_us(e.duration_us);
      t->set_unit(e.unit);
    }
  return r.SerializeAsString();
}

// Rank `rank`'s report, checked against the job it belongs to.
reportpb::RankReport decode_report(const std::string& bytes, int rank, int world,
                                   size_t nodes) {
  reportpb::RankReport r;
  if (!r.ParseFromString(bytes) || r.bytes_sent_size() != world ||
      static_cast<size_t>(r.node_busy_s_size()) != nodes)
    fail_runtime("rank " + std::to_string(rank) + " sent a malformed end-of-job report");
  return r;
}

std::vector<TraceEvent> trace_of(const reportpb::RankReport& r) {
  std::vector<TraceEvent> events;
  for (const reportpb::TraceEvent& t : r.trace())
    events.push_back(TraceEvent{t.name(), t.category(), t.request(), t.start_us(),
                                t.duration_us(), t.unit()});
  return events;
}

}  // namespace

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

RankReports gather_rank_reports(const Graph& graph, const RuntimeStats& stats,
                                Transport* transport, int world, bool with_trace) {
  const std::string mine = encode_report(stats, with_trace);
  const std::vector<std::string> all =
      transport ? transport->gather(mine, 0) : std::vector<std::string>{mine};
  RankReports out;
  RunSummary& summary = out.summary;
  summary.world_size = world;
  std::vector<double> layer_busy(graph.nodes.size(), 0.0);
  for (size_t rank = 0; rank < all.size(); ++rank) {  // empty on workers
    const reportpb::RankReport r =
        decode_report(all[rank], static_cast<int>(rank), world, graph.nodes.size());
    summary.bytes_sent.emplace_back(r.bytes_sent().begin(), r.bytes_sent().end());
    summary.peak_rss_mb.push_back(r.peak_rss_mb());
    summary.busy_s.push_back(r.busy_s());
    for (size_t n = 0; n < graph.nodes.size(); ++n) layer_busy[n] += r.node_busy_s(int(n));
    if (with_trace) out.traces.push_back(trace_of(r));
  }
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    summary.layers.push_back(
        LayerTime{graph.nodes[n].name, op_name(graph.nodes[n].op), layer_busy[n]});
  return out;
}

}  // namespace edgeflow
