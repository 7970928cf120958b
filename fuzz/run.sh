#!/usr/bin/env bash
# A fuzzing campaign: every target in turn for SECONDS each (default 60),
# starting from the checked-in seeds in fuzz/corpus/TARGET. Prints the
# executions and findings of each target and the totals; exits non-zero
# when anything was found. Crashing inputs are kept in
# fuzz/artifacts/TARGET/; the corpus a run grows stays in
# fuzz/target/corpus/TARGET (not checked in).
#   fuzz/run.sh 600              ten minutes per target
#   TARGETS="portfolio" fuzz/run.sh 30
#   JOBS=2 fuzz/run.sh 60        two targets at once
#   SKIP_BUILD=1 fuzz/run.sh 60  the targets as last built
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
# SKIP_BUILD=1 runs the targets as last built.
if [ -n "${SKIP_BUILD:-}" ]; then
  bin_dir="target/$(rustc -vV | sed -n 's/^host: //p')/release"
else
  bin_dir="$(./build.sh | tail -n 1)"
fi
targets="${TARGETS:-$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v -e '^techsales-fuzz$' -e '^make_corpus$')}"
jobs="${JOBS:-1}"
mkdir -p target/logs
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"

run_one() {
  local target="$1"
  mkdir -p "target/corpus/$target" "artifacts/$target" "corpus/$target"
  # Inputs may grow to twice the largest seed (at least 4 KiB): room to
  # mutate every seed, without the slow runs of inputs far larger than any
  # document the seeds stand for. -rss_limit_mb keeps one input from
  # holding the machine.
  local largest max_len
  largest="$(find "corpus/$target" -type f -printf '%s\n' | sort -n | tail -n 1)"
  max_len=$((2 * ${largest:-0}))
  if [ "$max_len" -lt 4096 ]; then
    max_len=4096
  fi
  "$bin_dir/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$max_len" \
    -timeout=25 -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
    "target/corpus/$target" "corpus/$target" >"target/logs/$target.log" 2>&1 || true
}

pids=()
for target in $targets; do
  run_one "$target" &
  pids+=("$!")
  if [ "${#pids[@]}" -ge "$jobs" ]; then
    wait "${pids[0]}"
    pids=("${pids[@]:1}")
  fi
done
wait

total_runs=0
total_findings=0
printf '%-24s %14s %9s\n' target executions findings
for target in $targets; do
  log="target/logs/$target.log"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  runs="${runs:-0}"
  findings="$(find "artifacts/$target" -type f | wc -l)"
  if grep -q -e '^==[0-9]*==ERROR' -e 'panicked at' -e '^SUMMARY: ' "$log" && [ "$findings" -eq 0 ]; then
    findings=1
  fi
  printf '%-24s %14d %9d\n' "$target" "$runs" "$findings"
  total_runs=$((total_runs + runs))
  total_findings=$((total_findings + findings))
done
printf '%-24s %14d %9d\n' total "$total_runs" "$total_findings"
echo "$(date -u +%Y-%m-%dT%H:%MZ) $seconds s per target"
if [ "$total_findings" -ne 0 ]; then
  echo "findings: see fuzz/artifacts/ and fuzz/target/logs/" >&2
  exit 1
fi
