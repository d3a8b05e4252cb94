#!/usr/bin/env bash
# The emulated cluster end to end: a model on an emulated cluster file with the
# default partitioner must still match rank 0 alone (--verify), print a
# predicted latency from its measured profile, after timing the plan's own
# units (kept in the cache), and that prediction must be below equal split's on the same profile (equal's --plan-only, which reads
# the same --profile-cache).
#   run_cluster_case.sh EDGEFLOW NP MODEL INPUT CLUSTER_FILE
set -euo pipefail
edgeflow=$1 np=$2 model=$3 input=$4 cluster=$5
[ -f "$model" ] || { echo "missing model $model (run ./run.sh test, which exports it)"; exit 1; }
[ -f "$cluster" ] || { echo "missing cluster file $cluster"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY=passive OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun --oversubscribe --bind-to none -np "$np" "$edgeflow" "$model" --input "$input"
     --cluster "$cluster" --profile-cache "$tmp/profile.txtpb" --timeout 120)

run() {   # run NAME ARGS...: one mpirun, its output kept and shown
  local name=$1
  shift
  local rc=0
  "${mpi[@]}" "$@" > "$tmp/$name.txt" 2>&1 || rc=$?
  sed "s/^/[$name] /" "$tmp/$name.txt"
  [ "$rc" -eq 0 ] || { echo "FAIL: $name: exit status $rc"; exit 1; }
}
run edgeflow --partitioner edgeflow --verify --repeat 2 --quiet --json "$tmp/run.jsonl"
grep -Eq "timed [0-9]+ units of the plan on every rank" "$tmp/edgeflow.txt" || {
  echo "FAIL: the plan's own units were not timed (--refine-rounds) after profiling"
  exit 1
}
grep -q "samples {" "$tmp/profile.txtpb" || { echo "FAIL: the profile cache holds no samples"; exit 1; }
run equal --partitioner equal --plan-only --json "$tmp/equal.jsonl"
grep -q "measured profile" "$tmp/equal.txt" || {
  echo "FAIL: equal's plan was not predicted on the measured profile in --profile-cache"
  exit 1
}
/usr/bin/python3 - "$tmp/run.jsonl" "$tmp/equal.jsonl" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
summary = records[-1]
assert summary.get("summary") is True, "no summary record"
assert summary["errors"] == 0, f"errors: {summary['errors']}"
assert summary["verify_error"] <= 1e-5, f"verify error {summary['verify_error']}"
predicted = summary.get("predicted_latency_ms")
assert predicted is not None, "no predicted latency (is the profile measured?)"
plan = next(json.loads(l) for l in open(sys.argv[2]) if json.loads(l).get("plan"))
equal = plan["latency_ms"]
assert predicted < equal, f"edgeflow predicts {predicted:.2f} ms, not below equal's {equal:.2f} ms"
print(f"ok: verify error {summary['verify_error']:.3g}; predicted edgeflow {predicted:.2f} ms "
      f"< equal {equal:.2f} ms ({100 * (1 - predicted / equal):.1f}% below); measured "
      f"median {summary['latency_ms']['median']:.2f} ms")
PY
