#!/usr/bin/env bash
# ./run.sh bench single [--quick] [ARGS...]: single-device speed. The zoo
# models on one rank, EdgeFlow against OpenCV DNN (in process) and ONNX
# Runtime (onnxruntime-node's CPU library) at 1 and 2 threads, interleaved
# round by round; then EdgeFlow's time per row against slice height (resnet50).
# Writes build/bench-single/{single.md,single.png,slices.md,slices.png,raw.jsonl}.
# ARGS go to single_bench.py (--models, --threads, --rounds, --repeat, --no-slices).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="${BUILD_DIR:-$root/build}"
ort_dir="$build/ort"

sudo=()
[[ "$(id -u)" -eq 0 ]] || sudo=(sudo)

# The table/plot maker needs Debian's matplotlib; Node runs ONNX Runtime.
if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  echo "[single] installing python3-matplotlib" >&2
  "${sudo[@]}" apt-get install -y --no-install-recommends python3-matplotlib >&2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "[single] installing nodejs and npm" >&2
  "${sudo[@]}" apt-get install -y --no-install-recommends nodejs npm >&2
fi

"$root/tests/ort/ort_setup.sh" "$ort_dir"

cmake --build "$build" -j"$(nproc)" --target edgeflow edgeflow_bench_opencv edgeflow_bench_slices >&2

exec /usr/bin/python3 "$here/single_bench.py" --build "$build" --ort "$ort_dir/node_modules" "$@"
