/**
 * Node's own TLS for the Node transport: options in the library's terms, certificate pinning,
 * and Node's certificate errors translated to the library's TLS_* codes with the same wording
 * as the WASM engine ("what failed, and for which name").
 */
import { X509Certificate, createHash } from 'node:crypto';
import tls from 'node:tls';

import { Pop3Error } from '../errors.js';

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED',
]);

/** SHA-256 of a certificate's SubjectPublicKeyInfo, base64, as used by pins. */
export function spkiSha256(cert) {
  return createHash('sha256').update(cert.pubkey).digest('base64');
}

// SPKI hashes of the verified chain, trust anchor included: servers rarely send their root, so
// the anchor is found among the trusted CAs by issuer name and signature, as OpenSSL does.
function chainPins(cert, trusted) {
  const pins = [];
  const seen = new Set();
  let last;
  for (let c = cert; c && !seen.has(c); c = c.issuerCertificate) {
    seen.add(c);
    pins.push(spkiSha256(c));
    last = c;
  }
  if (last?.raw) {
    const tail = new X509Certificate(last.raw);
    for (const pem of trusted) {
      let candidate;
      try {
        candidate = new X509Certificate(pem);
      } catch {
        continue;
      }
      if (tail.checkIssued(candidate) && tail.verify(candidate.publicKey)) {
        pins.push(createHash('sha256').update(candidate.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'));
      }
    }
  }
  return pins;
}

// Secure contexts parse every trusted root: built once per set of trust options, not per
// connection (that alone took ~25 ms per handshake).
const contexts = new Map();
function secureContext(trusted, minVersion, maxVersion) {
  const key = `${minVersion}|${maxVersion}|${trusted.length}|${trusted.join('')}`;
  let context = contexts.get(key);
  if (!context) {
    context = tls.createSecureContext({ ca: trusted, minVersion, maxVersion });
    if (contexts.size >= 8) contexts.delete(contexts.keys().next().value);
    contexts.set(key, context);
  }
  return context;
}

/** tls.connect options for `options` (the library's TLS options). */
export function nodeTlsOptions({ servername, ca = [], defaultRoots = true, pins = [], minVersion = 'TLSv1.2', maxVersion = 'TLSv1.3' }) {
  const wanted = pins.map((p) => p.replace(/^sha256\/\//, ''));
  const isIp = /^[\d.]+$|:/.test(servername);
  const trusted = defaultRoots ? [...tls.rootCertificates, ...ca] : ca;
  return {
    servername: isIp ? undefined : servername,
    secureContext: secureContext(trusted, minVersion, maxVersion),
    // Verified by verifyPeer() when the handshake ends, before a byte of POP3 is read or written:
    // Node hands over the certificate only then, and the error must describe it.
    rejectUnauthorized: false,
    checkServerIdentity(host, cert) {
      const error = tls.checkServerIdentity(servername, cert);
      if (error) return error;
      if (wanted.length && !chainPins(cert, trusted).some((pin) => wanted.includes(pin))) {
        const e = new Error(`no certificate of '${servername}' matches the configured public-key pins (server key: sha256//${spkiSha256(cert)})`);
        e.code = 'POP3_PIN_MISMATCH';
        return e;
      }
      return undefined;
    },
  };
}

/**
 * What a connected Node TLS socket knows for channel binding (SCRAM-*-PLUS); the WASM core turns
 * it into the binding data and checks the rest. TLS 1.3: the RFC 9266 exporter (label
 * "EXPORTER-Channel-Binding", no context, 32 bytes). TLS 1.2: the server certificate, which the
 * core hashes for RFC 5929's tls-server-end-point with the hash of the certificate's signature.
 * Undefined when Node can give neither.
 */
export function channelBindingOf(socket) {
  // Node's TLS sockets have both calls; Deno's and Bun's emulations may lack them, and then the
  // login simply goes without channel binding.
  if (socket.getProtocol?.() === 'TLSv1.3' && typeof socket.exportKeyingMaterial === 'function') {
    return { type: 'tls-exporter', data: new Uint8Array(socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding')) };
  }
  if (socket.getProtocol?.() === 'TLSv1.3') return undefined;  // the exporter is what RFC 9266 asks for
  // getPeerCertificate(), not getPeerX509Certificate(): in Node 20 the latter answered only its
  // first call on a TLS 1.2 socket (undefined afterwards).
  const raw = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate()?.raw : undefined;
  return raw ? { type: 'tls-server-end-point', certificate: new Uint8Array(raw) } : undefined;
}

/**
 * After Node's handshake: null if the certificate chain was verified and matches the name (and
 * the pins), else the Pop3Error that says why. `tlsOptions` are nodeTlsOptions()'s.
 */
export function verifyPeer(socket, servername, tlsOptions) {
  if (socket.authorized) return null;
  const peer = socket.getPeerCertificate(true);
  const code = socket.authorizationError;
  // checkServerIdentity's own errors (name, pins) carry their message only in the Error object.
  const identity = code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'POP3_PIN_MISMATCH'
    ? tlsOptions.checkServerIdentity(servername, peer)
    : null;
  const error = identity ?? Object.assign(new Error(String(code)), { code: String(code) });
  return tlsError(error, servername, peer && Object.keys(peer).length ? peer : undefined);
}

// One-line names as OpenSSL prints them ("C = DE, O = Example, CN = mail.example.org").
function nameText(name) {
  if (!name) return '(none)';
  return Object.entries(name).map(([key, value]) => `${key} = ${Array.isArray(value) ? value.join(`, ${key} = `) : value}`).join(', ');
}

// The same description of a certificate as the WASM engine's certificate_text().
function certificateText(peer) {
  const names = peer.subjectaltname
    ? peer.subjectaltname.split(', ').filter((n) => /^(DNS|IP Address):/.test(n)).map((n) => n.replace(/^IP Address:/, 'IP:')).join(', ')
    : '';
  return `${nameText(peer.subject)}, issued by ${nameText(peer.issuer)}, valid from ${peer.valid_from} to ${peer.valid_to}, for ${names || 'no alternative names'}`;
}

/** A Pop3Error for a failed Node TLS handshake with `servername`, worded as the WASM engine words it. */
export function tlsError(error, servername, peer) {
  const code = error.code;
  const about = peer ? `: ${certificateText(peer)}` : '';
  const of = `the certificate of '${servername}' `;
  let ours;
  let message;
  if (code === 'CERT_HAS_EXPIRED') {
    ours = 'TLS_CERT_EXPIRED';
    message = `${of}has expired${about}`;
  } else if (code === 'CERT_NOT_YET_VALID') {
    ours = 'TLS_CERT_EXPIRED';
    message = `${of}is not valid yet${about}`;
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    ours = 'TLS_CERT_NAME_MISMATCH';
    message = `the certificate presented is not valid for '${servername}'${about}`;
  } else if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    ours = 'TLS_CERT_UNTRUSTED';
    message = `${of}is not trusted: it is self-signed${about}`;
  } else if (UNTRUSTED.has(code)) {
    ours = 'TLS_CERT_UNTRUSTED';
    message = `${of}is not trusted: no trusted authority issued it${about}`;
  } else if (code === 'POP3_PIN_MISMATCH') {
    ours = 'TLS_CERT_PIN_MISMATCH';
    message = error.message;
  } else if (peer && /^[A-Z_]+$/.test(code ?? '') && !code.startsWith('ERR_')) {
    ours = 'TLS_CERT_INVALID';
    message = `${of}was rejected (${code.toLowerCase().replaceAll('_', ' ')})${about}`;
  } else if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(error.message)) {
    // What OpenSSL says when the first bytes back are not TLS: usually a plain POP3 greeting on a
    // port used for POP3S, or a refusal in clear after STLS (Node's TLS hides the bytes; the WASM
    // engine quotes them).
    ours = 'TLS_HANDSHAKE_FAILED';
    message = `TLS handshake with '${servername}' failed: the server did not answer with TLS (${error.message}). ` +
      "If this port speaks plain POP3, use tls: 'starttls' (usually port 110) or the server's POP3S port (usually 995)";
  } else {
    ours = 'TLS_HANDSHAKE_FAILED';
    message = `TLS handshake with '${servername}' failed: ${error.message}`;
  }
  return new Pop3Error(ours, message, { cause: error });
}
