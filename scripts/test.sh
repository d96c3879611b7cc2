#!/usr/bin/env bash
# Everything: native tests (ctest), the TypeScript declarations (tsc), and the JS suites (Jest)
# against the WASM build, real Dovecot servers and real sockets.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/build.sh

echo "== native tests (ctest)"
ctest --test-dir build/native --output-on-failure -j2

echo "== TypeScript declarations (tsc)"
npx tsc -p tests/types/tsconfig.json

echo "== JS tests (Jest)"
NODE_OPTIONS=--experimental-vm-modules npx jest --ci "$@"
