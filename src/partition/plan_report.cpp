// Plan explanations: table, JSON and Graphviz DOT (edgeflow/plan_report.h).
#include "edgeflow/plan_report.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "edgeflow/error.h"

namespace edgeflow {
namespace {

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string rows_per_rank(const Partition& p, int node) {
  std::string s;
  for (int r = 0; r < p.world_size; ++r) {
    if (r) s += '/';
    s += std::to_string(p.rows(node, r).size());
  }
  return s;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string megabytes(int64_t bytes) { return format("%.3f MB", bytes / 1e6); }

int64_t total_bytes(const PlanPrediction& p) {
  int64_t sum = 0;
  for (const auto& row : p.bytes)
    for (int64_t b : row) sum += b;
  return sum;
}

// A DOT label of lines: each line's quotes and backslashes escaped, lines
// joined by DOT's "\n".
std::string dot_label(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "\\n";
    for (char c : lines[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string plan_table(const Graph& graph, const Partition& partition,
                       const PlanPrediction& prediction) {
  EF_ASSERT(prediction.finish_s.size() == graph.nodes.size());
  const int n = partition.world_size;
  size_t name_w = 5, rows_w = 13;
  for (size_t l = 0; l < graph.nodes.size(); ++l) {
    name_w = std::max(name_w, graph.nodes[l].name.size());
    rows_w = std::max(rows_w, rows_per_rank(partition, static_cast<int>(l)).size());
  }
  std::ostringstream out;
  out << pad("layer", name_w) << "  " << pad("op", 17) << "  " << pad("rows", 5) << "  "
      << pad("rows per rank", rows_w) << "  " << pad("bytes out", 12) << "  "
      << "start-finish ms per rank\n";
  const ValueId in = graph.input;
  out << pad(graph.values[in].name + " (input)", name_w) << "  " << pad("-", 17) << "  "
      << pad(std::to_string(graph.shape_of(in).height()), 5) << "  " << pad("rank 0", rows_w)
      << "  " << pad(std::to_string(prediction.value_bytes.at(in)), 12) << "  -\n";
  for (size_t l = 0; l < graph.nodes.size(); ++l) {
    const Node& node = graph.nodes[l];
    std::string times;
    for (int r = 0; r < n; ++r) {
      if (r) times += " | ";
      times += partition.rows(static_cast<int>(l), r).empty()
                   ? std::string("-")
                   : format("%.3f", 1e3 * prediction.start_s[l][r]) + "-" +
                         format("%.3f", 1e3 * prediction.finish_s[l][r]);
    }
    out << pad(node.name, name_w) << "  " << pad(op_name(node.op), 17) << "  "
        << pad(std::to_string(graph.shape_of(node.output).height()), 5) << "  "
        << pad(rows_per_rank(partition, static_cast<int>(l)), rows_w) << "  "
        << pad(std::to_string(prediction.value_bytes.at(node.output)), 12) << "  " << times << "\n";
  }
  out << "predicted end-to-end latency: " << format("%.3f", 1e3 * prediction.latency_s) << " ms on "
      << n << " rank(s); " << megabytes(total_bytes(prediction)) << " in " << prediction.messages
      << " message(s) per request\n";
  return out.str();
}

JsonObject plan_json_object(const Graph& graph, const Partition& partition,
                            const PlanPrediction& prediction) {
  EF_ASSERT(prediction.finish_s.size() == graph.nodes.size());
  const int n = partition.world_size;
  JsonObject root;
  root.add_int("world_size", n);
  root.add_number("latency_ms", 1e3 * prediction.latency_s);
  root.add_int("bytes", total_bytes(prediction));
  root.add_int("messages", prediction.messages);
  JsonObject input;
  input.add_string("name", graph.values[graph.input].name);
  input.add_int("rows", graph.shape_of(graph.input).height());
  input.add_int("bytes_out", prediction.value_bytes.at(graph.input));
  root.add_object("input", input);
  std::vector<JsonObject> layers;
  for (size_t l = 0; l < graph.nodes.size(); ++l) {
    const Node& node = graph.nodes[l];
    JsonObject o;
    o.add_string("name", node.name);
    o.add_string("op", op_name(node.op));
    o.add_int("rows", graph.shape_of(node.output).height());
    std::vector<int64_t> rows(n);
    std::vector<double> start(n), finish(n);
    for (int r = 0; r < n; ++r) {
      rows[r] = partition.rows(static_cast<int>(l), r).size();
      const bool runs = rows[r] > 0;
      start[r] = runs ? 1e3 * prediction.start_s[l][r] : std::nan("");
      finish[r] = runs ? 1e3 * prediction.finish_s[l][r] : std::nan("");
    }
    o.add_ints("rows_per_rank", rows);
    o.add_ints("cuts", partition.cuts[l]);
    o.add_bool("halo_first", partition.is_halo_first(static_cast<int>(l)));
    o.add_bool("fused", partition.is_fused(static_cast<int>(l)));
    o.add_numbers("start_ms", start);
    o.add_numbers("finish_ms", finish);
    o.add_int("bytes_out", prediction.value_bytes.at(node.output));
    layers.push_back(std::move(o));
  }
  root.add_objects("layers", layers);
  std::vector<JsonObject> links;
  for (int s = 0; s < n; ++s)
    for (int d = 0; d < n; ++d) {
      if (prediction.bytes[s][d] == 0) continue;
      JsonObject o;
      o.add_int("src", s);
      o.add_int("dst", d);
      o.add_int("bytes", prediction.bytes[s][d]);
      links.push_back(std::move(o));
    }
  root.add_objects("links", links);
  return root;
}

std::string plan_json(const Graph& graph, const Partition& partition,
                      const PlanPrediction& prediction) {
  return plan_json_object(graph, partition, prediction).str();
}

std::string plan_dot(const Graph& graph, const Partition& partition) {
  std::ostringstream out;
  out << "digraph plan {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n";
  out << "  label="
      << dot_label({"EdgeFlow plan on " + std::to_string(partition.world_size) +
                    " rank(s): rows per rank 0/1/..."})
      << ";\n";
  auto value_node = [&](ValueId v) {
    const int producer = graph.values[v].producer;
    return producer < 0 ? std::string("input") : "n" + std::to_string(producer);
  };
  out << "  input [shape=ellipse, label="
      << dot_label({graph.values[graph.input].name, graph.shape_of(graph.input).str(), "on rank 0"})
      << "];\n";
  for (size_t l = 0; l < graph.nodes.size(); ++l) {
    const Node& node = graph.nodes[l];
    const std::string label = dot_label(
        {node.name, std::string(op_name(node.op)) + " " + graph.shape_of(node.output).str(),
         "rows " + rows_per_rank(partition, static_cast<int>(l))});
    out << "  n" << l << " [label=" << label << "];\n";
  }
  for (size_t l = 0; l < graph.nodes.size(); ++l)
    for (ValueId v : graph.nodes[l].inputs) out << "  " << value_node(v) << " -> n" << l << ";\n";
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    const ValueId v = graph.outputs[i];
    out << "  out" << i
        << " [shape=ellipse, label=" << dot_label({graph.values[v].name, "gathered on rank 0"})
        << "];\n";
    out << "  " << value_node(v) << " -> out" << i << ";\n";
  }
  out << "}\n";
  return out.str();
}

void write_plan_dot(const std::string& path, const Graph& graph, const Partition& partition) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) fail_input("--plan-dot: cannot write '" + path + "': " + std::strerror(errno));
  f << plan_dot(graph, partition);
  f.close();
  if (!f) fail_input("--plan-dot: cannot write '" + path + "': " + std::strerror(errno));
}

}  // namespace edgeflow
