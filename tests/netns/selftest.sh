#!/usr/bin/env bash
# Checks shaped_mpirun.sh itself (root only; not part of CI): it refuses to run
# without root, leaves no namespace behind after a failed set-up or a failing
# program (whose exit status it passes on), and its links carry the rate
# asked for (a 1 MB MPI ping-pong at 10 Mbit/s takes about 0.84 s each way).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script=$here/shaped_mpirun.sh
pass=0 fail=0
check() {   # check NAME COMMAND...: the command must succeed
  local name=$1
  shift
  if "$@"; then echo "ok: $name"; pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}
leftovers() { ! ip netns list | grep -q '^edgeflow-net-'; }
[[ "$(id -u)" -eq 0 ]] || { echo "selftest.sh: needs root"; exit 1; }
leftovers || { echo "selftest.sh: namespaces from an earlier run exist; run shaped_mpirun.sh --cleanup"; exit 1; }

refuses_non_root() {
  local out rc=0
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$script" -- true 2>&1) || rc=$?
  [[ $rc -eq 1 && "$out" == *"needs root"* ]]
}
check "refuses to run without root" refuses_non_root

failed_setup() {
  local rc=0
  EDGEFLOW_NETNS_TEST_FAIL=shape "$script" -- true >/dev/null 2>&1 || rc=$?
  [[ $rc -ne 0 ]] && leftovers
}
check "a failed set-up leaves no namespace" failed_setup

failing_program() {
  local rc=0
  "$script" --np 2 -- sh -c 'exit 3' >/dev/null 2>&1 || rc=$?
  [[ $rc -eq 3 ]] && leftovers
}
check "a failing program's status is passed on, nothing left" failing_program

bad_usage() {
  local rc=0
  "$script" --rate 10mb -- true >/dev/null 2>&1 || rc=$?
  [[ $rc -eq 1 ]] && leftovers
}
check "a malformed rate is bad usage" bad_usage

shaped_rate() {
  command -v mpicc >/dev/null || { echo "  (no mpicc: skipped)"; return 0; }
  local tmp
  tmp=$(mktemp -d)
  cat > "$tmp/pp.c" <<'C'
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, n = 1 << 20;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  char* buf = calloc(n, 1);
  double best = 1e9;
  for (int r = 0; r < 3; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    if (rank == 0) {
      MPI_Send(buf, n, MPI_CHAR, 1, 0, MPI_COMM_WORLD);
      MPI_Recv(buf, n, MPI_CHAR, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
      MPI_Recv(buf, n, MPI_CHAR, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Send(buf, n, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
    }
    double t = (MPI_Wtime() - t0) / 2;
    if (t < best) best = t;
  }
  if (rank == 0) printf("%.4f\n", best);
  MPI_Finalize();
  return 0;
}
C
  mpicc -O2 "$tmp/pp.c" -o "$tmp/pp"
  local t
  t=$("$script" --np 2 --rate 10mbit -- "$tmp/pp" 2>/dev/null | tail -1)
  rm -rf "$tmp"
  echo "  1 MB one way at 10 Mbit/s: $t s (0.839 s at the nominal rate; TCP/IP headers add ~5%)"
  awk -v t="$t" 'BEGIN { exit !(t > 0.80 && t < 0.95) }' && leftovers
}
check "a 10 Mbit/s link moves 1 MB in 0.80-0.95 s" shaped_rate

echo "$pass passed, $fail failed"
((fail == 0))
