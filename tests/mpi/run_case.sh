#!/usr/bin/env bash
# One multi-rank case: runs edgeflow through mpirun with --verify and checks
# what the user would see: exit 0, a JSON summary whose bytes sent per link
# equal what the plan predicts from its halos, and every request answered.
#   run_case.sh EDGEFLOW NP MODEL [edgeflow options...]
set -euo pipefail
edgeflow=$1 np=$2 model=$3
shift 3
[ -f "$model" ] || { echo "missing model $model (run ./run.sh test, which exports it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY=passive OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
set +e
mpirun --oversubscribe --bind-to none -np "$np" "$edgeflow" "$model" --threads 1 --verify \
  --quiet --json "$tmp/run.jsonl" --timeout 120 "$@" > "$tmp/out.txt" 2>&1
rc=$?
set -e
cat "$tmp/out.txt"
[ "$rc" -eq 0 ] || { echo "FAIL: exit status $rc"; exit 1; }
/usr/bin/python3 - "$tmp/run.jsonl" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
summary = records[-1]
assert summary.get("summary") is True, "no summary record"
assert summary["errors"] == 0, f"errors: {summary['errors']}"
assert summary["count"] == len(records) - 1, "a request without its record"
assert summary["verify_error"] <= 1e-5, f"verify error {summary['verify_error']}"
for link in summary["bytes_sent_per_link"]:
    assert link["bytes"] == link["planned_bytes"], f"link {link}: sent differs from plan"
print(f"ok: {summary['count']} requests, verify error {summary['verify_error']:.3g}, "
      f"{len(summary['bytes_sent_per_link'])} links match the plan")
PY
