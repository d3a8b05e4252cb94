#!/usr/bin/env bash
# ./run.sh bench soak [options]: 10,000 requests, 8 in flight, np = 4: none
# lost or duplicated, every rank's memory flat (see soak_bench.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/soak_bench.py" "$@"
