#!/usr/bin/env bash
# Unpacks Debian's cyrus-pop3d (the version matching the installed cyrus-common) into the cache
# and prints the directory holding its pop3d. It is unpacked rather than installed because it
# conflicts with dovecot-pop3d (both provide pop3-server) and the tests need both servers;
# tests/harness/cyrus.mjs runs it under the installed cyrus-common's master. Run by bootstrap.
set -euo pipefail

POP3_WASM_CACHE="${POP3_WASM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pop3-wasm}"
version="$(dpkg-query -W -f='${Version}' cyrus-common)"
dest="$POP3_WASM_CACHE/cyrus-pop3d-$version"
if [ ! -x "$dest/usr/lib/cyrus/bin/pop3d" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  chmod 755 "$work"  # apt's download user must be able to write here
  if ! (cd "$work" && apt-get download -q "cyrus-pop3d=$version" >&2); then
    apt-get update -q >&2
    (cd "$work" && apt-get download -q "cyrus-pop3d=$version" >&2)
  fi
  mkdir -p "$POP3_WASM_CACHE"  # a fresh machine has no cache yet, and dpkg -x makes one level only
  rm -rf "$dest.tmp"
  dpkg -x "$work"/cyrus-pop3d_*.deb "$dest.tmp"
  mv "$dest.tmp" "$dest"
fi
echo "$dest/usr/lib/cyrus/bin"
