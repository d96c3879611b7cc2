#!/usr/bin/env bash
# Copies the licence texts of everything compiled into the two WASM modules next to them, so the
# npm package carries them (see THIRD-PARTY-NOTICES.md and docs/licensing.md).
# usage: scripts/collect-licenses.sh <openssl-prefix> <gmime-prefix> <output-dir>
set -euo pipefail
openssl_prefix="$1" gmime_prefix="$2" out="$3"

rm -rf "$out" && mkdir -p "$out"
copy() {  # copy <source file> <name below $out>
  [ -f "$1" ] || { echo "collect-licenses: missing $1" >&2; exit 1; }
  mkdir -p "$(dirname "$out/$2")" && cp "$1" "$out/$2"
}
copy "$openssl_prefix/share/licenses/openssl/LICENSE.txt" openssl/LICENSE.txt
for f in gmime/COPYING glib/COPYING pcre2/LICENCE zlib/README; do
  copy "$gmime_prefix/share/licenses/$f" "$f"
done
# Root certificates (MPL-2.0) and Emscripten's runtime, musl and libc++ (MIT, NCSA, Apache-2.0
# with LLVM exception): the Debian packages' copyright files name every holder and licence.
copy /usr/share/doc/ca-certificates/copyright ca-certificates/copyright
copy /usr/share/common-licenses/MPL-2.0 ca-certificates/MPL-2.0
copy /usr/share/doc/emscripten/copyright emscripten/copyright
