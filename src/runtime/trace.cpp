// Trace events as Chrome trace JSON.
#include "edgeflow/trace.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>

#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {

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
      if (e.unit >= 0) args.add_int("unit", e.unit);
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
