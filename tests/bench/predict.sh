#!/usr/bin/env bash
# ./run.sh bench predict [--quick]: the default partitioner's predicted
# latency beside the measured one, every zoo model at np = 2 and 4 (see
# predict_bench.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/predict_bench.py" "$@"
