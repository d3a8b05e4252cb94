#!/usr/bin/env bash
# Rank faults at np = 4: one rank killed (SIGKILL) mid-run, or stalled
# (SIGSTOP) longer than --timeout. Either way the job must end within a bound,
# with a message naming the lost rank, a non-zero exit status, and every
# JSON record written so far intact.
#   rank_faults.sh EDGEFLOW MODEL INPUT kill|stall [EDGEFLOW OPTIONS...]
set -uo pipefail
edgeflow=$1 model=$2 input=$3 fault=$4
shift 4
tmp=$(mktemp -d)
export OMP_WAIT_POLICY=passive OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
victim=2
timeout_s=3
mpirun --oversubscribe --bind-to none -np 4 "$edgeflow" "$model" --input "$input" \
  --threads 1 --repeat 100000 --quiet --json "$tmp/run.jsonl" --timeout "$timeout_s" "$@" \
  > "$tmp/out.txt" 2>&1 &
launcher=$!
cleanup() { kill -9 "$launcher" 2>/dev/null; pkill -9 -P "$launcher" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# Wait for a few finished requests, then find the victim rank's process.
for _ in $(seq 600); do
  [ -f "$tmp/run.jsonl" ] && [ "$(wc -l < "$tmp/run.jsonl")" -ge 3 ] && break
  sleep 0.1
done
[ "$(wc -l < "$tmp/run.jsonl" 2>/dev/null || echo 0)" -ge 3 ] || { cat "$tmp/out.txt"; echo "FAIL: the job never got going"; exit 1; }
pid=""
for p in $(pgrep -P "$launcher"); do  # this job's ranks only (others may run alongside)
  if tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$victim"; then pid=$p; fi
done
[ -n "$pid" ] || { echo "FAIL: rank $victim not found"; exit 1; }

start_ms=$(( $(date +%s%N) / 1000000 ))
if [ "$fault" = kill ]; then kill -KILL "$pid"; bound=10; else kill -STOP "$pid"; bound=$((timeout_s + 10)); fi
# The job must end by itself within the bound.
for _ in $(seq $((bound * 10 + 50))); do
  kill -0 "$launcher" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$launcher" 2>/dev/null; then echo "FAIL: still running after ${bound}s (hang)"; exit 1; fi
wait "$launcher"; rc=$?
elapsed_ms=$(( $(date +%s%N) / 1000000 - start_ms ))
cat "$tmp/out.txt" | head -20
echo "exit status $rc after ${elapsed_ms} ms"
[ "$rc" -ne 0 ] || { echo "FAIL: exit status 0"; exit 1; }
(( elapsed_ms < bound * 1000 )) || { echo "FAIL: took ${elapsed_ms} ms (bound ${bound}s)"; exit 1; }
grep -q "rank $victim" "$tmp/out.txt" || { echo "FAIL: no message names rank $victim"; exit 1; }
if [ "$fault" = stall ]; then
  grep -m1 "error" "$tmp/out.txt" | grep -q "^edgeflow: error: .*rank $victim" \
    || { echo "FAIL: the first error line is not ours naming rank $victim"; exit 1; }
fi
/usr/bin/python3 - "$tmp/run.jsonl" <<'PY' || exit 1
import json, sys
lines = open(sys.argv[1]).read().splitlines()
records = [json.loads(l) for l in lines]  # every line written is a whole record
assert len(records) >= 3, "records written before the fault are missing"
print(f"ok: {len(records)} records intact")
PY
