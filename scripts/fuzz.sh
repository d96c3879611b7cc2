#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, the libraries under test instrumented for
# coverage) and runs each, starting from the committed seeds (fuzz/corpus/<target>) plus the
# corpus grown by earlier runs (build/fuzz/corpus/<target>), after replaying every saved failure
# in fuzz/regressions/<target>.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     each target for SECONDS (default 20): npm test
#   scripts/fuzz.sh --runs N [TARGET...]      each target for N executions
#   scripts/fuzz.sh --fork --runs N [...]     the same in libFuzzer's fork mode, one job per core
#                                             sharing one corpus: npm run fuzz (10M each)
# Without --fork, two invocations with different targets can run side by side (one per core).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=(-max_total_time=20)
what="20s"
mode=()
if [ "${1:-}" = "--fork" ]; then
  # Jobs are separate processes; the parent merges what they find into the corpus, counts their
  # executions and stops at -runs. Needed for MIME: one process does ~1,200 executions a second.
  mode=(-fork="$(nproc)")
  shift
fi
if [ "${1:-}" = "--runs" ]; then
  limit=(-runs="$2")
  what="$2 executions"
  shift 2
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  limit=(-max_total_time="$1")
  what="${1}s"
  shift
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(session_fuzzer parsers_fuzzer sasl_fuzzer sync_planner_fuzzer mime_fuzzer charset_fuzzer)

CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DPOP3_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build/fuzz "${targets[@]}" >/dev/null
status=0
for target in "${targets[@]}"; do
  binary="build/fuzz/fuzz/$target"
  work="build/fuzz/corpus/$target"
  mkdir -p "$work" "build/fuzz/crashes/$target"
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
    "$binary" fuzz/regressions/"$target"/* >/dev/null 2>&1 || { echo "$target: a saved regression input fails again" >&2; status=1; }
  fi
  log="build/fuzz/$target.log"
  start=$SECONDS
  if "$binary" "${mode[@]}" "${limit[@]}" -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$target/" \
      "$work" "fuzz/corpus/$target" >"$log" 2>&1; then
    if [ ${#mode[@]} -eq 0 ]; then
      runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
      rss="$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")"
      echo "$target: clean, $runs executions in $((SECONDS - start))s ($what asked; peak RSS ${rss} MB)"
    else  # the parent's last status line: "#RUNS: cov: ... oom/timeout/crash: 0/0/0 ..."
      status_line="$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)"
      runs="${status_line%%:*}"
      echo "$target: clean, ${runs#\#} executions in $((SECONDS - start))s, ${mode[0]#-} ($what asked; jobs' oom/timeout/crash: $(sed -n 's/.*oom\/timeout\/crash: \([0-9/]*\).*/\1/p' <<<"$status_line"))"
    fi
  else
    echo "$target: FAILED (see $log; the input is in build/fuzz/crashes/$target/)" >&2
    tail -n 30 "$log" >&2
    status=1
  fi
done
exit $status
