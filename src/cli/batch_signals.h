// Graceful stop of a batch job (docs/user-contract.md): SIGUSR1 (mpirun forwards it to
// every rank), and SIGINT in a singleton run, ask rank 0 to feed no new
// inputs, let the requests in flight finish, write their records and exit
// 130. The handler only sets a flag (async-signal-safe); the feed polls it.
// Under mpirun, SIGINT and SIGTERM keep their default action: mpirun ends
// the ranks, and the records already written are flushed.
#pragma once

namespace edgeflow {

// Installs the SIGUSR1 handler on this rank, at start-up (every rank: a
// worker must survive the SIGUSR1 mpirun forwards to it).
void install_stop_signals();

// A singleton run while it feeds inputs: the first SIGINT asks for a
// graceful stop, a second one ends the process at once. Before and after
// (set-up, the report) SIGINT keeps its default action.
class GracefulInterrupt {
 public:
  GracefulInterrupt();
  ~GracefulInterrupt();
  GracefulInterrupt(const GracefulInterrupt&) = delete;
  GracefulInterrupt& operator=(const GracefulInterrupt&) = delete;
};

// The signal that asked for a stop (SIGUSR1 or SIGINT), or 0.
int stop_signal();

// True once a stop was asked for.
inline bool stop_requested() { return stop_signal() != 0; }

// Its name for messages: "SIGUSR1", "SIGINT".
const char* stop_signal_name();

}  // namespace edgeflow
