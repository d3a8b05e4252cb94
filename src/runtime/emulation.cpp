// The emulated cluster: a kernel decorator that dilates compute, a transport
// decorator that delays messages as uplink/downlink queues say, and the
// cluster file reader.
//
//   sender i                       switch                      receiver j
//   [uplink i: bytes/min(Bi,Bj)] --L_i--> --L_j--> [downlink j: same duration]
//
// Each message is preceded (same tag, so MPI keeps the order) by a small
// header with the time it left i's uplink queue; j's downlink queue starts it
// no earlier, and the data counts as arrived L_i + L_j after the downlink
// finishes it. Control messages (set-up, requests, errors) are not delayed.
#include "edgeflow/emulation.h"

#include <google/protobuf/io/tokenizer.h>
#include <fcntl.h>
#include <google/protobuf/text_format.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "cluster.pb.h"
#include "edgeflow/error.h"
#include "edgeflow/op_descriptor.h"

namespace edgeflow {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Sleeps until a time, as exactly as the host allows. A plain sleep wakes
// late by the thread's timer slack (50 us by default) plus the wake-up
// latency, once per emulated kernel: on a model of a few hundred units per
// rank that made every emulated device slower than its cluster file says by
// milliseconds per request. The sleeper sets the calling thread's timer
// slack to 1 ns and sleeps until the target less the lateness it has
// measured so far (a running mean, which settles where the mean lateness is
// zero). One sleeper serves the kernels of one rank, which run on one thread.
class Sleeper {
 public:
  void sleep_until(double t_s) {
    static thread_local const bool slack_set = prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) == 0;
    (void)slack_set;
    const double wait = t_s - now_s() - late_s_;
    if (wait <= 0) return;
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    const double late = now_s() - t_s;  // < 0: woke early
    late_s_ = std::clamp(late_s_ + kGain * late, 0.0, kMaxLateS);
  }

 private:
  static constexpr double kGain = 0.1;
  static constexpr double kMaxLateS = 1e-3;
  double late_s_ = 0.0;
};

// The CPU time each kernel took the first time this host measured it, kept
// in a file beside the profile cache and shared by every process that uses
// that cache. The least CPU time of one kernel still differs from process to
// process on this machine (resnet50's layer2.0/conv2, one oneDNN
// implementation in all: 2.9, 3.8 and 4.5 ms in three processes; caches
// shared with other tenants, page placement), and a device 8-16 times slower
// than the host multiplies that into its emulated time: the profile and the
// runs after it disagreed by up to 45% on one unit. With the file, the first
// measurement of a kernel is the device's time for it in every process after
// (profile and runs alike), and in the measuring process for every rank but
// the one that measured it first: four ranks profiling the same layer at once
// would otherwise give four equal devices four speeds (7% apart on resnet50).
class KernelTimes {
 public:
  explicit KernelTimes(std::string path) : path_(std::move(path)) {
    const UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() >= 0) read_new_lines(fd.get());
  }
  std::optional<double> find(const std::string& key) const {
    auto it = times_.find(key);
    if (it == times_.end()) return std::nullopt;
    return it->second;
  }
  // The time of `key`: the file's, if any process put one there (ranks of
  // one process measure the same kernels at once: under the file's lock the
  // first to settle a key sets it for all), else `measured`, appended.
  double settle(const std::string& key, double measured) {
    if (std::optional<double> known = find(key)) return *known;
    const UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd.get() < 0 || ::flock(fd.get(), LOCK_EX) != 0) {
      times_.emplace(key, measured);  // a cache that cannot be shared is only this rank's
      return measured;
    }
    read_new_lines(fd.get());
    if (std::optional<double> known = find(key)) return *known;  // the lock goes with fd
    char value[32];
    std::snprintf(value, sizeof value, "\t%.9g\n", measured);
    const std::string line = key + value;
    if (::pwrite(fd.get(), line.data(), line.size(), offset_) == ssize_t(line.size()))
      offset_ += static_cast<off_t>(line.size());
    times_.emplace(key, measured);
    return measured;
  }

 private:
  // Closes its descriptor (and so drops any flock on it) when it goes.
  class UniqueFd {
   public:
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() {
      if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

   private:
    int fd_;
  };

  // Parses the whole lines after offset_ (the first line of a key wins).
  void read_new_lines(int fd) {
    std::string text;
    char buf[1 << 14];
    for (ssize_t n; (n = ::pread(fd, buf, sizeof buf, offset_ + off_t(text.size()))) > 0;)
      text.append(buf, size_t(n));
    size_t at = 0;
    for (size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1) {
      const std::string line = text.substr(at, nl - at);
      const size_t tab = line.rfind('\t');
      if (tab == std::string::npos) continue;
      char* end = nullptr;
      const double cpu_s = std::strtod(line.c_str() + tab + 1, &end);
      if (end != line.c_str() + tab + 1 && cpu_s > 0 && std::isfinite(cpu_s))
        times_.emplace(line.substr(0, tab), cpu_s);
    }
    offset_ += static_cast<off_t>(at);  // a line cut short is read once it is whole
  }

  std::string path_;
  off_t offset_ = 0;  // bytes of the file parsed so far
  std::unordered_map<std::string, double> times_;
};

