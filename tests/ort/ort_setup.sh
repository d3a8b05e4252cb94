#!/usr/bin/env bash
# Installs ONNX Runtime for Node (onnxruntime-node, whose package ships the CPU
# library) into DIR/node_modules, unless that version is there already; the
# tiny models' ONNX Runtime outputs (ort_outputs.js) and the single-device
# benchmark use it. Needs Debian's nodejs and npm (./run.sh setup installs
# them) and the npm registry.
#   tests/ort/ort_setup.sh DIR        (ORT_VERSION overrides the version)
set -euo pipefail
dir=$(realpath -m "${1:?usage: tests/ort/ort_setup.sh DIR}")
version="${ORT_VERSION:-1.30.0}"
command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "ort_setup: node and npm are missing (apt-get install nodejs npm)" >&2; exit 1; }
package="$dir/node_modules/onnxruntime-node/package.json"
if [[ -f "$package" ]] && [[ "$(node -p "require('$package').version")" == "$version" ]]; then
  exit 0
fi
# Its install script only fetches optional GPU parts from elsewhere: skipped.
echo "[ort_setup] npm install --ignore-scripts onnxruntime-node@$version into $dir" >&2
mkdir -p "$dir"
npm install --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error \
  "onnxruntime-node@$version" >&2 ||
  { echo "ort_setup: could not install onnxruntime-node@$version from the npm registry" >&2; exit 1; }
