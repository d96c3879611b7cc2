#!/usr/bin/env bash
# Runs GMime's own test programs, built for WASM by build-gmime-wasm.sh, under node, plus
# probes of our workarounds and a check that Debian's gmime patch is in. One line per
# program; the last line is "N passed, N failed".
#
# Usage:
#   scripts/run-gmime-wasm-tests.sh [PREFIX]     (default: the prefix build-gmime-wasm.sh
#                                                 prints, building it first if needed)
# Environment:
#   GMIME_WASM_TEST_TIMEOUT   seconds per program (default 900)
#
# Exit status: 0 only if every program passed. A program passes when it exited by itself
# (no trap, no abort, no uncaught exception), printed at least one check, printed no GLib
# CRITICAL/WARNING and no message from the libffi stand-in, its exit status equals its
# number of failed checks, and every failed check is one of EXPECTED_FAILURES below with
# exactly the recorded failure message. An expected failure that passes, or is missing,
# fails the run too (the list must be kept exact). Nothing else is tolerated: in particular
# no decoding check may fail.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${1:-}"
if [ -z "$prefix" ]; then
  prefix="$("$here/build-gmime-wasm.sh" | tail -n 1)"
fi
tests_dir="$prefix/tests"
[ -d "$tests_dir" ] || { echo "no tests in $prefix (run scripts/build-gmime-wasm.sh)" >&2; exit 2; }
command -v node >/dev/null || { echo "node not found (apt-get install nodejs)" >&2; exit 2; }
timeout_s="${GMIME_WASM_TEST_TIMEOUT:-900}"

# GMime's automated test programs (tests/Makefile.am AUTOMATED_TESTS, crypto ones excluded).
PROGRAMS="test-iconv test-streams test-cat test-encodings test-filters test-headers
test-mime-part test-partial test-mbox test-autocrypt test-mime"

# Known encoder gaps of musl's iconv (scripts/gmime-wasm/README.md, "Expected failures"):
# program | check name as printed | the exact failure message the check prints (-vvv)
EXPECTED_FAILURES=(
  # test-iconv round-trips each sample: charset -> UTF-8 (passes: the message proves the
  # decode half ran), then UTF-8 -> charset: musl's iconv_open() refuses EUC-KR (and every
  # charset of type >= 0330: GB18030, GBK, GB2312, Big5, EUC-KR) as a target.
  "test-iconv|test #13: euc-kr to UTF-8|test #13 failed: could not open conversion for UTF-8 back to euc-kr"
  # test-filters encodes data/filters/japanese/utf-8 to ISO-2022-JP and compares bytes with
  # glibc's output: musl's stateless encoder wraps every character in its own ESC $ B ...
  # ESC ( B (8 bytes per character instead of 2 plus one switch per run). The output is valid
  # ISO-2022-JP (charset-check shows it decodes back exactly) but not byte-identical.
  "test-filters|GMimeFilterCharset (japanese utf-8 -> iso-2022-jp)|GMimeFilterCharset failed: stream lengths do not match: expected=1779; actual=6375"
)
# What charset-check must report about musl's encoders (README.md, "Charset support").
EXPECTED_ENCODERS="EUC-KR: none
ISO-2022-JP: differs-roundtrips
Shift_JIS: exact
EUC-JP: exact
Big5: none
GB2312: none
GBK: none
GB18030: none
KOI8-R: exact
windows-1251: exact"

FFI_MARKER="libffi stand-in: ffi_call reached"
# Emscripten's runtime prints these when a program traps, aborts or throws.
CRASH_PATTERN='RuntimeError|exiting due to exception|Aborted\(|^Uncaught exception|Assertion failed'

scratch="$(mktemp -d "${TMPDIR:-/tmp}/gmime-wasm-tests.XXXXXX")"
keep_scratch=0
cleanup() { if [ "$keep_scratch" = 0 ]; then rm -rf "$scratch"; fi; }
trap cleanup EXIT

passed=0
failed=0
report() {   # report PASS|FAIL NAME DETAIL
  printf '%-4s %-16s %s\n' "$1" "$2" "$3"
  if [ "$1" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); keep_scratch=1; fi
}

# run_program NAME ARGS... -> sets rc, out (output file, stdout+stderr) and dir (its cwd)
run_program() {
  local name="$1"
  shift
  dir="$scratch/$name"
  out="$scratch/$name.out"
  mkdir -p "$dir"
  cp -r "$tests_dir/data" "$dir/data"   # a fresh copy: some tests write into data/
  rc=0
  (cd "$dir" && timeout "$timeout_s" node "$tests_dir/$name.js" "$@") > "$out" 2>&1 || rc=$?
}

