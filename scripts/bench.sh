#!/usr/bin/env bash
# Benchmarks in full (npm test runs them in quick mode: tests/js/bench-quick.test.mjs): builds,
# then runs bench/run.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build.sh >/dev/null
exec node bench/run.mjs "$@"
