#!/usr/bin/env bash
# EdgeFlow: the user's entry point. See ./run.sh --help and docs/user-contract.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

PY=/usr/bin/python3            # Debian's python3 (has python3-torch); not a venv/pyenv one
BUILD_DIR=build
ZOO_DIR=models/zoo
TINY_DIR=models/tiny
NPROC="$(nproc 2>/dev/null || echo 1)"
DEFAULT_MODEL=googlenet
# ctest names of the tests that run the whole program (the rest are unit tests).
NOT_UNIT_TESTS='^(mpi\.|bad_input|batch\.)'
# Unit tests the ASan + UBSan pass leaves to the Release one, for CI's time:
# the whole-model tests of the two transformers (17 and 4.5 GFLOP a run at
# -O1 under ASan). Their kernels run under ASan in the kernel and tiny-model tests.
NOT_UNDER_ASAN='^Zoo/Zoo[A-Za-z]+\.[A-Za-z0-9]+/(vit_b_16|swin_t)$'

APT_PACKAGES=(
  build-essential cmake pkg-config
  libopenmpi-dev openmpi-bin
  libprotobuf-dev protobuf-compiler
  liblpsolve55-dev libopencv-dev libdnnl-dev ocl-icd-opencl-dev
  libgtest-dev libgmock-dev libonnx-dev zlib1g-dev
  python3-torch python3-torchvision python3-onnx python3-numpy
)

usage() {
  cat <<EOF
Usage:
  ./run.sh [run [MODEL] [EDGEFLOW OPTIONS...]]
      Set up (packages, build, models), then run MODEL (default: $DEFAULT_MODEL) on
      NP ranks (default 4) with its test input:
        mpirun --oversubscribe -np 4 build/edgeflow models/zoo/$DEFAULT_MODEL.onnx \\
               --input models/zoo/$DEFAULT_MODEL.input.npy --repeat 5 --verify [OPTIONS...]
      MODEL is a zoo name (resnet18, resnet50, googlenet, inception_v3, densenet121,
      mobilenet_v2, squeezenet1_1, vgg16, fcn_resnet50, mobilenet_v3_small, unet_small,
      convnext_tiny, shufflenet_v2_x1_0, vit_b_16, swin_t) or a path to an .onnx file
      (its NAME.input.npy beside it is the default input). Options are appended;
      --input/-i and --repeat given here replace the defaults.
  ./run.sh test [full] [CTEST OPTIONS...]
      Set up, then run the CI test tier (ctest -L ci), or with 'full' every tier
      (ctest -L 'ci|full'); then the unit tests of that tier again in an ASan + UBSan
      build (build-asan/, tests/sanitize/run.sh). Extra options go to ctest (e.g.
      -R tiny) and skip the sanitizer pass.
  ./run.sh bench SUITE [--quick] [ARGS...]
      Set up, then run tests/bench/SUITE.sh.
  ./run.sh setup
      Only the set-up step.
  ./run.sh --help

Environment:
  NP=N            ranks for 'run' (default 4)
  HOSTFILE=FILE   mpirun --hostfile for 'run' (e.g. hostfiles/pis.txt)
  CTEST_TIMEOUT=S default per-test timeout for 'test' (default 1800)
  SANITIZE=0      'test' skips the ASan + UBSan pass

The set-up step installs missing Debian packages (apt-get; sudo when not root), configures
and builds Release into $BUILD_DIR/, and exports the test models into $ZOO_DIR/ and
$TINY_DIR/ when they are missing. Phase headers and timings go to stderr.
EOF
}

