#!/usr/bin/env bash
# ./run.sh bench batch [--quick] [options]: images per second of a batch job
# against --inflight 1, 2, 4, 8 on the emulated pimix cluster, beside the
# bound the busiest rank allows (see batch_bench.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/batch_bench.py" "$@"