// What a kernel's cost depends on: the layer's op, shapes and FLOPs, and the
// rows it computes.
std::string kernel_key(const Graph& graph, const Node& node, RowRange out) {
  std::string key = std::string(op_name(node.op));
  for (ValueId v : node.inputs) key += " " + graph.shape_of(v).str();
  key += " -> " + graph.shape_of(node.output).str();
  char tail[96];
  std::snprintf(tail, sizeof tail, " flops %.6g rows [%lld, %lld)", layer_flops(graph, node),
                static_cast<long long>(out.begin), static_cast<long long>(out.end));
  return key + tail;
}

class EmulatedKernel final : public Kernel {
 public:
  EmulatedKernel(std::unique_ptr<Kernel> inner, double speed, std::shared_ptr<Sleeper> sleeper,
                 std::shared_ptr<KernelTimes> times, std::string key)
      : inner_(std::move(inner)), speed_(speed), sleeper_(std::move(sleeper)),
        times_(std::move(times)), key_(std::move(key)) {
    if (times_)
      if (std::optional<double> known = times_->find(key_)) least_cpu_s_ = *known, fixed_ = true;
  }
  // A kernel does the same work on every run; what varies is what the host
  // adds to the thread's CPU time: interrupts and softirqs (without
  // CONFIG_IRQ_TIME_ACCOUNTING the kernel charges them to the thread they
  // interrupt: a real network's TCP stack lands on whichever rank computes),
  // and caches shared with other ranks. Dilated by 1/speed, those would make
  // an emulated device 8-16 times as noisy as the host, so the device's own
  // time is the least CPU time this kernel has taken so far. A least of one or
  // two runs is still well above what it settles at (googlenet's conv3:
  // 70-93 ms emulated in the first requests of five processes), so the first
  // run takes it over kFirstRuns runs: they fit in the sleep of any device
  // slower than 1 / kFirstRuns of a core.
  void run(const std::vector<const float*>& inputs, float* dst) override {
    const double wall0 = now_s();
    const bool first = least_cpu_s_ == kNotYet;
    for (int k = first ? kFirstRuns : 1; k > 0; --k) {
      const double cpu0 = thread_cpu_s();
      inner_->run(inputs, dst);
      if (!fixed_) least_cpu_s_ = std::min(least_cpu_s_, thread_cpu_s() - cpu0);
    }
    if (first && times_) least_cpu_s_ = times_->settle(key_, least_cpu_s_), fixed_ = true;
    sleeper_->sleep_until(wall0 + emulated_busy_s(least_cpu_s_, speed_));
  }

 private:
  std::unique_ptr<Kernel> inner_;
  double speed_;
  std::shared_ptr<Sleeper> sleeper_;
  std::shared_ptr<KernelTimes> times_;  // null: this process's own times only
  std::string key_;
  static constexpr int kFirstRuns = 4;
  static constexpr double kNotYet = std::numeric_limits<double>::infinity();
  double least_cpu_s_ = kNotYet;
  bool fixed_ = false;  // least_cpu_s_ came from the times file
};

class EmulatedKernels final : public KernelFactory {
 public:
  EmulatedKernels(std::unique_ptr<KernelFactory> inner, double speed,
                  const std::string& times_path)
      : inner_(std::move(inner)), speed_(speed),
        times_(times_path.empty() ? nullptr : std::make_shared<KernelTimes>(times_path)) {}
  std::unique_ptr<Kernel> make(const Graph& graph, const Node& node, RowRange out) override {
    return std::make_unique<EmulatedKernel>(inner_->make(graph, node, out), speed_, sleeper_,
                                            times_, times_ ? kernel_key(graph, node, out) : "");
  }

