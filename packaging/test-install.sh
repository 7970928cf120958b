#!/bin/sh
# Installs the C library under a scratch prefix, then builds and runs the
# CMake example (examples/cmake/) against the installed files only; checks
# the SONAME, the version links and the pkg-config file.
#
#   sh packaging/test-install.sh [SCRATCH_DIR]
set -eu
cd "$(dirname "$0")/.."
scratch=${1:-${CARGO_TARGET_DIR:-target}/install-test}
rm -rf "$scratch"
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
prefix=$scratch/prefix

sh packaging/install.sh --prefix "$prefix"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

fail() { echo "test-install: $*" >&2; exit 1; }
readelf -d "$prefix/lib/libtechsales.so.$version" | grep -q 'SONAME.*\[libtechsales\.so\.' \
  || fail "libtechsales.so.$version has no SONAME"
[ -L "$prefix/lib/libtechsales.so" ] || fail "no libtechsales.so link"
[ -f "$prefix/lib/libtechsales.a" ] || fail "no static library"
[ "$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --modversion techsales)" = "$version" ] \
  || fail "pkg-config does not find techsales $version"

cmake -S examples/cmake -B "$scratch/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$scratch/build" >/dev/null
out=$("$scratch/build/grade_one")
[ "$out" = "grade A, score 6.7" ] || fail "grade_one printed: $out"
readelf -d "$scratch/build/grade_one" | grep -q 'NEEDED.*libtechsales\.so\.' \
  || fail "grade_one does not link the versioned library"
echo "test-install: the CMake example built against $prefix and printed: $out"
