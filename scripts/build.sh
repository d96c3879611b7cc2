#!/usr/bin/env bash
# Builds the native core and tests (build/native) and the WASM module (bindings/js/wasm).
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/native

# OpenSSL and GMime for WASM: cached outside the tree, rebuilt only when their key changes
# (OpenSSL: minutes; GMime with zlib, pcre2 and GLib: about a quarter of an hour).
openssl_prefix="$(scripts/build-openssl-wasm.sh)"
gmime_prefix="$(scripts/build-gmime-wasm.sh)"
# shellcheck source=lib/emscripten-env.sh
source scripts/lib/emscripten-env.sh
emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DPOP3_OPENSSL_WASM_PREFIX="$openssl_prefix" -DPOP3_GMIME_WASM_PREFIX="$gmime_prefix" >/dev/null
ninja -C build/wasm
scripts/collect-licenses.sh "$openssl_prefix" "$gmime_prefix" bindings/js/wasm/licenses
