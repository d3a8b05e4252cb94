#!/usr/bin/env bash
# Builds EdgeFlow with AddressSanitizer + UndefinedBehaviorSanitizer in
# build-asan/ (-DEDGEFLOW_SANITIZE=ON) and runs ctest there; any sanitizer
# report fails the test that produced it. Reports from code that is not ours
# (Open MPI, oneDNN, ...) are suppressed in tests/sanitize/*.supp, one reason
# per line.
#   tests/sanitize/run.sh [--build-only] [CTEST OPTIONS...]   (default: -L ci)
# e.g. tests/sanitize/run.sh -L ci -E '^mpi\.'    the unit tests (what CI runs)
# Environment: ASAN_BUILD_DIR (default build-asan), CTEST_TIMEOUT (default 1800).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
build="${ASAN_BUILD_DIR:-build-asan}"
here="$ROOT/tests/sanitize"

# Sanitizer settings for everything below (the build runs the unit test binary
# to list its tests). Ranks started by mpirun inherit them.
source "$here/env.sh"

build_only=0
if [[ $# -gt 0 && "$1" == --build-only ]]; then build_only=1; shift; fi
# -O1 with line tables only: what ASan's own docs advise, and half the compile
# time of -O2 -g (the sanitizer build is the longest phase of CI).
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGEFLOW_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" >/dev/null
cmake --build "$build" -j"$(nproc)"
((build_only)) && exit 0

[[ $# -gt 0 ]] || set -- -L ci
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_WAIT_POLICY=passive
# Unit tests share nothing and start no ranks, so they run one per core; a
# caller that passes multi-rank tests passes -j1 after these options.
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout "${CTEST_TIMEOUT:-1800}" "$@"
