#!/usr/bin/env bash
# Every tiny op model of models/tiny/manifest.txt through run_case.sh at NP
# ranks with the given partitioner options; reports each failure by name.
#   run_tiny_models.sh EDGEFLOW NP MODELS_DIR [edgeflow options...]
set -uo pipefail
edgeflow=$1 np=$2 dir=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
manifest="$dir/manifest.txt"
[ -f "$manifest" ] || { echo "missing $manifest (run ./run.sh test, which exports it)"; exit 1; }
failed=()
count=0
while read -r name; do
  [ -n "$name" ] || continue
  count=$((count + 1))
  # stdin from /dev/null: mpirun reads its stdin, which would swallow the manifest
  if ! out=$("$here/run_case.sh" "$edgeflow" "$np" "$dir/$name.onnx" --input "$dir/$name.input.npy" "$@" 2>&1 < /dev/null); then
    echo "--- $name"; echo "$out" | tail -5; failed+=("$name")
  fi
done < "$manifest"
echo "$count tiny models at np=$np: ${#failed[@]} failed ${failed[*]:-}"
[ "${#failed[@]}" -eq 0 ]
