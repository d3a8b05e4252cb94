// Trace events: a compact binary form for the gather, and the Chrome trace
// JSON writer.
#include "edgeflow/trace.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {
namespace {

template <typename T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T take(const std::string& in, size_t& pos) {
  if (pos + sizeof(T) > in.size()) fail_runtime("trace: truncated events");
  T v;
  std::memcpy(&v, in.data() + pos, sizeof v);
  pos += sizeof v;
  return v;
}

std::string take_string(const std::string& in, size_t& pos) {
  const auto n = take<uint32_t>(in, pos);
  if (pos + n > in.size()) fail_runtime("trace: truncated events");
  std::string s = in.substr(pos, n);
  pos += n;
  return s;
}

void put_string(std::string& out, const std::string& s) {
  put(out, static_cast<uint32_t>(s.size()));
  out += s;
}

}  // namespace

std::string encode_trace(const std::vector<TraceEvent>& events) {
  std::string out;
  for (const TraceEvent& e : events) {
    put_string(out, e.name);
    put_string(out, e.category);
    put(out, e.request);
    put(out, e.start_us);
    put(out, e.duration_us);
  }
  return out;
}

std::vector<TraceEvent> decode_trace(const std::string& bytes) {
  std::vector<TraceEvent> events;
  size_t pos = 0;
  while (pos < bytes.size()) {
    TraceEvent e;
    e.name = take_string(bytes, pos);
    e.category = take_string(bytes, pos);
    e.request = take<int64_t>(bytes, pos);
    e.start_us = take<double>(bytes, pos);
    e.duration_us = take<double>(bytes, pos);
    events.push_back(std::move(e));
  }
  return events;
}

void write_chrome_trace(const std::string& path,
                        const std::vector<std::vector<TraceEvent>>& ranks) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "w"));
  if (!file) fail_input("--trace '" + path + "': cannot be written");
  double origin = std::numeric_limits<double>::max();
  for (const auto& events : ranks)
    for (const TraceEvent& e : events) origin = std::min(origin, e.start_us);
  std::fputs("{\"traceEvents\":[\n", file.get());
  bool first = true;
  for (size_t rank = 0; rank < ranks.size(); ++rank) {
    JsonObject meta, meta_args;
    meta_args.add_string("name", "rank " + std::to_string(rank));
    meta.add_string("name", "thread_name").add_string("ph", "M").add_int("pid", 0);
    meta.add_int("tid", static_cast<int64_t>(rank)).add_object("args", meta_args);
    std::fprintf(file.get(), "%s%s", first ? "" : ",\n", meta.str().c_str());
    first = false;
    for (const TraceEvent& e : ranks[rank]) {
      JsonObject args, ev;
      args.add_int("request", e.request);
      ev.add_string("name", e.name).add_string("cat", e.category).add_string("ph", "X");
      ev.add_number("ts", e.start_us - origin).add_number("dur", e.duration_us);
      ev.add_int("pid", 0).add_int("tid", static_cast<int64_t>(rank)).add_object("args", args);
      std::fprintf(file.get(), ",\n%s", ev.str().c_str());
    }
  }
  std::fputs("\n]}\n", file.get());
  if (std::ferror(file.get())) fail_input("--trace '" + path + "': write failed");
}

}  // namespace edgeflow
