// The profile cache: a measured profile in Protobuf text format, trusted only
// under the key it was measured with (model, ranks, hosts, threads,
// emulation) and only when every number in it is sane.
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "edgeflow/error.h"
#include "edgeflow/profiler.h"
#include "compute_proto.h"

namespace edgeflow {
namespace {

std::optional<ClusterProfile> reject(const std::string& path, const std::string& why) {
  std::fprintf(stderr, "edgeflow: warning: profile cache '%s' %s; ignoring it\n",
               path.c_str(), why.c_str());
  return std::nullopt;
}

// Swallows the text parser's log lines: a bad cache is one warning of ours.
struct QuietParseErrors : google::protobuf::io::ErrorCollector {
  void AddError(int, int, const std::string&) override {}
  void AddWarning(int, int, const std::string&) override {}
};

bool sane(double x) { return std::isfinite(x) && x >= 0; }

}  // namespace

std::string profile_key(const Graph& graph, const std::vector<std::string>& hosts, int threads,
                        const std::string& emulation) {
  std::ostringstream key;
  key << "model=" << std::hex << graph_digest(graph) << std::dec << ";ranks=" << hosts.size() << ";hosts=";
  for (size_t i = 0; i < hosts.size(); ++i) key << (i ? "," : "") << hosts[i];
  key << ";threads=" << threads << ";emulation=" << emulation;
  return key.str();
}

std::optional<ClusterProfile> load_profile(const std::string& path, const std::string& key,
                                           const Graph& graph) {
  std::ifstream in(path);
  if (!in) return std::nullopt;  // no cache yet: nothing to warn about
  std::stringstream text;
  text << in.rdbuf();
  profilepb::ProfileFile file;
  google::protobuf::TextFormat::Parser parser;
  QuietParseErrors errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text.str(), &file)) return reject(path, "does not parse");
  if (file.key() != key) return reject(path, "was measured for another model or cluster");
  const int world = file.world_size();
  if (world < 1 || file.layers_size() != static_cast<int>(graph.nodes.size()) ||
      file.usable_size() != world)
    return reject(path, "does not fit the model");
  ClusterProfile p;
  p.world_size = world;
  p.usable.assign(file.usable().begin(), file.usable().end());
  p.compute.assign(graph.nodes.size(), std::vector<ComputeCost>(world));
  p.links.assign(world, std::vector<LinkCost>(world));
  for (int n = 0; n < file.layers_size(); ++n) {
    const auto& layer = file.layers(n);
    if (layer.layer() != graph.nodes[n].name || layer.ranks_size() != world)
      return reject(path, "does not fit the model");
    for (int r = 0; r < world; ++r) {
      std::optional<ComputeCost> cost = from_proto(layer.ranks(r));
      if (!cost) return reject(path, "holds a bad timing");
      p.compute[n][r] = std::move(*cost);
    }
  }
  if (file.message_cpu_s_size() != 0) {
    if (file.message_cpu_s_size() != world) return reject(path, "does not fit the model");
    for (double o : file.message_cpu_s())
      if (!sane(o)) return reject(path, "holds a bad timing");
    p.message_cpu_s.assign(file.message_cpu_s().begin(), file.message_cpu_s().end());
  }
  for (const auto& l : file.links()) {
    if (l.src() < 0 || l.src() >= world || l.dst() < 0 || l.dst() >= world ||
        !sane(l.latency_s()) || !(l.bytes_per_s() > 0) || !std::isfinite(l.bytes_per_s()))
      return reject(path, "holds a bad link");
    p.links[l.src()][l.dst()] = LinkCost{l.latency_s(), l.bytes_per_s()};
  }
  return p;
}

void save_profile(const std::string& path, const std::string& key, const Graph& graph,
                  const ClusterProfile& profile) {
  profilepb::ProfileFile file;
  file.set_key(key);
  file.set_world_size(profile.world_size);
  for (bool u : profile.usable) file.add_usable(u);
  for (double o : profile.message_cpu_s) file.add_message_cpu_s(o);
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    auto* layer = file.add_layers();
    layer->set_layer(graph.nodes[n].name);
    for (const ComputeCost& c : profile.compute[n]) to_proto(c, layer->add_ranks());
  }
  for (int s = 0; s < profile.world_size; ++s)
    for (int d = 0; d < profile.world_size; ++d) {
      if (s == d) continue;
      auto* l = file.add_links();
      l->set_src(s);
      l->set_dst(d);
      l->set_latency_s(profile.links[s][d].latency_s);
      l->set_bytes_per_s(profile.links[s][d].bytes_per_s);
    }
  std::string text;
  google::protobuf::TextFormat::PrintToString(file, &text);
  std::ofstream out(path);
  out << text;
  if (!out) fail_input("--profile-cache '" + path + "': cannot be written");
}

}  // namespace edgeflow
