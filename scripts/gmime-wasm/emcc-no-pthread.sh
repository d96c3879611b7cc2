#!/usr/bin/env bash
# Compiler wrapper used by GLib's meson build: `emcc-no-pthread.sh emcc|em++ ARGS...`.
#
# Drops two kinds of flags that meson adds and that the cross file cannot switch off:
#  - `-pthread` (and, at link time, -sPTHREAD_POOL_SIZE=N): meson's Emscripten compiler
#    class turns dependency('threads') into them. With -pthread, Emscripten compiles with
#    atomics and bulk memory and links the threaded runtime (SharedArrayBuffer + workers);
#    the MIME module is single-threaded.
#  - `-fPIC`: GLib declares three internal static libraries (libcharset, gnulib, xdgmime)
#    with `pic: true`, which -Db_staticpic=false does not override. PIC code in a
#    non-relocatable WASM link reaches data through GOT globals instead of constants.
#
# Verified by: build-gmime-wasm.sh scans every installed archive and fails if an object's
# wasm target_features section says "+atomics" (what -pthread compiles to) or if an object
# imports from "GOT.mem"/"GOT.func" (what -fPIC compiles to). That meson really asks for
# both is visible in GLib's build.ninja (the wrapper filters only when it runs the compiler).
set -euo pipefail
compiler="$1"
shift
args=()
for a in "$@"; do
  case "$a" in
    -pthread|-sUSE_PTHREADS|-sUSE_PTHREADS=1|-sPTHREAD_POOL_SIZE=*|-fPIC|-fpic) ;;
    *) args+=("$a") ;;
  esac
done
exec "$compiler" ${args[@]+"${args[@]}"}
