#!/usr/bin/env bash
# The demo on its embedded default: no mail account needed. Arguments go to the demo server
# (web-demo/server/start.mjs), e.g. --allow pop.example.org:995.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build.sh >/dev/null
exec node web-demo/server/start.mjs "$@"