 private:
  std::unique_ptr<KernelFactory> inner_;
  double speed_;
  std::shared_ptr<KernelTimes> times_;
  std::shared_ptr<Sleeper> sleeper_ = std::make_shared<Sleeper>();
};

struct Header {
  double up_start_s;  // when the message left the sender's uplink queue
  double bytes;
};

class EmulatedTransport final : public Transport {
 public:
  EmulatedTransport(std::unique_ptr<Transport> inner, std::vector<EmulatedDevice> devices)
      : inner_(std::move(inner)), devices_(std::move(devices)) {}

  int rank() const override { return inner_->rank(); }
  int world_size() const override { return inner_->world_size(); }
  int max_tag() const override { return inner_->max_tag(); }
  std::string host_name() const override { return inner_->host_name(); }
  int local_rank() const override { return inner_->local_rank(); }
  int local_size() const override { return inner_->local_size(); }

  Handle isend(const void* data, size_t bytes, int peer, int tag) override {
    Op& op = new_op();
    op.header.bytes = double(bytes);
    op.header.up_start_s = uplink_.occupy(now_s(), transfer_s(peer, bytes));
    op.header_handle = inner_->isend(&op.header, sizeof op.header, peer, tag);
    op.data_handle = inner_->isend(data, bytes, peer, tag);
    op.receive = false;
    return op.id;
  }

  Handle irecv(void* data, size_t bytes, int peer, int tag) override {
    Op& op = new_op();
    op.header_handle = inner_->irecv(&op.header, sizeof op.header, peer, tag);
    op.data_handle = inner_->irecv(data, bytes, peer, tag);
    op.receive = true;
    op.peer = peer;
    return op.id;
  }

  bool test(Handle h) override {
    std::vector<char> done;
    test_all({h}, &done);
    return done[0] != 0;
  }

  // One test of the inner transport for all of them: each operation's
  // header, or once that is in, its data; a receive completes once its
  // emulated arrival time has passed.
  void test_all(const std::vector<Handle>& handles, std::vector<char>* done) override {
    inner_handles_.clear();
    for (Handle h : handles) {
      const Op& op = *ops_.at(h);
      if (!op.header_done) inner_handles_.push_back(op.header_handle);
      else if (!op.data_done) inner_handles_.push_back(op.data_handle);
    }
    inner_->test_all(inner_handles_, &inner_done_);
    done->assign(handles.size(), 0);
    size_t k = 0;
    for (size_t i = 0; i < handles.size(); ++i) {
      Op& op = *ops_.at(handles[i]);
      if (!op.header_done) {
        if (inner_done_[k++]) header_arrived(op);
      } else if (!op.data_done) {
        op.data_done = inner_done_[k++] != 0;
      }
      if (!op.header_done || !op.data_done) continue;
      if (op.receive && now_s() < op.arrival_s) continue;
      (*done)[i] = 1;
      free_.push_back(handles[i]);
    }
  }

  void send_bytes(const std::string& bytes, int peer, int tag, double timeout_s) override {
    inner_->send_bytes(bytes, peer, tag, timeout_s);
  }
  std::optional<std::string> try_recv_bytes(int peer, int tag, int* source) override {
    return inner_->try_recv_bytes(peer, tag, source);
  }
  std::string recv_bytes(int peer, int tag, double timeout_s) override {
    return inner_->recv_bytes(peer, tag, timeout_s);
  }
  void broadcast(std::string* bytes, int root) override { inner_->broadcast(bytes, root); }
  std::vector<std::string> gather(const std::string& mine, int root) override {
    return inner_->gather(mine, root);
  }
  void barrier() override { inner_->barrier(); }
  [[noreturn]] void abort(int code) override {
    inner_->abort(code);
    std::_Exit(code);
  }

 private:
  struct Op {
    Handle id = 0;
    Header header{};  // stable storage: ops live in unique_ptrs
    Handle header_handle = -1, data_handle = -1;
    bool receive = false, header_done = false, data_done = false;
    int peer = 0;
    double arrival_s = 0;
  };

  // A receive's header is in: its data holds the downlink from when it left
  // the sender's uplink, and arrives the two devices' latencies after.
  void header_arrived(Op& op) {
    op.header_done = true;
    if (!op.receive) return;
    const double duration = transfer_s(op.peer, size_t(op.header.bytes));
    const double down_start = downlink_.occupy(op.header.up_start_s, duration);
    op.arrival_s = down_start + duration + devices_[op.peer].latency_s + devices_[rank()].latency_s;
  }

