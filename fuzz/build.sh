#!/usr/bin/env bash
# Builds every fuzz target with libFuzzer, coverage instrumentation,
# AddressSanitizer, debug assertions and overflow checks: the flags
# `cargo fuzz build` uses. Works on the stable toolchain (RUSTC_BOOTSTRAP
# enables the one unstable flag, -Zsanitizer), so `cargo fuzz` need not be
# installed; with it, `cargo fuzz run TARGET` works the same.
#   fuzz/build.sh            build every target
#   SANITIZER=none fuzz/build.sh   without AddressSanitizer
set -euo pipefail
cd "$(dirname "$0")"
triple="$(rustc -vV | sed -n 's/^host: //p')"
flags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
flags="$flags -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
flags="$flags -Cllvm-args=-sanitizer-coverage-pc-table"
flags="$flags -Cllvm-args=-sanitizer-coverage-trace-compares"
flags="$flags --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
if [ "${SANITIZER:-address}" = address ]; then
  flags="$flags -Zsanitizer=address"
fi
# The fuzz targets only: make_corpus has no libFuzzer to give it the
# coverage callbacks, which without AddressSanitizer nothing else defines.
bins=()
for target in $(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v -e '^techsales-fuzz$' -e '^make_corpus$'); do
  bins+=(--bin "$target")
done
# The target triple keeps these flags off build scripts and proc macros.
RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags" cargo build --release --locked --target "$triple" "${bins[@]}"
echo "target/$triple/release"
