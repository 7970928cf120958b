#!/usr/bin/env bash
# Counts the instructions each bench routine executes per element, under
# callgrind. Unlike times, the counts do not change with the load of a
# shared machine, so their ratios are a steady check on the timed ones.
#
# Usage: benches/instructions.sh [bench:routine ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

routines=("$@")
if [ ${#routines[@]} -eq 0 ]; then
    routines=(
        grading:columns grading:structs grading:sqlite_rows grading:sqlite_counts
        process:gated process:ungated_event process:unchecked
        replay:replay replay:append_only replay:cycle_replay
        replay:cycle_replay_from_copy replay:cycle_append_only
        import:csv_records import:import_csv
        portfolio_ffi:load_rust portfolio_ffi:load_c_abi portfolio_ffi:load_rust_reader
    )
fi

# The bench executables, by bench name.
declare -A executable
while read -r name path; do
    executable[$name]=$path
done < <(cargo bench --no-run --message-format=json 2>/dev/null |
    grep '"kind":\["bench"\]' |
    sed -n 's/.*"target":{[^}]*"name":"\([^"]*\)".*"executable":"\([^"]*\)".*/\1 \2/p')

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-28s %14s %10s %14s\n' routine instructions elements per_element
for pair in "${routines[@]}"; do
    bench=${pair%%:*}
    routine=${pair#*:}
    log="$out/$bench.$routine"
    if [ -z "${executable[$bench]:-}" ]; then
        echo "instructions.sh: no bench named $bench (does it build?)" >&2
        exit 1
    fi
    # A routine that fails (a panic, a refused input) stops the script and
    # shows why, instead of leaving a gap in the table.
    if ! BENCH_ONE_PASS=$routine valgrind --tool=callgrind \
        --callgrind-out-file="$out/callgrind.out" \
        --toggle-collect='*support::measured*' \
        "${executable[$bench]}" >"$log.stdout" 2>"$log.stderr"; then
        echo "instructions.sh: $pair failed:" >&2
        tail -n 20 "$log.stderr" >&2
        exit 1
    fi
    collected=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log.stderr")
    elements=$(sed -n 's/^elements: \([0-9]*\)$/\1/p' "$log.stdout")
    if [ -z "$collected" ] || [ -z "$elements" ] || [ "$elements" -eq 0 ]; then
        echo "instructions.sh: $pair counted nothing (no measured pass or no elements)" >&2
        tail -n 20 "$log.stdout" "$log.stderr" >&2
        exit 1
    fi
    printf '%-28s %14s %10s %14.1f\n' "$pair" "$collected" "$elements" \
        "$(awk -v c="$collected" -v e="$elements" 'BEGIN { print c / e }')"
done
