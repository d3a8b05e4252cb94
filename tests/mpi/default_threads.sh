#!/usr/bin/env bash
# The default thread count follows the CPU affinity mask: a rank bound to one
# core (taskset, mpirun --bind-to core) runs one thread, an unbound single
# rank one per core of the host. Read from the JSON summary's "threads".
#   default_threads.sh EDGEFLOW MODEL
set -uo pipefail
edgeflow=$1 model=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY=passive OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
threads() { /usr/bin/python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["threads"])' "$1"; }
fail() { echo "FAIL: $*"; exit 1; }
cores=$(nproc --all)
"$edgeflow" "$model" --quiet --json "$tmp/free.jsonl" > /dev/null 2>&1 || fail "unbound run"
[ "$(threads "$tmp/free.jsonl")" = "$cores" ] || fail "unbound: $(threads "$tmp/free.jsonl") threads, $cores cores"
taskset -c 0 "$edgeflow" "$model" --quiet --json "$tmp/one.jsonl" > /dev/null 2>&1 || fail "taskset run"
[ "$(threads "$tmp/one.jsonl")" = 1 ] || fail "taskset -c 0: $(threads "$tmp/one.jsonl") threads"
if [ "$cores" -ge 2 ]; then
  mpirun --bind-to core -np 2 "$edgeflow" "$model" --quiet --json "$tmp/bound.jsonl" > /dev/null 2>&1 ||
    fail "mpirun --bind-to core"
  [ "$(threads "$tmp/bound.jsonl")" = 1 ] || fail "--bind-to core: $(threads "$tmp/bound.jsonl") threads"
fi
echo "ok: $cores threads unbound, 1 under taskset -c 0 and under mpirun --bind-to core"
