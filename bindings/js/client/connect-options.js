/**
 * connect()'s options checked and completed, and the core connection's options derived from
 * them: which TLS mode, which engine runs TLS, and what the WASM engine verifies.
 */
import { Pop3Error } from '../errors.js';
import { platform } from '../platform.js';
import { tlsSettings } from '../tls-settings.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
// Largest message body accepted by default (retrieve() holds it whole; streams may raise it).
const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/**
 * @param {import('../index.js').ConnectOptions} options
 * @returns {import('../index.js').ConnectOptions & { tls: string, tlsEngine: string, timeoutMs: number }}
 */
export function resolveConnectOptions(options) {
  const tls = options.tls ?? (options.port === 995 ? 'implicit' : 'starttls');
  if (!['implicit', 'starttls', 'none'].includes(tls)) {
    throw new Pop3Error('INVALID_ARGUMENT', `tls must be 'implicit', 'starttls' or 'none', not '${tls}'`);
  }
  // Node's own TLS for direct TCP in Node; the WASM engine everywhere else (and on request).
  const tlsEngine = options.tlsEngine ?? (options.transport || options.bridge || !platform.connectTcp ? 'wasm' : 'node');
  if (!['node', 'wasm'].includes(tlsEngine)) {
    throw new Pop3Error('INVALID_ARGUMENT', `tlsEngine must be 'node' or 'wasm', not '${tlsEngine}'`);
  }
  if (tlsEngine === 'node' && tls !== 'none' && (options.bridge || (options.transport && !options.transport.startTls))) {
    throw new Pop3Error('INVALID_ARGUMENT', "tlsEngine 'node' needs a direct TCP connection; through a bridge or a custom transport TLS runs in the WASM engine");
  }
  return { timeoutMs: DEFAULT_TIMEOUT_MS, ...options, tls, tlsEngine };
}

/** The options of the core's ClientConnection (bindings/embind/connection_bindings.cpp). */
export function coreConnectionOptions(options) {
  const settings = tlsSettings(options);
  let tls = { mode: 'none' };
  if (options.tls !== 'none' && options.tlsEngine === 'wasm') {
    tls = {
      mode: options.tls,
      inCore: true,
      serverName: settings.servername,
      ca: settings.ca,
      defaultRoots: settings.defaultRoots,
      pins: settings.pins,
      minVersion: settings.minVersion,
      maxVersion: settings.maxVersion,
      verificationTime: Math.floor(Date.now() / 1000),  // the core reads no clock
    };
  } else if (options.tls !== 'none') {
    // Node's TLS: after STLS, or from the first byte; the core names the host in its errors.
    tls = { mode: options.tls, inCore: false, serverName: settings.servername };
  }
  return {
    transcript: Boolean(options.onTranscript),
    allowPipelining: options.pipelining !== false,
    capa: options.capa !== false,
    limits: { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, ...options.limits },
    tls,
  };
}
