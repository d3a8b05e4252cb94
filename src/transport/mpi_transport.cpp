// Transport over MPI: a private communicator (MPI_Comm_dup), every request
// owned by the transport and cancelled on destruction, waits bounded by a
// timeout so that nothing blocks forever.
#include <mpi.h>

#include <cstdio>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <list>
#include <thread>

#include "edgeflow/error.h"
#include "edgeflow/transport.h"

namespace edgeflow {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    fail_runtime(std::string("mpi: ") + what + ": " + std::string(text, len));
  }
}

std::string seconds_text(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", s);
  return text;
}

int as_count(size_t bytes) {
  if (bytes > static_cast<size_t>(INT32_MAX)) fail_runtime("mpi: message larger than 2 GiB");
  return static_cast<int>(bytes);
}

class MpiTransport final : public Transport {
 public:
  MpiTransport(int* argc, char*** argv) {
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_dup(MPI_COMM_WORLD, &comm_);
    MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &world_);
    int* ub = nullptr;
    int flag = 0;
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &ub, &flag);
    max_tag_ = flag && ub ? *ub : 32767;
    MPI_Comm local;
    MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local);
    MPI_Comm_rank(local, &local_rank_);
    MPI_Comm_size(local, &local_size_);
    MPI_Comm_free(&local);
  }

  ~MpiTransport() override {
    for (std::vector<MPI_Request>* pending : {&requests_, &abandoned_})
      for (MPI_Request& r : *pending)
        if (r != MPI_REQUEST_NULL) {
          MPI_Cancel(&r);
          MPI_Request_free(&r);
        }
    MPI_Comm_free(&comm_);
    MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int world_size() const override { return world_; }
  int max_tag() const override { return max_tag_; }

  std::string host_name() const override {
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    MPI_Get_processor_name(name, &len);
    return std::string(name, len);
  }

  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }

  Handle isend(const void* data, size_t bytes, int peer, int tag) override {
    const Handle h = new_handle();
    check(MPI_Isend(data, as_count(bytes), MPI_BYTE, peer, tag, comm_, &requests_[h]), "isend");
    return h;
  }

  Handle irecv(void* data, size_t bytes, int peer, int tag) override {
    const Handle h = new_handle();
    check(MPI_Irecv(data, as_count(bytes), MPI_BYTE, peer, tag, comm_, &requests_[h]), "irecv");
    return h;
  }

  bool test(Handle h) override {
    int done = 0;
    check(MPI_Test(&requests_.at(h), &done, MPI_STATUS_IGNORE), "test");
    if (done) free_.push_back(h);
    return done != 0;
  }

  void test_all(const std::vector<Handle>& handles, std::vector<char>* done) override {
    const int n = static_cast<int>(handles.size());
    done->assign(handles.size(), 0);
    if (n == 0) return;
    batch_.resize(handles.size());
    for (int i = 0; i < n; ++i) batch_[i] = requests_.at(handles[i]);
    completed_.resize(handles.size());
    int count = 0;
    check(MPI_Testsome(n, batch_.data(), &count, completed_.data(), MPI_STATUSES_IGNORE),
          "testsome");
    if (count == MPI_UNDEFINED) count = 0;
    for (int k = 0; k < count; ++k) {
      const int i = completed_[k];
      (*done)[i] = 1;
      requests_[handles[i]] = MPI_REQUEST_NULL;
      free_.push_back(handles[i]);
    }
  }

  void send_bytes(const std::string& bytes, int peer, int tag, double timeout_s) override {
    // The transport's own copy: a send that times out stays posted (Open MPI
    // cannot cancel sends) and reads it until the end of the job.
    sent_.push_back(bytes);
    MPI_Request request;
    check(MPI_Isend(sent_.back().data(), as_count(bytes.size()), MPI_BYTE, peer, tag, comm_,
                    &request),
          "isend");
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration<double>(timeout_s);
    for (int polls = 0;; ++polls) {
      int done = 0;
      check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "test");
      if (done) {
        sent_.pop_back();
        return;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        abandoned_.push_back(request);  // released with the transport
        fail_runtime("rank " + std::to_string(peer) + " took no message for " +
                     seconds_text(timeout_s) + " (stalled?)");
      }
      if (polls > 100) std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }

  std::optional<std::string> try_recv_bytes(int peer, int tag, int* source) override {
    int flag = 0;
    MPI_Status status;
    check(MPI_Iprobe(peer < 0 ? MPI_ANY_SOURCE : peer, tag, comm_, &flag, &status), "iprobe");
    if (!flag) return std::nullopt;
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    std::string bytes(static_cast<size_t>(count), '\0');
    check(MPI_Recv(bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, tag, comm_,
                   MPI_STATUS_IGNORE),
          "recv");
    if (source) *source = status.MPI_SOURCE;
    return bytes;
  }

  std::string recv_bytes(int peer, int tag, double timeout_s) override {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration<double>(timeout_s);
    for (;;) {
      if (auto bytes = try_recv_bytes(peer, tag, nullptr)) return *bytes;
      if (std::chrono::steady_clock::now() > deadline)
        fail_runtime("timed out after " + seconds_text(timeout_s) + " waiting for rank " +
                     std::to_string(peer));
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }

  void broadcast(std::string* bytes, int root) override {
    uint64_t size = bytes->size();
    check(MPI_Bcast(&size, 1, MPI_UINT64_T, root, comm_), "bcast");
    bytes->resize(size);
    // Chunks under 2 GiB: MPI counts are int.
    const size_t kChunk = size_t(1) << 30;
    for (size_t off = 0; off < size; off += kChunk)
      check(MPI_Bcast(bytes->data() + off, as_count(std::min(kChunk, size - off)), MPI_BYTE,
                      root, comm_),
            "bcast");
  }

  std::vector<std::string> gather(const std::string& mine, int root) override {
    int size = as_count(mine.size());
    std::vector<int> sizes(rank_ == root ? world_ : 0);
    check(MPI_Gather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, root, comm_), "gather");
    std::vector<int> offsets(sizes.size(), 0);
    std::string all;
    if (rank_ == root) {
      size_t total = 0;
      for (int r = 0; r < world_; ++r) offsets[r] = static_cast<int>(total), total += sizes[r];
      all.resize(total);
    }
    check(MPI_Gatherv(mine.data(), size, MPI_BYTE, all.data(), sizes.data(), offsets.data(),
                      MPI_BYTE, root, comm_),
          "gatherv");
    std::vector<std::string> out;
    for (int r = 0; r < static_cast<int>(sizes.size()); ++r)
      out.push_back(all.substr(offsets[r], sizes[r]));
    return out;
  }

  void barrier() override { check(MPI_Barrier(comm_), "barrier"); }

  [[noreturn]] void abort(int code) override {
    // Our error line travels through mpirun's stderr forwarding, MPI_Abort's
    // banner through another channel: a moment's head start keeps ours first.
    std::fflush(stdout);
    std::fflush(stderr);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);
  }

 private:
  Handle new_handle() {
    if (!free_.empty()) {
      const Handle h = free_.back();
      free_.pop_back();
      return h;
    }
    requests_.push_back(MPI_REQUEST_NULL);
    return static_cast<Handle>(requests_.size() - 1);
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int world_ = 1;
  int max_tag_ = 32767;
  int local_rank_ = 0;
  int local_size_ = 1;
  std::vector<MPI_Request> requests_;
  std::vector<Handle> free_;
  std::list<std::string> sent_;         // send_bytes()'s messages (stable addresses)
  std::vector<MPI_Request> abandoned_;  // send_bytes()'s timed-out sends
  std::vector<MPI_Request> batch_;  // test_all()'s scratch
  std::vector<int> completed_;
};

}  // namespace

std::unique_ptr<Transport> make_mpi_transport(int* argc, char*** argv) {
  return std::make_unique<MpiTransport>(argc, argv);
}

bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr ||
         std::getenv("PMI_RANK") != nullptr;
}

}  // namespace edgeflow
