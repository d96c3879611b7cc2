#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for SECONDS (default 20),
# starting from the committed seeds (fuzz/corpus/<target>) plus the corpus grown by earlier runs
# (build/fuzz/corpus/<target>), after replaying every saved crash in fuzz/regressions/<target>.
#   scripts/fuzz.sh [SECONDS]          npm test runs it bounded; `npm run fuzz` runs it long
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DPOP3_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build/fuzz >/dev/null
status=0
for target in session_fuzzer parsers_fuzzer sasl_fuzzer sync_planner_fuzzer mime_fuzzer; do
  binary="build/fuzz/fuzz/$target"
  work="build/fuzz/corpus/$target"
  mkdir -p "$work" "build/fuzz/crashes/$target"
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
    "$binary" fuzz/regressions/"$target"/* >/dev/null 2>&1 || { echo "$target: a saved regression input fails again" >&2; status=1; }
  fi
  log="build/fuzz/$target.log"
  if "$binary" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$target/" \
      "$work" "fuzz/corpus/$target" >"$log" 2>&1; then
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    echo "$target: clean, $runs executions in ${seconds}s"
  else
    echo "$target: FAILED (see $log; the input is in build/fuzz/crashes/$target/)" >&2
    tail -n 30 "$log" >&2
    status=1
  fi
done
exit $status