# common_problems: prints why the output in $out is not clean, if it is not.
common_problems() {
  local p=""
  grep -qF "$FFI_MARKER" "$out" && p="$p libffi stand-in reached;"
  grep -qE "$CRASH_PATTERN" "$out" && p="$p crashed ($(grep -m1 -oE "$CRASH_PATTERN" "$out"));"
  grep -qE -- '-(CRITICAL|WARNING) \*\*' "$out" && p="$p GLib $(grep -m1 -oE -- '[A-Za-z-]+-(CRITICAL|WARNING)' "$out");"
  [ "$rc" = 124 ] && p="$p timed out after ${timeout_s}s;"
  printf '%s' "$p"
}

# --- GMime's test programs -----------------------------------------------------------------
for prog in $PROGRAMS; do
  if [ ! -f "$tests_dir/$prog.js" ]; then
    report FAIL "$prog" "not built ($tests_dir/$prog.js missing)"
    continue
  fi
  run_program "$prog" -vvv
  problems="$(common_problems)"
  n_pass="$(grep -cE '\.\.\. PASSED$' "$out" || true)"
  n_warn="$(grep -cE '\.\.\. WARNING$' "$out" || true)"
  n_fail=0
  xfail_notes=""
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    n_fail=$((n_fail + 1))
    check="${line#Checking }"; check="${check%... FAILED}"
    matched=0
    for entry in "${EXPECTED_FAILURES[@]}"; do
      IFS='|' read -r e_prog e_check e_msg <<< "$entry"
      if [ "$e_prog" = "$prog" ] && [ "$e_check" = "$check" ]; then
        if grep -qxF -- "$e_msg" "$out"; then
          matched=1
          xfail_notes="$xfail_notes; expected failure: $check"
        else
          problems="$problems expected failure '$check' failed with another message;"
          matched=2
        fi
      fi
    done
    [ "$matched" = 0 ] && problems="$problems unexpected failure: $check;"
  done < <(grep -E '^Checking .*\.\.\. FAILED$' "$out" || true)
  for entry in "${EXPECTED_FAILURES[@]}"; do
    IFS='|' read -r e_prog e_check e_msg <<< "$entry"
    [ "$e_prog" = "$prog" ] || continue
    if grep -qxF -- "Checking $e_check... PASSED" "$out"; then
      problems="$problems expected failure now passes (update the list): $e_check;"
    elif ! grep -qxF -- "Checking $e_check... FAILED" "$out"; then
      problems="$problems expected failure not run: $e_check;"
    fi
  done
  [ $((n_pass + n_warn + n_fail)) -gt 0 ] || problems="$problems no checks ran;"
  [ "$rc" = "$n_fail" ] || problems="$problems exit status $rc for $n_fail failed checks;"
  summary="$n_pass passed"
  [ "$n_warn" = 0 ] || summary="$summary, $n_warn warnings"
  if [ -z "$problems" ]; then
    report PASS "$prog" "$summary$xfail_notes"
  else
    report FAIL "$prog" "$summary;$problems (output: $out)"
  fi
done

# --- charset-check: decoding of the charsets musl cannot encode ---------------------------
if [ -f "$tests_dir/charset-check.js" ]; then
  run_program charset-check
  problems="$(common_problems)"
  n_pass="$(grep -cE '\.\.\. PASSED$' "$out" || true)"
  n_fail="$(grep -cE '\.\.\. FAILED$' "$out" || true)"
  [ "$n_fail" = 0 ] || problems="$problems decoding failed: $(grep -E '\.\.\. FAILED$' "$out" | sed 's/^Checking //; s/\.\.\. FAILED$//' | paste -sd, -);"
  [ "$n_pass" -gt 0 ] || problems="$problems no checks ran;"
  [ "$rc" = "$n_fail" ] || problems="$problems exit status $rc;"
  encoders="$(grep -E '^Encoder ' "$out" | sed -E 's/^Encoder //; s/ \(.*\)$//' || true)"
  if [ "$encoders" != "$EXPECTED_ENCODERS" ]; then
    problems="$problems encoder support changed: $(diff <(echo "$EXPECTED_ENCODERS") <(echo "$encoders") | grep '^[<>]' | paste -sd' ' -);"
  fi
  gaps="$(printf '%s\n' "$encoders" | grep -vE ': exact$' | paste -sd, - | sed 's/,/, /g')"
  if [ -z "$problems" ]; then
    report PASS charset-check "$n_pass decoding checks passed; musl encoders: $gaps"
  else
    report FAIL charset-check "$n_pass passed;$problems (output: $out)"
  fi
