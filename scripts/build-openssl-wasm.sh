#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Cached, reproducible build of OpenSSL 3.0 (static libssl + libcrypto) for Emscripten.
#
# Usage:
#   prefix="$(scripts/build-openssl-wasm.sh)"
#   emcc ... -I"$prefix/include" ... "$prefix/lib/libssl.a" "$prefix/lib/libcrypto.a"
#
# Prints only the install prefix on stdout (one line); progress goes to stderr, the full
# configure/make output to a log file whose path is printed on failure.
#
# Environment:
#   POP3_WASM_CACHE   cache root (default ~/.cache/pop3-wasm); the prefix is
#                     $POP3_WASM_CACHE/openssl-wasm-<version>-<key>
#   OPENSSL_SRC       use this tarball instead of fetching Debian's; it must still match the
#                     pinned SHA-256 below
#   OPENSSL_WASM_JOBS make -j value (default 2)
#   OPENSSL_WASM_KEEP_BUILD=1  keep the build tree of a failed build (for debugging)
#
# The prefix holds include/openssl/*.h, lib/libssl.a, lib/libcrypto.a, lib/pkgconfig/*.pc,
# share/licenses/openssl/LICENSE.txt and BUILD-INFO. key = short hash of (tarball SHA-256, configure flags, CFLAGS, emcc and
# clang versions, this script, the patches in scripts/openssl-wasm/). A build runs in a
# temporary directory inside the cache and is renamed into place only when complete, so an
# interrupted build never leaves a half prefix; a lock serialises concurrent builds of one key.
set -euo pipefail

# Keep stdout for the prefix only: everything else, including stray output of the helpers,
# goes to stderr.
exec 3>&1 1>&2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib/debian-source.sh"
source "$here/lib/emscripten-env.sh"

# --- Pinned source -----------------------------------------------------------------------
# Debian bookworm's openssl source package (3.0.20-1~deb12u2); only the upstream .orig tarball
# is used (Debian's patches are not applied). To move to another version, update all three.
OPENSSL_VERSION="3.0.20"
OPENSSL_SUITE="bookworm"
OPENSSL_SHA256="c80a01dfc70ece4dc21168932c37739042d404d46ccc81a5986dd75314ecda6f"

