#!/bin/sh
# Installs the C library under a prefix: the header, the static library,
# the shared library with its SONAME and version links, and a pkg-config
# file written for that prefix.
#
#   sh packaging/install.sh [--prefix DIR] [--libdir DIR] [--destdir DIR]
#
# Defaults: --prefix /usr/local, --libdir PREFIX/lib. --destdir stages the
# files under another root (for packagers); the .pc file still names PREFIX.
#
# The SONAME is libtechsales.so.MAJOR.MINOR while the version is 0.x (a new
# minor version may break the interface), libtechsales.so.MAJOR after 1.0.
set -eu
cd "$(dirname "$0")/.."

prefix=/usr/local
libdir=
destdir=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --libdir) libdir=$2; shift 2 ;;
    --destdir) destdir=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
libdir=${libdir:-$prefix/lib}
includedir=$prefix/include

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
if [ "$major" = 0 ]; then soversion=$major.$minor; else soversion=$major; fi
soname=libtechsales.so.$soversion

# The library crate alone, with the SONAME linked in. Only the last step
# of the build differs from `cargo build --release`.
cargo rustc --release --quiet -p techsales --lib --crate-type cdylib --crate-type staticlib \
  -- -C "link-arg=-Wl,-soname,$soname"
built="${CARGO_TARGET_DIR:-target}/release"

install -d "$destdir$libdir/pkgconfig" "$destdir$includedir"
install -m 644 include/techsales.h "$destdir$includedir/techsales.h"
install -m 644 "$built/libtechsales.a" "$destdir$libdir/libtechsales.a"
install -m 755 "$built/libtechsales.so" "$destdir$libdir/libtechsales.so.$version"
ln -sf "libtechsales.so.$version" "$destdir$libdir/$soname"
ln -sf "$soname" "$destdir$libdir/libtechsales.so"
sed -e "s|@PREFIX@|$prefix|" -e "s|@LIBDIR@|$libdir|" -e "s|@INCLUDEDIR@|$includedir|" \
  -e "s|@VERSION@|$version|" packaging/techsales.pc.in >"$destdir$libdir/pkgconfig/techsales.pc"
echo "installed techsales $version ($soname) under $destdir$prefix"
