/**
 * The Origin check. Browsers send the page's origin with every WebSocket handshake and scripts
 * cannot change it, so it tells the bridge which web site is using it; without this check any
 * site could use its visitors' browsers as clients of the bridge.
 *
 * - `origins`: the allowed origins ("https://app.example"); "*" allows every origin. Empty by
 *   default: no web page may use the bridge until its origin is listed.
 * - a handshake without Origin comes from a program, not a browser (browsers always send it).
 *   It is allowed by default (`allowMissingOrigin: true`): a program can send any Origin it
 *   likes, so refusing a missing one would stop only honest programs. Set it to false for a
 *   bridge that serves browsers only; use access tokens to keep programs out.
 */

/** "HTTPS://App.Example:443/" -> "https://app.example"; "null" stays "null". */
export function normalizeOrigin(text) {
  const value = String(text).trim();
  if (value === '*' || value === 'null') return value;
  try {
    const url = new URL(value);
    if (url.origin === 'null') throw new Error('opaque');
    return url.origin;
  } catch {
    throw new Error(`"${value}" is not an origin (expected scheme://host[:port])`);
  }
}

export class OriginPolicy {
  #allowed;
  #any;
  #allowMissing;

  /** @param {{origins: string[], allowMissingOrigin: boolean}} options */
  constructor({ origins, allowMissingOrigin }) {
    this.#allowed = new Set(origins.map(normalizeOrigin));
    this.#any = this.#allowed.has('*');
    this.#allowMissing = allowMissingOrigin;
  }

  /**
   * @param {string | undefined} origin the Origin header
   * @returns {null | string} null when allowed; otherwise the reason, for the close frame
   */
  check(origin) {
    if (origin === undefined) return this.#allowMissing ? null : 'origin not allowed: the request has no Origin';
    if (this.#any) return null;
    let normalized;
    try {
      normalized = normalizeOrigin(origin);
    } catch {
      normalized = null;
    }
    if (normalized && this.#allowed.has(normalized)) return null;
    return `origin not allowed: ${normalized ?? 'malformed Origin'}`;
  }
}