# --- Configuration -----------------------------------------------------------------------
OPENSSL_TARGET="linux-generic32"   # wasm32: 32-bit pointers/long, 64-bit long long
# Heavy library code at -Oz; programs link at -O2 (see wasm-build-facts.md). Measured with
# the full configuration below (client-only smoke module, and a best-of-6 micro-benchmark of
# AEAD/SHA-2 throughput and X25519/P-256/P-384/RSA/ECDSA/Ed25519 timings linked at -O2):
# -Os is 1.0 KB gzip larger with no measurable speed difference (within 3%); -Oz -flto
# (bitcode archives, LTO at the program's link) is 1.7 KB gzip smaller and equally fast, but
# every link of a program using it took 2.4 times as long: not used.
OPENSSL_CFLAGS="-Oz"
CONFIGURE_FLAGS=(
  # Needed for Emscripten: no assembler, threads, shared objects, dlopen, engines, console,
  # mlock()ed secure heap; never read openssl.cnf implicitly (there is no file system).
  no-asm no-threads no-shared no-pic no-dso no-engine no-afalgeng no-ui-console no-tests
  no-secure-memory no-autoload-config
  # Seed the DRBG from getentropy() only (Emscripten: crypto.getRandomValues), never from
  # /dev/urandom, which would pull in Emscripten's JS file system. Together with
  # openssl-wasm/getentropy-emscripten.patch: upstream calls getentropy() only on __ELF__.
  --with-rand-seed=getrandom
  # Trimmed: not used by a TLS 1.2/1.3 client doing X.509 verification.
  no-legacy no-deprecated                    # legacy provider; pre-3.0 low-level APIs
  no-ssl3 no-tls1 no-tls1_1 no-dtls          # keep TLS 1.2 and 1.3 only
  no-des no-rc2 no-rc4 no-rc5 no-idea no-seed no-cast no-bf no-camellia no-aria
  no-sm2 no-sm3 no-sm4 no-gost               # Chinese/Russian national suites
  no-md4 no-mdc2 no-rmd160 no-whirlpool no-blake2
  no-cmac no-siv no-ocb no-siphash no-scrypt
  no-dsa no-ec2m                             # DSA certs, binary-field curves
  no-srp no-psk                              # TLS-SRP, TLS 1.2 PSK suites (1.3 resumption stays)
  no-cms no-ocsp no-ct no-ts no-cmp no-rfc3779
  no-comp no-nextprotoneg no-srtp no-ssl-trace
  no-sock no-async                           # memory BIOs only; no ASYNC_* jobs
  no-filenames                               # no source paths in the binary
  # Size (each measured on the client-only smoke module, see openssl-wasm/smoke-test.c, which
  # checks that the project's cipher suites and X25519/P-256/P-384 are still offered):
  # - no-dh: finite-field DHE (DHE-RSA suites, ffdhe groups, FFC parameter code and the
  #   RFC 7919/3526 primes). Servers offer ECDHE, and the plain RSA key exchange suites stay
  #   as a fallback; the project's own TLS 1.2 list is ECDHE only. -21.1 KB gzip.
  # - no-stdio no-posix-io: no FILE*/open() based I/O (BIO_s_file, *_file()/_fp() APIs,
  #   /dev/urandom and certificate directory lookups): there is no file system; everything
  #   goes through memory BIOs and getentropy(). no-multiblock: the multi-record write
  #   path exists only for the assembler stitched AES-CBC-HMAC ciphers (never here).
  #   Together -1.5 KB gzip, and 0.5 KB less JS glue (fewer file descriptor syscalls).
  no-dh
  no-stdio no-posix-io no-multiblock
  # Kept on purpose: error reason strings ("wrong version number", "unsupported protocol"
  # reach the user through ERR_error_string_n()). no-err would save 19.3 KB gzip (42 KB raw).
  # Paths compiled into the library (OPENSSLDIR etc.); never used here, fixed so that the
  # output does not depend on where it was built.
  --prefix=/usr/local --openssldir=/usr/local/ssl --libdir=lib
)
JOBS="${OPENSSL_WASM_JOBS:-2}"

# Variables that Configure or make would otherwise pick up from the caller's environment.
unset CPPFLAGS CFLAGS CXXFLAGS LDFLAGS LDLIBS CROSS_COMPILE CXX CPP AS LD RC WINDRES \
      MAKEFLAGS MFLAGS MAKELEVEL OPENSSL_CONF OPENSSL_MODULES

log() { echo "openssl-wasm: $*" >&2; }
trap 'log "failed: exit $? at line $LINENO"' ERR

