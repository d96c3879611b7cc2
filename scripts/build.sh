#!/usr/bin/env bash
# Builds the native core and tests (build/native) and the WASM module (bindings/js/wasm).
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/native

# shellcheck source=lib/emscripten-env.sh
source scripts/lib/emscripten-env.sh
if [ ! -f build/wasm/build.ninja ]; then
  emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C build/wasm