  double transfer_s(int peer, size_t bytes) const {
    const double b = std::min(devices_[rank()].bytes_per_s, devices_[peer].bytes_per_s);
    return double(bytes) / b;
  }

  Op& new_op() {
    Handle h;
    if (!free_.empty()) {
      h = free_.back();
      free_.pop_back();
    } else {
      h = static_cast<Handle>(ops_.size());
      ops_.push_back(std::make_unique<Op>());
    }
    *ops_[h] = Op{};
    ops_[h]->id = h;
    return *ops_[h];
  }

  std::unique_ptr<Transport> inner_;
  std::vector<EmulatedDevice> devices_;
  LinkQueue uplink_, downlink_;
  std::vector<std::unique_ptr<Op>> ops_;
  std::vector<Handle> free_;
  std::vector<Handle> inner_handles_;  // test_all()'s scratch
  std::vector<char> inner_done_;
};

// Keeps the text parser's first complaint instead of logging it.
struct QuietParseErrors : google::protobuf::io::ErrorCollector {
  std::string first;
  void AddError(int line, int column, const std::string& message) override {
    if (first.empty())
      first = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) +
              ": " + message;
  }
  void AddWarning(int, int, const std::string&) override {}
};

}  // namespace

double LinkQueue::occupy(double ready_s, double duration_s) {
  // The first gap at or after ready_s that holds the message.
  double start = ready_s;
  size_t at = 0;
  for (; at < busy_.size(); ++at) {
    if (busy_[at].second <= start) continue;       // ends before: irrelevant
    if (busy_[at].first >= start + duration_s) break;  // the gap before it holds it
    start = busy_[at].second;                      // overlaps: try after it
  }
  busy_.insert(busy_.begin() + static_cast<std::ptrdiff_t>(at), {start, start + duration_s});
  if (busy_.size() > kKept) busy_.erase(busy_.begin());
  return start;
}

std::vector<EmulatedDevice> read_cluster_file(const std::string& path, int world_size) {
  std::error_code ec;  // an ifstream opens a directory and reads nothing from it
  if (std::filesystem::is_directory(path, ec))
    fail_input("--cluster '" + path + "': is a directory, not a file");
  std::ifstream in(path);
  if (!in) fail_input("--cluster '" + path + "': cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  clusterpb::Cluster cluster;
  google::protobuf::TextFormat::Parser parser;
  QuietParseErrors errors;  // reported in our own error line, not on stderr
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text.str(), &cluster))
    fail_input("--cluster '" + path + "': not a cluster file (" + errors.first +
               "; expected Protobuf text format with " +
               "'devices { name speed bandwidth_mbps latency_us }' entries)");
  if (cluster.devices_size() != world_size)
    fail_input("--cluster '" + path + "': names " + std::to_string(cluster.devices_size()) +
               " devices, the job has " + std::to_string(world_size) + " ranks");
  std::vector<EmulatedDevice> devices;
  for (int i = 0; i < cluster.devices_size(); ++i) {
    const auto& d = cluster.devices(i);
    const std::string where = "--cluster '" + path + "': device " + std::to_string(i) +
                              (d.name().empty() ? "" : " ('" + d.name() + "')");
    if (!(d.speed() > 0) || !std::isfinite(d.speed()) || d.speed() > 64)
      fail_input(where + ": speed must be in (0, 64], got " + std::to_string(d.speed()));
    if (!(d.bandwidth_mbps() > 0) || !std::isfinite(d.bandwidth_mbps()))
      fail_input(where + ": bandwidth_mbps must be > 0, got " +
                 std::to_string(d.bandwidth_mbps()));
    if (!(d.latency_us() >= 0) || !std::isfinite(d.latency_us()) || d.latency_us() > 1e7)
      fail_input(where + ": latency_us must be in [0, 1e7], got " +
                 std::to_string(d.latency_us()));
    devices.push_back(EmulatedDevice{d.name(), d.speed(), d.bandwidth_mbps() * 1e6 / 8,
                                     d.latency_us() * 1e-6});
  }
  return devices;
}

std::unique_ptr<KernelFactory> emulate_compute(std::unique_ptr<KernelFactory> inner, double speed,
                                               const std::string& kernel_times_path) {
  return std::make_unique<EmulatedKernels>(std::move(inner), speed, kernel_times_path);
}

std::unique_ptr<Transport> emulate_links(std::unique_ptr<Transport> inner,
                                         std::vector<EmulatedDevice> devices) {
  return std::make_unique<EmulatedTransport>(std::move(inner), std::move(devices));
}

}  // namespace edgeflow