# --- Cache key ---------------------------------------------------------------------------
# "emcc (...) 3.1.6 ()" and "Debian clang version 14.0.6". Not piped into head: with
# pipefail, clang's exit code 74 for the broken pipe would abort the script.
emcc_v="$(emcc -v 2>&1)"
emcc_line="${emcc_v%%$'\n'*}"
clang_line="$(sed -n 2p <<<"$emcc_v")"
emcc_version="$emcc_line
$clang_line"
shopt -s nullglob
patches=("$here"/openssl-wasm/*.patch)
shopt -u nullglob
key_input="$(
  printf 'sha256=%s\ntarget=%s\nflags=%s\ncflags=%s\nemcc=%s\n' \
    "$OPENSSL_SHA256" "$OPENSSL_TARGET" "${CONFIGURE_FLAGS[*]}" "$OPENSSL_CFLAGS" "$emcc_version"
  sha256sum "${BASH_SOURCE[0]}" "${patches[@]}" | cut -d' ' -f1
)"
key="$(printf '%s' "$key_input" | sha256sum | cut -c1-12)"
name="openssl-wasm-$OPENSSL_VERSION-$key"
prefix="$POP3_WASM_CACHE/$name"

is_complete() {
  [ -f "$1/BUILD-INFO" ] && [ -f "$1/lib/libssl.a" ] && [ -f "$1/lib/libcrypto.a" ] &&
    [ -f "$1/include/openssl/ssl.h" ] && [ -f "$1/share/licenses/openssl/LICENSE.txt" ]
}

if is_complete "$prefix"; then
  log "cached ($(sed -n 's/^source: //p' "$prefix/BUILD-INFO"))"
  echo "$prefix" >&3
  exit 0
fi

# --- Build (serialised per key) ----------------------------------------------------------
work=""
logfile=""
child=""
# interruptible CMD...: runs CMD in its own process group and waits for it, so that a signal
# stops the whole tree (make, emcc, clang) at once; bash would otherwise run its trap only
# after a foreground command had finished.
interruptible() {
  local rc=0
  set -m
  "$@" &
  child=$!
  set +m
  wait "$child" || rc=$?
  child=""
  return "$rc"
}
run_step() { interruptible "$@" >>"$logfile" 2>&1; }   # output to the log
on_signal() {
  if [ -n "$child" ]; then
    kill -TERM -- "-$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  exit "$1"
}
on_exit() {
  local rc=$?
  [ -n "$work" ] || return 0
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$logfile" >&2 || true
    log "build FAILED (exit $rc); full log: $logfile"
    if [ "${OPENSSL_WASM_KEEP_BUILD:-0}" = 1 ]; then
      log "build tree kept: $work"
      return
    fi
  fi
  rm -rf "$work"
}
trap on_exit EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

mkdir -p "$POP3_WASM_CACHE/locks" "$POP3_WASM_CACHE/logs" "$POP3_WASM_CACHE/tmp"
exec 9>"$POP3_WASM_CACHE/locks/$name.lock"
if ! flock -n 9; then
  log "another build of $name is running; waiting for it"
  interruptible flock 9   # the lock belongs to fd 9's open file, which we keep
fi
if is_complete "$prefix"; then   # built by the process we waited for
  echo "$prefix" >&3
  exit 0
fi
if [ -e "$prefix" ]; then          # not produced by this script (renames are atomic)
  log "removing incomplete $prefix"
  rm -rf "$prefix"
fi
# Build trees of runs killed outright (SIGKILL, power loss): <name>.<pid>.<random>.
for d in "$POP3_WASM_CACHE"/tmp/openssl-wasm-*; do
  [ -d "$d" ] || continue
  pid="${d%.*}"; pid="${pid##*.}"
  case "$pid" in ''|*[!0-9]*) continue ;; esac
  kill -0 "$pid" 2>/dev/null || rm -rf "$d"
done

work="$(mktemp -d "$POP3_WASM_CACHE/tmp/$name.$$.XXXXXX")"
logfile="$POP3_WASM_CACHE/logs/$name.log"
: > "$logfile"

start=$SECONDS

# Source tarball.
if [ -n "${OPENSSL_SRC:-}" ]; then
  [ -f "$OPENSSL_SRC" ] || { log "OPENSSL_SRC=$OPENSSL_SRC: no such file"; exit 1; }
  tarball="$(readlink -f "$OPENSSL_SRC")"
  origin="OPENSSL_SRC"
else
  tarball="$(fetch_debian_orig openssl "$OPENSSL_SUITE" \
    "$POP3_WASM_CACHE/sources/openssl-$OPENSSL_SUITE-$OPENSSL_VERSION" 2>>"$logfile")"
  origin="Debian source package openssl/$OPENSSL_SUITE"
fi
log "using source tarball $tarball ($origin)"
if ! verify_sha256 "$tarball" "$OPENSSL_SHA256"; then
  log "$tarball is not the pinned OpenSSL $OPENSSL_VERSION tarball. If Debian moved on," \
      "update OPENSSL_VERSION and OPENSSL_SHA256 in this script."
  exit 1
fi

src="$work/src"
mkdir -p "$src"
tar -xf "$tarball" -C "$src" --strip-components=1
src_version="$(sed -n 's/^\(MAJOR\|MINOR\|PATCH\)=//p' "$src/VERSION.dat" | paste -sd.)"
if [ "$src_version" != "$OPENSSL_VERSION" ]; then
  log "$tarball holds OpenSSL $src_version, expected $OPENSSL_VERSION"; exit 1
fi
# Patches, applied in name order with --fuzz=0: getentropy-emscripten.patch (see the
# --with-rand-seed comment above) and the trim-*.patch set, which removes what static
# linking kept although a TLS 1.2/1.3 client never reaches it. Each patch's header says what
# it removes, why that is safe, how it was verified and what it saved:
#   trim-providers       default provider tables: algorithms no TLS client uses; no encoders
#   trim-config-loading  never load openssl.cnf (no file system), so no CONF machinery
#   trim-curve448        no X448/Ed448 (X25519 and Ed25519 stay)
#   trim-curve25519-table  the Ed25519 base point table is computed on first use, not
#                        compiled in (30 KB of constants)
#   trim-dtls-code       SSL_IS_DTLS() is constant 0 with no-dtls: DTLS code compiled out
#   trim-ipv4-sscanf     parse IPv4 literals by hand: libc's scanf is not linked
#   trim-nist-curves     built-in curves: the NIST prime curves only
# Together with the no-* options above they took the client-only smoke module from 553.5 KB
# to 419.2 KB gzip (1312 KB to 993 KB raw; same smoke test, gzip -9 of the .wasm), with no
# measurable throughput change; trim-curve25519-table then took it from 419.9 KB to 392.0 KB
# (the smoke test had gained its X25519/Ed25519 checks), and the protocol module from
# 557.8 KB to 530.2 KB gzip. scripts/openssl-wasm/smoke-test.c, client-only and full, is
# the check to run after touching any of them.
for p in "${patches[@]}"; do
  log "applying $(basename "$p")"
  patch -d "$src" -p1 --forward --fuzz=0 --no-backup-if-mismatch < "$p" >>"$logfile"
done

# Reproducible build date in crypto/buildinf.h ("built on: ..."): the tarball's own date.
SOURCE_DATE_EPOCH="$(stat -c %Y "$src/VERSION.dat")"
export SOURCE_DATE_EPOCH

log "configuring ($OPENSSL_TARGET)"
cd "$src"
run_step perl ./Configure "$OPENSSL_TARGET" \
  CC=emcc AR=emar RANLIB=emranlib CFLAGS="$OPENSSL_CFLAGS" "${CONFIGURE_FLAGS[@]}"

log "building libssl and libcrypto (make -j$JOBS build_libs; a few minutes; log: $logfile)"
run_step make -j"$JOBS" build_libs

stage="$work/prefix"
run_step make install_dev DESTDIR="$stage"
# install_dev installs below DESTDIR + --prefix; flatten to the prefix layout.
mv "$stage/usr/local"/* "$stage/" && rm -rf "${stage:?}/usr"
# Apache-2.0 section 4: whoever ships the libraries ships the licence with them.
mkdir -p "$stage/share/licenses/openssl"
cp "$src/LICENSE.txt" "$stage/share/licenses/openssl/"
# pkg-config files: point them at the final prefix.
for pc in "$stage"/lib/pkgconfig/*.pc; do
  sed -i -e "s|^prefix=.*|prefix=$prefix|" -e "s|^libdir=.*|libdir=\${exec_prefix}/lib|" \
    -e "s|^includedir=.*|includedir=\${prefix}/include|" "$pc"
done

duration=$((SECONDS - start))
{
  echo "OpenSSL $OPENSSL_VERSION for Emscripten (static libssl + libcrypto)"
  echo "cache_key: $key"
  echo "source: $(basename "$tarball") ($origin)"
  echo "source_sha256: $OPENSSL_SHA256"
  echo "patches:"
  for p in "${patches[@]}"; do echo "  $(basename "$p") sha256=$(sha256sum "$p" | cut -d' ' -f1)"; done
  echo "configure: ./Configure $OPENSSL_TARGET CC=emcc AR=emar RANLIB=emranlib CFLAGS=$OPENSSL_CFLAGS ${CONFIGURE_FLAGS[*]}"
  echo "emcc: $emcc_line"
  echo "clang: $clang_line"
  echo "SOURCE_DATE_EPOCH: $SOURCE_DATE_EPOCH"
  echo "built_at: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "build_seconds: $duration"
  echo "libssl.a_sha256: $(sha256sum "$stage/lib/libssl.a" | cut -d' ' -f1)"
  echo "libcrypto.a_sha256: $(sha256sum "$stage/lib/libcrypto.a" | cut -d' ' -f1)"
} > "$stage/BUILD-INFO"
is_complete "$stage" || { log "install produced an incomplete prefix"; exit 1; }

# Atomic publication: rename(2) within the cache file system.
mv -T "$stage" "$prefix"
log "built $name in ${duration}s"
echo "$prefix" >&3
