/**
 * Every failure of the library is a Pop3Error with a stable `code`. Codes from the WASM core
 * (protocol and argument errors) and from the JS layer (transport, time-outs) share one list.
 */
export const ErrorCode = Object.freeze({
  // From the core (see core/include/pop3/error.hpp).
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  INVALID_STATE: 'INVALID_STATE',
  SERVER_ERROR: 'SERVER_ERROR',
  AUTH_FAILED: 'AUTH_FAILED',
  PROTOCOL_VIOLATION: 'PROTOCOL_VIOLATION',
  LINE_TOO_LONG: 'LINE_TOO_LONG',
  REPLY_TOO_LARGE: 'REPLY_TOO_LARGE',
  APOP_UNAVAILABLE: 'APOP_UNAVAILABLE',
  SESSION_CLOSED: 'SESSION_CLOSED',
  NOT_SENT: 'NOT_SENT',
  UNEXPECTED_DATA: 'UNEXPECTED_DATA',
  CANCELLED: 'CANCELLED',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  TLS_CERT_UNTRUSTED: 'TLS_CERT_UNTRUSTED',
  TLS_CERT_EXPIRED: 'TLS_CERT_EXPIRED',
  TLS_CERT_NAME_MISMATCH: 'TLS_CERT_NAME_MISMATCH',
  TLS_CERT_PIN_MISMATCH: 'TLS_CERT_PIN_MISMATCH',
  TLS_CERT_INVALID: 'TLS_CERT_INVALID',
  TLS_HANDSHAKE_FAILED: 'TLS_HANDSHAKE_FAILED',
  TLS_ERROR: 'TLS_ERROR',
  INSECURE_AUTH: 'INSECURE_AUTH',
  NO_AUTH_METHOD: 'NO_AUTH_METHOD',
  // From the JS layer.
  TLS_UNAVAILABLE: 'TLS_UNAVAILABLE',
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  TIMEOUT: 'TIMEOUT',
  ABORTED: 'ABORTED',
  LOGIN_DELAY: 'LOGIN_DELAY',
  SYNC_FAILED: 'SYNC_FAILED',
  STORE_LOCKED: 'STORE_LOCKED',
  STORE_CORRUPT: 'STORE_CORRUPT',
  STORE_FULL: 'STORE_FULL',
  STORE_FAILED: 'STORE_FAILED',
  UNSUPPORTED: 'UNSUPPORTED',
  UNSUPPORTED_IN_BROWSER: 'UNSUPPORTED_IN_BROWSER',
  WASM_LOAD_FAILED: 'WASM_LOAD_FAILED',
});

export class Pop3Error extends Error {
  /**
   * @param {string} code one of ErrorCode
   * @param {string} message what happened and, where possible, what to do
   * @param {object} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'Pop3Error';
    this.code = code;
    /** The server's RFC 2449 response code, e.g. 'IN-USE', 'AUTH', 'SYS/TEMP'. */
    this.responseCode = details.responseCode;
    /** The server's text after -ERR (and after the response code). */
    this.serverText = details.serverText;
    /** The command this error answers, e.g. 'RETR'. */
    this.command = details.command;
    /** For protocol errors: the byte offset in the server's stream where it went wrong. */
    this.offset = details.offset;
    /** More from the server: for OAuth logins, the JSON error it sent. */
    this.details = details.details;
    /** `details` parsed, when it is the JSON error of an OAuth login (e.g. { status: 'invalid_token' }). */
    this.oauth = parseOAuthError(details.details);
    /** WASM_LOAD_FAILED: the URL (or file) the module was loaded from. */
    this.url = details.url;
    /** True when the server answered -ERR and the client had no objection of its own. */
    this.serverRefused = details.serverRefused;
  }
}

function parseOAuthError(details) {
  if (typeof details !== 'string' || !details.startsWith('{')) return undefined;
  try {
    return JSON.parse(details);
  } catch {
    return undefined;
  }
}

/** Builds a Pop3Error from an error object reported by the WASM core. */
export function fromCoreError(error, command) {
  return new Pop3Error(error.code, error.message, {
    responseCode: error.responseCode,
    serverText: error.serverText,
    offset: error.offset,
    details: error.details,
    serverRefused: error.serverRefused,
    command,
  });
}
