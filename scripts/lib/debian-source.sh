#!/usr/bin/env bash
# Fetch a Debian source package's upstream (.orig) tarball without ever writing an archive
# host name down: the deb-src entries are derived at run time from the machine's own apt
# sources, into a private apt state directory, so the system's apt configuration is untouched.
#
# Usage (source this file):
#   fetch_debian_orig <package> <suite> <dest-dir>   -> prints the path of the .orig tarball
#
# apt-get verifies every downloaded file against the signed Sources index (Release ->
# Sources -> .dsc hashes); callers additionally pin the tarball's SHA-256 (verify_sha256).

set -euo pipefail

POP3_WASM_CACHE="${POP3_WASM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pop3-wasm}"

_private_apt_dir() {
  local dir="$POP3_WASM_CACHE/apt"
  mkdir -p "$dir/sources.list.d" "$dir/lists/partial" "$dir/archives/partial"
  # deb822 files: "Types: deb" -> "Types: deb deb-src".
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    sed -E 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb deb-src/' "$f" > "$dir/sources.list.d/$(basename "$f")"
  done
  # One-line format, if the machine uses it: add a deb-src twin of each deb line.
  if [ -s /etc/apt/sources.list ]; then
    { grep -E '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list || true; } |
      sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' > "$dir/sources.list.d/derived-src.list"
  fi
  echo "$dir"
}

_apt_private() {
  local dir; dir="$(_private_apt_dir)"
  apt-get -q \
    -o Dir::Etc::SourceList=/dev/null \
    -o Dir::Etc::SourceParts="$dir/sources.list.d" \
    -o Dir::State::Lists="$dir/lists" \
    -o Dir::Cache::Archives="$dir/archives" \
    -o Debug::NoLocking=1 \
    "$@"
}

# fetch_debian_orig PACKAGE SUITE DEST: downloads PACKAGE/SUITE's source files into DEST (once)
# and prints the path of the upstream tarball.
fetch_debian_orig() {
  local pkg="$1" suite="$2" dest="$3"
  mkdir -p "$dest"
  local existing
  existing="$(ls "$dest"/"${pkg}"_*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -n1 || true)"
  if [ -z "$existing" ]; then
    local stamp="$POP3_WASM_CACHE/apt/updated"
    if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
      _apt_private update >&2
      touch "$stamp"
    fi
    (cd "$dest" && _apt_private source --download-only "${pkg}/${suite}" >&2)
    existing="$(ls "$dest"/"${pkg}"_*.orig.tar.* | grep -v '\.asc$' | head -n1)"
  fi
  echo "$existing"
}

# verify_sha256 FILE EXPECTED: fails loudly when the tarball is not the one the build was pinned to.
verify_sha256() {
  local file="$1" expected="$2" actual
  actual="$(sha256sum "$file" | cut -d' ' -f1)"
  if [ "$actual" != "$expected" ]; then
    echo "checksum mismatch for $file: expected $expected, got $actual" >&2
    return 1
  fi
}