# ---- phases ---------------------------------------------------------------------------------
PHASE_NAME=""
PHASE_T0=0
now_ms() { echo $(($(date +%s%N) / 1000000)); }
phase() {   # phase NAME: ends the previous phase (if any), starts a new one
  phase_end
  PHASE_NAME="$1"
  PHASE_T0="$(now_ms)"
  echo "[run.sh] == $PHASE_NAME" >&2
}
phase_end() {
  if [[ -n "$PHASE_NAME" ]]; then
    local ms=$(($(now_ms) - PHASE_T0))
    printf '[run.sh] == %s: done in %d.%01ds\n' "$PHASE_NAME" $((ms / 1000)) $((ms % 1000 / 100)) >&2
    PHASE_NAME=""
  fi
}
die() { echo "run.sh: error: $*" >&2; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# ---- set-up ---------------------------------------------------------------------------------
install_packages() {
  phase "packages"
  local missing=() p status
  for p in "${APT_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
  done
  # Node.js and npm run ONNX Runtime, the tiny models' second reference; a
  # Node.js that brings its own npm (not Debian's) is used as it is.
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if ((${#missing[@]} == 0)); then
    echo "[run.sh] all ${#APT_PACKAGES[@]} Debian packages present" >&2
    return
  fi
  echo "[run.sh] installing: ${missing[*]}" >&2
  local sudo=()
  if ! is_root; then
    command -v sudo >/dev/null || die "not root and no sudo: install ${missing[*]}"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
  phase "build"
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD_DIR" -j"$NPROC"
}

export_models() {
  phase "models"
  "$PY" models/export_zoo.py --out "$ZOO_DIR"
  "$PY" models/export_tiny.py --out "$TINY_DIR"
  # ONNX Runtime's outputs of the tiny models, a second reference for the tests.
  tests/ort/ort_setup.sh "$BUILD_DIR/ort"
  NODE_PATH="$BUILD_DIR/ort/node_modules" node tests/ort/ort_outputs.js "$TINY_DIR"
}

mpi_env() {
  if is_root; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
}

setup() {
  install_packages
  build
  export_models
  mpi_env
  phase_end
}

# ---- commands -------------------------------------------------------------------------------
has_flag() {   # has_flag FLAG... -- ARGS...: true if any ARG is FLAG or FLAG=...
  local flags=() a f
  while [[ $# -gt 0 && "$1" != "--" ]]; do flags+=("$1"); shift; done
  shift || true
  for a in "$@"; do
    for f in "${flags[@]}"; do
      [[ "$a" == "$f" || "$a" == "$f="* ]] && return 0
    done
  done
  return 1
}

cmd_run() {
  local model="$DEFAULT_MODEL"
  if [[ $# -gt 0 && "$1" != -* ]]; then model="$1"; shift; fi
  local onnx input=""
  if [[ "$model" == *.onnx ]]; then
    onnx="$model"
    [[ -f "${model%.onnx}.input.npy" ]] && input="${model%.onnx}.input.npy"
  else
    onnx="$ZOO_DIR/$model.onnx"
    input="$ZOO_DIR/$model.input.npy"
  fi
  setup
  [[ -f "$onnx" ]] || die "no model $onnx (zoo models: $("$PY" models/export_zoo.py --list | tr '\n' ' '))"

  local np="${NP:-4}"
  local args=("$onnx")
  if [[ -n "$input" ]] && ! has_flag --input -i -- "$@"; then args+=(--input "$input"); fi
  has_flag --repeat -- "$@" || args+=(--repeat 5)
  has_flag --verify -- "$@" || args+=(--verify)
  args+=("$@")

  local mpi=(mpirun --oversubscribe -np "$np")
  is_root && mpi+=(--allow-run-as-root)
  [[ -n "${HOSTFILE:-}" ]] && mpi+=(--hostfile "$HOSTFILE")
  # Oversubscribed: one thread per rank, and OpenMP threads that sleep at
  # once when idle. Otherwise OpenMP's default waits (spin, then sleep): with
  # passive waits every kernel pays for waking its threads (mobilenet_v2 at
  # 2 threads: 5.9 ms passive, 2.9 ms default; ./run.sh bench single).
  if ((np > NPROC)); then
    export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
    export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
  fi
  [[ -n "${OMP_NUM_THREADS:-}" ]] && mpi+=(-x OMP_NUM_THREADS)
  [[ -n "${OMP_WAIT_POLICY:-}" ]] && mpi+=(-x OMP_WAIT_POLICY)

  phase "run ($model, np=$np)"
  echo "[run.sh] ${mpi[*]} $BUILD_DIR/edgeflow ${args[*]}" >&2
  local rc=0
  "${mpi[@]}" "$BUILD_DIR/edgeflow" "${args[@]}" || rc=$?
  phase_end
  return "$rc"
}

cmd_test() {
  local label=ci
  if [[ $# -gt 0 && "$1" == full ]]; then label='ci|full'; shift; fi
  setup
  phase "test (-L '$label')"
  local rc=0
  ctest --test-dir "$BUILD_DIR" -L "$label" --output-on-failure -j1 \
    --timeout "${CTEST_TIMEOUT:-1800}" "$@" || rc=$?
  phase_end
  # The unit tests again under ASan + UBSan (build-asan/): a memory error
  # that happens to give the right numbers still fails. SANITIZE=0 skips it.
  if [[ "${SANITIZE:-1}" != 0 && $# -eq 0 ]]; then
    phase "unit tests under ASan + UBSan"
    tests/sanitize/run.sh -L "$label" -E "$NOT_UNIT_TESTS|$NOT_UNDER_ASAN" || rc=$?
    phase_end
  fi
  return "$rc"
}

cmd_bench() {
  [[ $# -gt 0 ]] || die "usage: ./run.sh bench SUITE [--quick] (suites: $(list_suites))"
  local suite="$1"; shift
  local script="tests/bench/$suite.sh"
  [[ -f "$script" ]] || die "no benchmark suite '$suite' ($script not found; suites: $(list_suites))"
  setup
  phase "bench $suite"
  local rc=0
  bash "$script" "$@" || rc=$?
  phase_end
  return "$rc"
}

list_suites() {
  local s out=()
  for s in tests/bench/*.sh; do [[ -f "$s" ]] && out+=("$(basename "$s" .sh)"); done
  ((${#out[@]})) && echo "${out[*]}" || echo "none"
}

main() {
  local cmd="${1:-run}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    -h|--help|help) usage ;;
    run) cmd_run "$@" ;;
    test) cmd_test "$@" ;;
    bench) cmd_bench "$@" ;;
    setup) setup ;;
    -*) cmd_run "$cmd" "$@" ;;   # ./run.sh --json out.jsonl ...: options for the default run
    *) echo "run.sh: error: unknown command '$cmd'" >&2; usage >&2; exit 1 ;;
  esac
}

main "$@"
