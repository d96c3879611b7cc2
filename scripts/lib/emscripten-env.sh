#!/usr/bin/env bash
# Environment for Debian's Emscripten (3.1.6), shared by every WASM build script.
# - NODE_PATH: Emscripten's JS optimizer needs Debian's acorn from /usr/share/nodejs.
# - EM_CACHE: a private copy of Debian's prebuilt cache, so builds never write into /usr/share.
set -euo pipefail

POP3_WASM_CACHE="${POP3_WASM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pop3-wasm}"
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
export EM_CACHE="$POP3_WASM_CACHE/emcache"
if [ ! -d "$EM_CACHE" ]; then
  mkdir -p "$POP3_WASM_CACHE"
  cp -r /usr/share/emscripten/cache "$EM_CACHE.tmp.$$"
  mv "$EM_CACHE.tmp.$$" "$EM_CACHE"
fi