else
  report FAIL charset-check "not built"
fi

# --- ffi-tripwire: the libffi stand-in must abort loudly when reached ----------------------
if [ -f "$tests_dir/ffi-tripwire.js" ]; then
  run_program ffi-tripwire
  if grep -q '^handler ran' "$out"; then
    report FAIL ffi-tripwire "the generic marshaller ran a handler: a real libffi is linked? (output: $out)"
  elif [ "$rc" != 0 ] && grep -qF "$FFI_MARKER" "$out"; then
    report PASS ffi-tripwire "ffi_call aborts loudly (exit $rc); no GMime test reached it"
  else
    report FAIL ffi-tripwire "exit $rc without the stand-in's message (output: $out)"
  fi
else
  report FAIL ffi-tripwire "not built"
fi

# --- debian-patch-check: Debian's gmime patches are in (not upstream's behaviour) ---------
# Today one patch, 0001-Avoid-clearing-a-header-list-if-it-is-being-appended.patch: two From
# fields give both addresses, as in Debian's native libgmime (upstream 3.2.13 keeps the last).
if [ -f "$tests_dir/debian-patch-check.js" ]; then
  run_program debian-patch-check
  problems="$(common_problems)"
  n_pass="$(grep -cE '\.\.\. PASSED$' "$out" || true)"
  n_fail="$(grep -cE '\.\.\. FAILED$' "$out" || true)"
  [ "$n_fail" = 0 ] || problems="$problems failed: $(grep -E '\.\.\. FAILED$' "$out" | sed 's/^Checking //; s/\.\.\. FAILED$//' | paste -sd, -);"
  [ "$n_pass" = 2 ] || problems="$problems $n_pass of 2 checks passed;"
  [ "$rc" = "$n_fail" ] || problems="$problems exit status $rc;"
  if [ -z "$problems" ]; then
    report PASS debian-patch-check "$n_pass passed (gmime 0001: both From addresses kept)"
  else
    report FAIL debian-patch-check "$problems (output: $out)"
  fi
else
  report FAIL debian-patch-check "not built"
fi

# --- size-probe: the MIME module's link shape (web ES module, no FS) loads and parses -----
if [ -f "$tests_dir/size-probe.mjs" ]; then
  msg="$scratch/multipart.eml"
  # multipart/mixed { multipart/alternative { text/plain, text/html }, attachment }, with an
  # RFC 2047 subject: 5 parts, 3 of them leaves.
  printf '%s\r\n' 'From: Alice <alice@example.org>' 'To: bob@example.org' \
    'Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgV0FTTQ==?=' 'MIME-Version: 1.0' \
    'Content-Type: multipart/mixed; boundary="outer"' '' \
    '--outer' 'Content-Type: multipart/alternative; boundary="inner"' '' \
    '--inner' 'Content-Type: text/plain; charset=utf-8' '' 'Hello' \
    '--inner' 'Content-Type: text/html; charset=utf-8' '' '<p>Hello</p>' '--inner--' \
    '--outer' 'Content-Type: application/octet-stream; name="a.bin"' \
    'Content-Transfer-Encoding: base64' 'Content-Disposition: attachment; filename="a.bin"' '' \
    'AAECAwQ=' '--outer--' > "$msg"
  out="$scratch/size-probe.out"
  rc=0
  timeout "$timeout_s" node "$here/gmime-wasm/size-probe-run.mjs" "$tests_dir/size-probe.mjs" "$msg" \
    > "$out" 2>&1 || rc=$?
  expected="subject: Grüße aus WASM
parts: 5 (3 leaf parts)
mime_parse returned 5"
  raw="$(stat -c %s "$tests_dir/size-probe.wasm")"
  gz="$(gzip -9 -n -c "$tests_dir/size-probe.wasm" | wc -c)"
  if [ "$rc" = 0 ] && [ "$(cat "$out")" = "$expected" ]; then
    report PASS size-probe "parsed subject + 5 parts; size-probe.wasm $raw bytes, $gz gzip -9"
  else
    report FAIL size-probe "exit $rc, unexpected output (output: $out)"
  fi
else
  report FAIL size-probe "not built"
fi

if [ "$failed" != 0 ]; then
  echo "outputs kept in $scratch" >&2
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
