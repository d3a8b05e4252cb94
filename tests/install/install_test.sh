#!/usr/bin/env bash
# The program as users install it: `cmake --install` into a prefix and
# `cpack -G DEB` from the build tree, each checked by running the installed
# program (--version, and a model through it); and a configure with
# -DEDGEFLOW_TESTS=OFF that must not look for GoogleTest.
#   install_test.sh SOURCE_DIR BUILD_DIR MODEL
set -euo pipefail
src=$1 build=$2 model=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
want=$("$build/edgeflow" --version)

# cmake --install
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
got=$("$tmp/prefix/bin/edgeflow" --version)
[ "$got" = "$want" ] || fail "installed --version '$got', built '$want'"
for f in share/edgeflow/hostfiles/pis.txt share/edgeflow/hostfiles/emulated/pimix.txtpb \
         share/doc/edgeflow/README.md share/doc/edgeflow/user-contract.md \
         share/doc/edgeflow/coverage.md; do
  [ -f "$tmp/prefix/$f" ] || fail "cmake --install left out $f"
done
OMP_WAIT_POLICY=passive "$tmp/prefix/bin/edgeflow" "$model" --quiet > "$tmp/run.log" 2>&1 ||
  { cat "$tmp/run.log"; fail "the installed program did not run $model"; }

# cpack -G DEB
(cd "$build" && cpack -G DEB -B "$tmp/deb" > "$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$tmp/deb"/edgeflow_*.deb)
dpkg-deb --info "$deb" > "$tmp/info.txt"
for dep in openmpi-bin libopenmpi libdnnl libprotobuf libonnx libopencv; do
  grep -q "Depends:.*$dep" "$tmp/info.txt" || { cat "$tmp/info.txt"; fail "the .deb does not depend on $dep"; }
done
dpkg-deb -x "$deb" "$tmp/root"
got=$("$tmp/root/usr/bin/edgeflow" --version)
[ "$got" = "$want" ] || fail "the .deb's --version '$got', built '$want'"
[ -f "$tmp/root/usr/share/edgeflow/hostfiles/emulated/homo4.txtpb" ] || fail ".deb without hostfiles"

# The program alone needs no GoogleTest.
cmake -S "$src" -B "$tmp/notests" -DEDGEFLOW_TESTS=OFF -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON \
  > "$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; fail "configure with -DEDGEFLOW_TESTS=OFF"; }
echo "ok: cmake --install, the .deb ($(basename "$deb"), $(du -k "$deb" | cut -f1) KB) and -DEDGEFLOW_TESTS=OFF"
