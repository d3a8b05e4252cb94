#!/usr/bin/env bash
# ./run.sh bench cluster [--quick] [options]: every partitioning policy on the
# emulated clusters (hostfiles/emulated/), side by side in one session; a
# markdown table, PNG plots and the raw records under build/bench-cluster/.
# See cluster_bench.py --help.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The plots need Debian's matplotlib; without it the table is still written.
if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "[cluster.sh] installing python3-matplotlib for the plots" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-matplotlib \
      >/dev/null 2>&1 || echo "[cluster.sh] could not install python3-matplotlib: no plots" >&2
  fi
fi
exec /usr/bin/python3 "$here/cluster_bench.py" "$@"
