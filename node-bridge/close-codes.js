/**
 * The WebSocket close codes the bridge sends, and the reason texts that go with them. Clients
 * (bindings/js/transports/websocket.js) map them to Pop3Error messages, so the numbers are part
 * of the bridge's protocol and never change meaning.
 *
 * Codes 4001-4006 are refusals: the bridge closed the session before relaying anything (for
 * 4001-4005, before any connection to the target was even attempted). 4007-4009 end sessions
 * that were relaying. 1003 and 1009 are the standard codes for a text frame and an oversized
 * frame.
 */

export const CloseCode = Object.freeze({
  NORMAL: 1000,
  UNSUPPORTED_DATA: 1003,
  FRAME_TOO_LARGE: 1009,
  INTERNAL_ERROR: 1011,
  TARGET_NOT_ALLOWED: 4001,
  PRIVATE_ADDRESS: 4002,
  ORIGIN_NOT_ALLOWED: 4003,
  BAD_TOKEN: 4004,
  TOO_MANY_CONNECTIONS: 4005,
  CONNECT_FAILED: 4006,
  IDLE_TIMEOUT: 4007,
  TARGET_CLOSED: 4008,
  SHUTTING_DOWN: 4009,
});

/** Metric label of each refusal code (pop3_bridge_refusals_total{reason=...}). */
export const refusalLabel = Object.freeze({
  [CloseCode.TARGET_NOT_ALLOWED]: 'target_not_allowed',
  [CloseCode.PRIVATE_ADDRESS]: 'private_address',
  [CloseCode.ORIGIN_NOT_ALLOWED]: 'origin_not_allowed',
  [CloseCode.BAD_TOKEN]: 'bad_token',
  [CloseCode.TOO_MANY_CONNECTIONS]: 'too_many_connections',
  [CloseCode.CONNECT_FAILED]: 'connect_failed',
});

/** True for the codes that refuse a session before any byte was relayed. */
export function isRefusal(code) {
  return code in refusalLabel;
}

// RFC 6455 5.5: a control frame's payload is at most 125 bytes, 2 of which hold the code.
const MAX_REASON_BYTES = 123;

/**
 * A close reason that fits in a close frame: cut at 123 bytes of UTF-8, on a character
 * boundary (ws throws on longer reasons, and a cut character would be invalid UTF-8).
 */
export function closeReason(text) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_REASON_BYTES) return text;
  let end = MAX_REASON_BYTES - 3;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;  // not in the middle of a character
  return `${bytes.subarray(0, end).toString('utf8')}...`;
}
