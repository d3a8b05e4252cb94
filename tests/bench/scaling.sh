#!/usr/bin/env bash
# ./run.sh bench scaling [--quick]: the predicted speedup of each plan kind
# against device count (2 to 64 equal synthetic devices, 1 Gbit/s and
# 100 Mbit/s), planned and simulated in one process, no MPI: records, a
# markdown table and scaling.png under build/bench-scaling/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/build/bench-scaling"
mkdir -p "$out"
models=(googlenet resnet50 vgg16)
devices=1,2,4,8,16,32,64
budget=10
if [[ "${1:-}" == --quick ]]; then models=(googlenet); devices=1,2,4,8,16; budget=3; shift; fi
[[ $# -eq 0 ]] || { echo "usage: ./run.sh bench scaling [--quick]" >&2; exit 2; }
args=()
for m in "${models[@]}"; do args+=(--model "$root/models/zoo/$m.onnx"); done
"$root/build/tests/bench/edgeflow_scaling_bench" "${args[@]}" --devices "$devices" \
  --bandwidths 1e9,1e8 --budget "$budget" | tee "$out/records.jsonl"
if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null && [[ "$(id -u)" -eq 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-matplotlib \
    >/dev/null 2>&1 || true
fi
/usr/bin/python3 "$here/scaling_plot.py" "$out/records.jsonl" "$out"
echo "[scaling.sh] $out/scaling.md"
