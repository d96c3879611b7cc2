// A self-signed certificate for "localhost" made in the page with WebCrypto (ECDSA P-256), so the
// walkthrough's in-page server can offer STLS without fetching anything. The client trusts it
// by name through the `ca` option. X.509 is DER; the few encoders below are all it needs.
const bytes = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};

function tlv(tag, content) {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return bytes(Uint8Array.of(tag, ...length), content);
}

const seq = (...items) => tlv(0x30, bytes(...items));
const oid = (...encoded) => tlv(0x06, Uint8Array.from(encoded));
const utf8 = (text) => tlv(0x0c, new TextEncoder().encode(text));
const ascii = (tag, text) => tlv(tag, new TextEncoder().encode(text));

function integer(value) {
  let i = 0;
  while (i < value.length - 1 && value[i] === 0) i++;
  const trimmed = value.subarray(i);
  return tlv(0x02, trimmed[0] & 0x80 ? bytes(Uint8Array.of(0), trimmed) : trimmed);
}

function utcTime(date) {
  const two = (n) => String(n).padStart(2, '0');
  return ascii(0x17, `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`);
}

const ECDSA_SHA256 = seq(oid(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02));
const COMMON_NAME = oid(0x55, 0x04, 0x03);
const SUBJECT_ALT_NAME = oid(0x55, 0x1d, 0x11);

const pem = (label, der) =>
  `-----BEGIN ${label}-----\n${btoa(String.fromCharCode(...der)).match(/.{1,64}/g).join('\n')}\n-----END ${label}-----\n`;

/** @returns {Promise<{ cert: string, key: string }>} PEM */
export async function makeSelfSignedCertificate(hostName = 'localhost') {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const name = seq(tlv(0x31, seq(COMMON_NAME, utf8(hostName))));
  const now = Date.now();
  const tbs = seq(
    tlv(0xa0, integer(Uint8Array.of(2))), // X.509 v3
    integer(crypto.getRandomValues(new Uint8Array(16))),
    ECDSA_SHA256,
    name,
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 86400_000))),
    name,
    spki,
    tlv(0xa3, seq(seq(SUBJECT_ALT_NAME, tlv(0x04, seq(ascii(0x82, hostName)))))),
  );
  // WebCrypto gives r || s; X.509 wants SEQUENCE { INTEGER r, INTEGER s }.
  const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, tbs));
  const signature = seq(integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
  const cert = seq(tbs, ECDSA_SHA256, tlv(0x03, bytes(Uint8Array.of(0), signature)));
  const key = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { cert: pem('CERTIFICATE', cert), key: pem('PRIVATE KEY', key) };
}
