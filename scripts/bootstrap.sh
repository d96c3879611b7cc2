#!/usr/bin/env bash
# Installs what the build, the tests and the demo need on a fresh Debian 12 machine (as root),
# and does nothing when it is all there already. Run by `npm test` and `npm start`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages, by purpose.
PACKAGES=(
  # native build and tests (OpenSSL natively; its CLI makes the test certificates)
  g++ cmake ninja-build pkg-config libgtest-dev clang libclang-rt-14-dev libssl-dev openssl
  # the C++ style check (scripts/check-style.sh)
  clang-format-14
  # the Mozilla roots embedded in the TLS engine
  ca-certificates
  # WASM build (Debian's Emscripten 3.1.6)
  emscripten
  # the POP3 server the tests talk to
  dovecot-core dovecot-pop3d
  # a second server with SCRAM-SHA-512 and SCRAM-*-PLUS (Cyrus SASL): tests/harness/cyrus.mjs
  # (its pop3d is unpacked, not installed: it conflicts with dovecot-pop3d; see below)
  cyrus-common libwrap0 sasl2-bin libsasl2-modules
  # Debian source packages for the WASM dependency builds, and GMime's (GLib's) build tools
  dpkg-dev make patch bzip2 xz-utils meson autoconf automake libtool gtk-doc-tools llvm-14
  # native GMime: the oracle the MIME module is compared with
  libgmime-3.0-dev
  # browser tests and the bridge's nginx test
  chromium nginx-light
  # peers in the benchmarks
  python3 curl
  # Kerberos login tests: an MIT KDC and its tools, Dovecot's GSSAPI mechanism, and the headers
  # the `kerberos` binding (tests/kerberos) compiles against
  krb5-kdc krb5-admin-server krb5-user dovecot-gssapi libkrb5-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: missing Debian packages: ${missing[*]} (run this script as root)" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  # policy-rc.d keeps the packaged Dovecot and Cyrus services from starting: tests run their own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# Cyrus's pop3d for tests/harness/cyrus.mjs, unpacked into the cache next to the installed
# cyrus-common (installing it would remove Dovecot's pop3d).
scripts/unpack-cyrus-pop3d.sh >/dev/null

# Node.js >= 20 comes with the machine; Debian 12's own nodejs is 18 and too old.
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "bootstrap: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# The mail uid that owns the test maildirs when tests run as root (tests/harness/dovecot.mjs).
if [ "$(id -u)" -eq 0 ] && ! getent passwd pop3wasm-mail >/dev/null; then
  useradd --system --no-create-home --shell /usr/sbin/nologin pop3wasm-mail
fi

# Node modules, reinstalled when a lock file changes: the project's, the other runtimes the
# packed package is tested on (Node 22, Deno, Bun: tools/test-runtimes, apart so that its `node`
# never shadows the system's in node_modules/.bin), and the Kerberos binding of the GSSAPI tests
# (tests/kerberos: a native addon, built by node-gyp against the headers that come with this Node,
# found through npm_config_nodedir, so nothing is downloaded besides the npm packages).
npm_config_nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
export npm_config_nodedir
for dir in . tools/test-runtimes tests/kerberos; do
  stamp="$dir/node_modules/.package-lock.sha256"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund >&2)
    echo "$want" > "$stamp"
  fi
done
