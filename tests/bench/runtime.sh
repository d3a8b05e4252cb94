#!/usr/bin/env bash
# ./run.sh bench runtime [--quick]: runtime overhead and overlap on this
# machine, side by side in one run (see runtime_bench.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/runtime_bench.py" "$@"
