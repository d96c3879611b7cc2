#!/usr/bin/env bash
# Benchmarks (not part of npm test): builds, then runs bench/run.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build.sh >/dev/null
exec node bench/run.mjs "$@"
