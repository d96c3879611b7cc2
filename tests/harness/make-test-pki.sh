#!/usr/bin/env bash
# Makes the certificates the TLS tests need, with Debian's openssl command, into DIR:
#   ca.pem ca.key                 "pop3-wasm test CA" (trusted by the tests through the ca option)
#   server.pem server.key         CN=localhost, SAN DNS:localhost, IP:127.0.0.1, signed by the CA
#   expired.pem                   the same name and key, valid 2020-01-01 .. 2021-01-01 only
#   rogue-ca.pem rogue.pem rogue.key  a server certificate from a CA nobody trusts
# Usage: make-test-pki.sh DIR   (does nothing if DIR exists)
# Test processes run in parallel (ctest -j, Jest workers) and may all ask at once: the first
# builds the set in a temporary directory and renames it into place, the others wait on a lock.
set -euo pipefail
dir="$1"
[ -f "$dir/server.pem" ] && exit 0
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
[ -f "$dir/server.pem" ] && exit 0
work="$(mktemp -d "$dir.tmp.XXXXXX")"
chmod 755 "$work"  # as mkdir would make it: servers under test read it as other users
trap 'rm -rf "$work"' EXIT
cd "$work"
export OPENSSL_CONF=/dev/null
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }; }

make_ca() {  # name file-prefix
  q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$2.key" \
    -out "$2.pem" -days 3650 -subj "/CN=$1" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
make_ca "pop3-wasm test CA" ca
make_ca "pop3-wasm rogue CA" rogue-ca

cat > server.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
q openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
q openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -extfile server.ext -out server.pem
q openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -out rogue.csr -subj "/CN=localhost"
q openssl x509 -req -in rogue.csr -CA rogue-ca.pem -CAkey rogue-ca.key -CAcreateserial -days 3650 -extfile server.ext -out rogue.pem

# An expired certificate needs explicit dates, which only `openssl ca` sets in OpenSSL 3.0.
mkdir -p ca-db
: > ca-db/index.txt
echo 1000 > ca-db/serial
cat > ca.cnf <<CNF
[ca]
default_ca = test
[test]
dir = ca-db
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
certificate = ca.pem
private_key = ca.key
default_md = sha256
policy = anything
copy_extensions = none
[anything]
commonName = supplied
CNF
q openssl ca -batch -config ca.cnf -in server.csr -out expired.pem -notext \
  -startdate 20200101000000Z -enddate 20210101000000Z -extfile server.ext
rm -f ./*.csr ./*.srl server.ext
rm -rf "$dir"
mv -T "$work" "$dir"
