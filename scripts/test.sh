#!/usr/bin/env bash
# Everything: the C++ style, ESLint, the generated contract's currency, native tests (ctest), the
# same under AddressSanitizer and UBSan, GMime's own test programs in WASM, the fuzzers for a
# bounded time, the TypeScript declarations (tsc), and the JS suites (Jest) against the WASM build, real Dovecot servers, real sockets and headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/build.sh

echo "== C++ style (clang-format)"
scripts/check-style.sh

echo "== JS lint (ESLint)"
npx eslint .

echo "== cross-language contract is current"
node scripts/generate-contract.mjs --check

echo "== native tests (ctest)"
ctest --test-dir build/native --output-on-failure -j2

echo "== native tests under ASan + UBSan"
cmake -S . -B build/native-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOP3_SANITIZE=ON >/dev/null
ninja -C build/native-asan pop3_native_tests >/dev/null
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  build/native-asan/tests/native/pop3_native_tests --gtest_brief=1

echo "== GMime's own test programs, in WASM"
scripts/run-gmime-wasm-tests.sh

echo "== fuzzers (bounded; npm run fuzz runs them long)"
scripts/fuzz.sh "${FUZZ_SECONDS:-15}"

echo "== TypeScript declarations (tsc)"
npx tsc -p tests/types/tsconfig.json

echo "== JS tests (Jest)"
NODE_OPTIONS=--experimental-vm-modules npx jest --ci "$@"
