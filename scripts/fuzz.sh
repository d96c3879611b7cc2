#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, the libraries under test instrumented for
# coverage) and runs each, starting from the committed seeds (fuzz/corpus/<target>) plus the
# corpus grown by earlier runs (build/fuzz/corpus/<target>), after replaying every saved failure
# in fuzz/regressions/<target>.
#   scripts/fuzz.sh [SECONDS] [TARGET...]        each target for SECONDS (default 20): npm test
#   scripts/fuzz.sh --runs N [TARGET...]         each target for N executions
#   scripts/fuzz.sh --parallel --runs N [...]    one worker per core, N executions between them
#                                                (N / cores each), sharing one corpus: npm run fuzz
# Without --parallel, two invocations with different targets can run side by side (one per core).
set -euo pipefail
cd "$(dirname "$0")/.."
workers=1
if [ "${1:-}" = "--parallel" ]; then
  # Independent processes on one corpus directory: libFuzzer rereads it, so each worker picks up
  # what the others found. Needed for MIME, where one process does ~1,300 executions a second.
  # (libFuzzer's -fork mode did only ~725 per core here: each job first re-runs a corpus slice.)
  workers="$(nproc)"
  shift
fi
limit=(-max_total_time=20)
what="20s"
if [ "${1:-}" = "--runs" ]; then
  limit=(-runs="$(( ($2 + workers - 1) / workers ))")
  what="$2 executions"
  shift 2
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  limit=(-max_total_time="$1")
  what="${1}s"
  shift
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(session_fuzzer server_session_fuzzer parsers_fuzzer sasl_fuzzer sync_planner_fuzzer mime_fuzzer charset_fuzzer)

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
  start=$SECONDS
  logs=() pids=()
  for ((w = 0; w < workers; w++)); do
    logs+=("build/fuzz/$target.$w.log")
    "$binary" "${limit[@]}" -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$target/" \
      "$work" "fuzz/corpus/$target" >"${logs[w]}" 2>&1 &
    pids+=($!)
  done
  failed=()
  for ((w = 0; w < workers; w++)); do
    wait "${pids[w]}" || failed+=("${logs[w]}")
  done
  if [ ${#failed[@]} -eq 0 ]; then
    runs="$(awk '/^stat::number_of_executed_units:/ { n += $2 } END { print n }' "${logs[@]}")"
    rss="$(awk '/^stat::peak_rss_mb:/ && $2 > m { m = $2 } END { print m }' "${logs[@]}")"
    echo "$target: clean, $runs executions in $((SECONDS - start))s by $workers worker(s) ($what asked; peak RSS ${rss} MB per worker)"
  else
    echo "$target: FAILED (see ${failed[*]}; the input is in build/fuzz/crashes/$target/)" >&2
    tail -n 30 "${failed[0]}" >&2
    status=1
  fi
done
exit $status
