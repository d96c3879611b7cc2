#!/usr/bin/env bash
# The demo on its embedded default: no mail account needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build.sh >/dev/null
exec node examples/local-dovecot-demo.mjs
