/**
 * Bearer tokens. Browsers cannot set headers on a WebSocket, so the client offers its token as
 * a subprotocol, "pop3-bridge.token.<token>", next to "pop3-bridge" (which the bridge echoes;
 * the token subprotocol is never echoed). Tokens are compared in constant time: both sides are
 * hashed with SHA-256 first, so the comparison neither depends on where they differ nor on
 * their lengths, and every configured token is compared every time.
 *
 * A token must be a valid subprotocol name (RFC 7230 "token" characters, e.g. base64url or hex
 * text): anything else could not travel in the Sec-WebSocket-Protocol header.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const SUBPROTOCOL = 'pop3-bridge';
export const TOKEN_PREFIX = 'pop3-bridge.token.';
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const digest = (text) => createHash('sha256').update(text, 'utf8').digest();

/** Checks a configured token's syntax; throws without repeating the token. */
export function validateToken(token, where) {
  if (typeof token !== 'string' || token.length < 16 || !TOKEN_CHARS.test(token)) {
    throw new Error(`${where}: a token must be at least 16 characters of [A-Za-z0-9] and !#$%&'*+-.^_\`|~ (e.g. \`openssl rand -hex 32\`)`);
  }
}

/** Reads tokens from a token file's text: one per line; blank lines and # comments skipped. */
export function parseTokenFile(text, where) {
  const tokens = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  tokens.forEach((token, i) => validateToken(token, `${where}, token ${i + 1}`));
  return tokens;
}

/** The subprotocols the client offered, from the Sec-WebSocket-Protocol header(s). */
export function offeredProtocols(request) {
  const header = request.headers['sec-websocket-protocol'];
  if (!header) return [];
  return String(header)
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

export class TokenCheck {
  #digests;

  /** @param {string[]} tokens accepted tokens; none means no token is required */
  constructor(tokens) {
    this.#digests = tokens.map(digest);
  }

  get required() {
    return this.#digests.length > 0;
  }

  /**
   * @param {string[]} protocols the offered subprotocols
   * @returns {null | string} null when allowed; otherwise the reason, for the close frame
   */
  check(protocols) {
    if (!this.required) return null;
    const offered = protocols.filter((p) => p.startsWith(TOKEN_PREFIX)).map((p) => p.slice(TOKEN_PREFIX.length));
    if (offered.length === 0) return 'missing access token';
    let match = false;
    for (const candidate of offered.slice(0, 4)) {
      const d = digest(candidate);
      for (const accepted of this.#digests) match = timingSafeEqual(d, accepted) || match;
    }
    return match ? null : 'wrong access token';
  }
}
