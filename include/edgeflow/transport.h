// The small transport interface below the runtime and the profiler: nonblocking
// point-to-point messages for feature-map rows, blocking byte messages and
// collectives for set-up and control. Its MPI implementation
// (src/transport/mpi_transport.cpp) is the only code that includes mpi.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace edgeflow {

// Message tags: control from rank 0, errors to rank 0, set-up, profiling,
// then the data tags of the runtime (kTagFirstData + slot * edges + edge).
enum Tag : int {
  kTagControl = 0,
  kTagError = 1,
  kTagSetup = 2,
  kTagProfile = 3,
  kTagFirstData = 4,
};

class Transport {
 public:
  using Handle = int;  // a pending nonblocking operation
  virtual ~Transport() = default;

  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  // Largest usable message tag.
  virtual int max_tag() const = 0;
  // Host name of this rank; its index among the ranks on its host, and how
  // many ranks share the host.
  virtual std::string host_name() const = 0;
  virtual int local_rank() const = 0;
  virtual int local_size() const = 0;

  // Nonblocking send/receive of raw bytes; `data` stays valid until test() is true.
  virtual Handle isend(const void* data, size_t bytes, int peer, int tag) = 0;
  virtual Handle irecv(void* data, size_t bytes, int peer, int tag) = 0;
  // True once the operation completed; the handle is released then.
  virtual bool test(Handle h) = 0;
  // test() of every handle at once: (*done)[i] for handles[i]. One pass of
  // the library's progress engine for all of them: testing each alone runs
  // it once per handle (5 us each at np = 4 on two cores), which with a
  // request's fifty receives pending cost a rank 0.25 ms after every unit.
  virtual void test_all(const std::vector<Handle>& handles, std::vector<char>* done) {
    done->resize(handles.size());
    for (size_t i = 0; i < handles.size(); ++i) (*done)[i] = test(handles[i]) ? 1 : 0;
  }

  // Blocking byte messages for set-up and control. A send waits at most
  // `timeout_s` seconds for the peer to take the message (a stalled peer
  // whose queue is full would block it for ever), then throws Error naming
  // the peer; the message may still be delivered later.
  virtual void send_bytes(const std::string& bytes, int peer, int tag, double timeout_s) = 0;
  // A message with `tag` from `peer` (-1: any), if one has arrived; sets *source.
  virtual std::optional<std::string> try_recv_bytes(int peer, int tag, int* source) = 0;
  // Waits for a message, at most `timeout_s` seconds (then throws Error).
  virtual std::string recv_bytes(int peer, int tag, double timeout_s) = 0;

  // Collectives (every rank calls them in the same order).
  virtual void broadcast(std::string* bytes, int root) = 0;
  virtual std::vector<std::string> gather(const std::string& mine, int root) = 0;
  virtual void barrier() = 0;

  // Ends the whole job with exit status `code` (used once rank 0 has reported).
  [[noreturn]] virtual void abort(int code) = 0;
};

// The MPI transport over a private duplicate of MPI_COMM_WORLD. Initializes
// MPI (thread level funneled) on construction, finalizes on destruction.
std::unique_ptr<Transport> make_mpi_transport(int* argc, char*** argv);

// True when this process was started by mpirun (so MPI is worth starting).
bool launched_by_mpirun();

}  // namespace edgeflow
