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
    rejectUnauthorized: true,
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

/** A Pop3Error for a failed Node TLS handshake with `servername`. */
export function tlsError(error, servername, peer) {
  const subject = peer?.subject?.CN ? `CN=${peer.subject.CN}` : 'unknown subject';
  const issuer = peer?.issuer?.CN ? `CN=${peer.issuer.CN}` : 'an unknown issuer';
  const code = error.code;
  let ours;
  let message;
  if (code === 'CERT_HAS_EXPIRED') {
    ours = 'TLS_CERT_EXPIRED';
    message = `the certificate of '${servername}' (${subject}) expired on ${peer?.valid_to ?? 'an earlier date'}`;
  } else if (code === 'CERT_NOT_YET_VALID') {
    ours = 'TLS_CERT_EXPIRED';
    message = `the certificate of '${servername}' (${subject}) is not valid before ${peer?.valid_from ?? 'a later date'}`;
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    ours = 'TLS_CERT_NAME_MISMATCH';
    message = `the certificate presented (${subject}; ${peer?.subjectaltname ?? 'no alternative names'}) is not valid for '${servername}'`;
  } else if (UNTRUSTED.has(code)) {
    ours = 'TLS_CERT_UNTRUSTED';
    message = `the certificate of '${servername}' (${subject}, issued by ${issuer}) is not trusted: ${error.message}`;
  } else if (code === 'POP3_PIN_MISMATCH') {
    ours = 'TLS_CERT_PIN_MISMATCH';
    message = error.message;
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
