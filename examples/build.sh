#!/bin/sh
# Builds the C and C++ examples against include/techsales.h and a built
# library:
#
#   examples/build.sh [LIB_DIR [OUT_DIR]]
#
# LIB_DIR holds libtechsales.a and libtechsales.so (default target/debug,
# made by `cargo build`); OUT_DIR (default LIB_DIR/foreign-examples)
# receives crm_c, linked statically, and crm_cpp, linked dynamically with
# an rpath to LIB_DIR. CC and CXX choose the compilers.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$(cd "${1:-$root/target/debug}" && pwd)
out=${2:-$lib/foreign-examples}
mkdir -p "$out"

# What a Rust static library needs from the system
# (`cargo rustc -- --print native-static-libs`).
native="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

${CC:-cc} -std=c99 -Wall -Wextra -Werror -pedantic -g \
  -I "$root/include" "$root/examples/c/crm.c" \
  "$lib/libtechsales.a" $native -o "$out/crm_c"

${CXX:-c++} -std=c++17 -Wall -Wextra -Werror -pedantic -g \
  -I "$root/include" "$root/examples/cpp/crm.cpp" \
  -L "$lib" -ltechsales -Wl,-rpath,"$lib" -o "$out/crm_cpp"

echo "$out/crm_c"
echo "$out/crm_cpp"
