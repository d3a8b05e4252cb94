#!/usr/bin/env bash
# Ranks running different builds: rank 0's build and, on ranks 2-3, a copy of
# the program whose embedded commit is changed (same length, so the binary
# still runs). The job must refuse at set-up, naming a mismatched rank, its
# host and both builds, exit 1 from mpirun, and end within a bound.
#   build_mismatch.sh EDGEFLOW MODEL
set -uo pipefail
edgeflow=$1 model=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY=passive OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
commit=$("$edgeflow" --version | sed -n 's/.*(commit \([^,]*\),.*/\1/p')
[ -n "$commit" ] || { echo "FAIL: no commit in '$("$edgeflow" --version)'"; exit 1; }
other=$(printf '%s' "${commit:0:12}" | tr '0-9a-f' 'f0-9a-e')${commit:12}
/usr/bin/python3 - "$edgeflow" "$tmp/edgeflow" "$commit" "$other" <<'PY'
import sys
src, dst, old, new = sys.argv[1:]
data = open(src, "rb").read()
assert data.count(old.encode()) == 1, "the commit is not embedded once"
open(dst, "wb").write(data.replace(old.encode(), new.encode()))
PY
chmod +x "$tmp/edgeflow"
"$tmp/edgeflow" --version | grep -q "commit $other" || { echo "FAIL: patched copy"; exit 1; }
timeout 120 mpirun --oversubscribe --bind-to none -np 2 "$edgeflow" "$model" --threads 1 : \
  -np 2 "$tmp/edgeflow" "$model" --threads 1 > "$tmp/out.txt" 2>&1
rc=$?
cat "$tmp/out.txt"
[ "$rc" -eq 1 ] || { echo "FAIL: exit status $rc, expected 1"; exit 1; }
first=$(grep -m1 "edgeflow: error" "$tmp/out.txt")
echo "$first" | grep -q "rank 2 on host '.*' runs edgeflow .*(commit $other, .*), rank 0 on host '.*' runs .*(commit $commit, .*): install the same build on every host" ||
  { echo "FAIL: the error does not name the rank, host and builds: $first"; exit 1; }
echo "ok: mismatched builds refused at set-up"
