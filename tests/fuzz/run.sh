#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/, makes the
# seed corpora from models/tiny, and runs each target for SECONDS.
#   tests/fuzz/run.sh SECONDS [TARGET...]     (targets: onnx_import plan_decode)
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_JOBS (parallel
# workers per target, default 1), FUZZ_KEEP_GOING=1 (fork mode: go on after a
# finding, collecting them all), FUZZ_RSS_MB (default 4096; one allocation
# above 2048 MB is a finding).
# Crashes land in build-fuzz/findings/TARGET/; once fixed, copy each into
# tests/fuzz/corpus/fuzz_TARGET/ (ctest -L fuzz in build-fuzz replays them).
# Exit status: 0 when every target ran its time clean, 1 otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
[[ $# -ge 1 && "$1" =~ ^[0-9]+$ ]] || { echo "usage: tests/fuzz/run.sh SECONDS [onnx_import|plan_decode...]" >&2; exit 1; }
seconds=$1
shift
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(onnx_import plan_decode)
build="$(realpath -m "${FUZZ_BUILD_DIR:-build-fuzz}")"
jobs="${FUZZ_JOBS:-1}"
ls models/tiny/*.onnx >/dev/null 2>&1 ||
  { echo "tests/fuzz/run.sh: no models/tiny/*.onnx (run ./run.sh setup first)" >&2; exit 1; }

CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEDGEFLOW_FUZZ=ON -DEDGEFLOW_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_onnx_import fuzz_plan_decode make_plan_seeds

# Seeds: the tiny models as they are, and the set-up messages of their plans.
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds/onnx_import" "$seeds/plan_decode"
cp models/tiny/*.onnx "$seeds/onnx_import/"
ASAN_OPTIONS=detect_leaks=0 "$build/tests/fuzz/make_plan_seeds" "$seeds/plan_decode" \
  models/tiny/*.onnx >/dev/null

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=64}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# oneDNN's primitive cache would hold JIT code of every shape seen: RSS growth
# that is not ours.
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive ONEDNN_PRIMITIVE_CACHE_CAPACITY=0
status=0
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/fuzz_$t"
  [[ -x "$bin" ]] || { echo "tests/fuzz/run.sh: unknown target '$t'" >&2; exit 1; }
  corpus="$build/corpus/$t"      # grows across runs
  findings="$build/findings/$t"
  mkdir -p "$corpus" "$findings"
  log="$build/fuzz_$t.log"
  echo "[fuzz] $t for ${seconds}s (log: $log)" >&2
  parallel=()
  if [[ -n "${FUZZ_KEEP_GOING:-}" ]]; then
    parallel=(-fork="$jobs" -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
  elif [[ "$jobs" -gt 1 ]]; then
    parallel=(-jobs="$jobs" -workers="$jobs")
  fi
  rc=0
  (cd "$build" && "$bin" -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb="${FUZZ_RSS_MB:-4096}" -malloc_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$findings/" "${parallel[@]}" \
    "$corpus" "$seeds/$t" "$ROOT/tests/fuzz/corpus/fuzz_$t") >"$log" 2>&1 || rc=$?
  if [[ "$jobs" -gt 1 && -z "${FUZZ_KEEP_GOING:-}" ]]; then cat "$build"/fuzz-*.log >>"$log" 2>/dev/null; rm -f "$build"/fuzz-*.log; fi
  grep -E '^(stat::|Done|#[0-9]+ +DONE|#[0-9]+: cov|INFO: fuzzed for)' "$log" | tail -8 >&2 || true
  if [[ $rc -ne 0 ]] || ls "$findings"/crash-* "$findings"/leak-* "$findings"/timeout-* \
       "$findings"/oom-* >/dev/null 2>&1; then
    echo "[fuzz] $t: FOUND PROBLEMS (exit $rc): $(ls "$findings" | tr '\n' ' ')" >&2
    status=1
  else
    echo "[fuzz] $t: clean for ${seconds}s" >&2
  fi
done
exit "$status"
