/**
 * Concurrent-session limits: at most `maxSessions` sessions in all and `maxSessionsPerIp` per
 * client address (per /64 for IPv6, see client-address.js). A session holds its slot from the
 * moment it passed the origin, token and allowlist checks - so name resolution and connecting
 * count too - until it ends.
 *
 * Separately, a flood guard bounds the WebSockets that exist at all, refused ones included
 * (they live for up to the close time-out): past twice the limits, upgrades are answered with
 * HTTP 503 before any WebSocket is created.
 */

export class SessionLimits {
  #maxSessions;
  #maxPerIp;
  #perKey = new Map();
  #total = 0;

  /** @param {{maxSessions: number, maxSessionsPerIp: number}} limits */
  constructor({ maxSessions, maxSessionsPerIp }) {
    this.#maxSessions = maxSessions;
    this.#maxPerIp = maxSessionsPerIp;
  }

  get total() {
    return this.#total;
  }

  /**
   * Takes a slot for `key`, or says why not.
   * @returns {null | string} null when taken; otherwise the reason, for the close frame
   */
  acquire(key) {
    const count = this.#perKey.get(key) ?? 0;
    if (count >= this.#maxPerIp) return `too many connections from your address (limit ${this.#maxPerIp})`;
    if (this.#total >= this.#maxSessions) return `the bridge is at capacity (${this.#maxSessions} sessions)`;
    this.#perKey.set(key, count + 1);
    this.#total++;
    return null;
  }

  release(key) {
    const count = this.#perKey.get(key) ?? 0;
    if (count <= 1) this.#perKey.delete(key);
    else this.#perKey.set(key, count - 1);
    this.#total = Math.max(0, this.#total - 1);
  }
}

/** Counts every open WebSocket (and upgrade in progress) per key, for the flood guard. */
export class FloodGuard {
  #maxTotal;
  #maxPerKey;
  #perKey = new Map();
  #total = 0;

  /** @param {{maxSessions: number, maxSessionsPerIp: number}} limits */
  constructor({ maxSessions, maxSessionsPerIp }) {
    this.#maxTotal = 2 * maxSessions + 16;
    this.#maxPerKey = 2 * maxSessionsPerIp + 16;
  }

  /** @returns {boolean} false when the socket must be turned away */
  enter(key) {
    const count = this.#perKey.get(key) ?? 0;
    if (count >= this.#maxPerKey || this.#total >= this.#maxTotal) return false;
    this.#perKey.set(key, count + 1);
    this.#total++;
    return true;
  }

  leave(key) {
    const count = this.#perKey.get(key) ?? 0;
    if (count <= 1) this.#perKey.delete(key);
    else this.#perKey.set(key, count - 1);
    this.#total = Math.max(0, this.#total - 1);
  }
}
