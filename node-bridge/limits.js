/**
 * Concurrent-session limits: at most `maxSessions` sessions in all, `maxSessionsPerIp` per
 * client address (per /64 for IPv6, see client-address.js) and `maxSessionsPerPrefix` per
 * network (/24, /56); when the bridge is full, a client of a lighter network evicts the idlest
 * session of the heaviest network, so that a few networks cannot lock everyone else out. A session holds its slot from the
 * moment it passed the origin, token and allowlist checks - so name resolution and connecting
 * count too - until it ends.
 *
 * Separately, a flood guard bounds the WebSockets that exist at all, refused ones included
 * (they live for up to the close time-out): past twice the limits (per address, per network,
 * in all), upgrades are answered with HTTP 503 before any WebSocket is created.
 */

export class SessionLimits {
  #maxSessions;
  #maxPerIp;
  #maxPerPrefix;
  #perKey = new Map();
  #perPrefix = new Map();  // prefix -> Set of sessions holding a slot
  #total = 0;

  /** @param {{maxSessions: number, maxSessionsPerIp: number, maxSessionsPerPrefix: number}} limits */
  constructor({ maxSessions, maxSessionsPerIp, maxSessionsPerPrefix }) {
    this.#maxSessions = maxSessions;
    this.#maxPerIp = maxSessionsPerIp;
    // A network limit at or above the total is no limit of its own (the total speaks for it).
    this.#maxPerPrefix = (maxSessionsPerPrefix ?? Infinity) >= maxSessions ? Infinity : maxSessionsPerPrefix;
  }

  get total() {
    return this.#total;
  }

  /**
   * Takes a slot for `session` of address key `key` and network `prefix`, or says why not.
   * When the bridge is full, a session from a network holding fewer sessions than the heaviest
   * one still gets in: the heaviest network's session that has been idle longest (or is still
   * connecting) is evicted for it (`session.evict()`, which must call release()).
   * @param {{lastActivity: number, evict(): void}} [session]
   * @returns {null | string} null when taken; otherwise the reason, for the close frame
   */
  acquire(key, prefix = key, session = null) {
    const count = this.#perKey.get(key) ?? 0;
    if (count >= this.#maxPerIp) return `too many connections from your address (limit ${this.#maxPerIp})`;
    const inPrefix = this.#perPrefix.get(prefix);
    if ((inPrefix?.size ?? 0) >= this.#maxPerPrefix) return `too many connections from your network (limit ${this.#maxPerPrefix})`;
    if (this.#total >= this.#maxSessions && !this.#evictFor(prefix)) return `the bridge is at capacity (${this.#maxSessions} sessions)`;
    this.#perKey.set(key, count + 1);
    let set = inPrefix;
    if (!set) this.#perPrefix.set(prefix, (set = new Set()));
    set.add(session ?? Symbol('slot'));
    this.#total++;
    return null;
  }

  release(key, prefix = key, session = null) {
    const count = this.#perKey.get(key) ?? 0;
    if (count <= 1) this.#perKey.delete(key);
    else this.#perKey.set(key, count - 1);
    const set = this.#perPrefix.get(prefix);
    if (set) {
      if (session && set.has(session)) set.delete(session);
      else set.delete(set.values().next().value);  // anonymous slots
      if (set.size === 0) this.#perPrefix.delete(prefix);
    }
    this.#total = Math.max(0, this.#total - 1);
  }

  #evictFor(prefix) {
    const own = this.#perPrefix.get(prefix)?.size ?? 0;
    let heaviest = null;
    for (const [p, set] of this.#perPrefix) {
      if (p !== prefix && set.size > own + 1 && (!heaviest || set.size > heaviest.size)) heaviest = set;
    }
    let victim = null;
    for (const s of heaviest ?? []) {
      if (typeof s === 'object' && (!victim || s.lastActivity < victim.lastActivity)) victim = s;
    }
    if (!victim) return false;
    victim.evict();  // releases its slot
    return true;
  }
}

/**
 * Counts every open WebSocket (and upgrade in progress) per address key and per network, for the
 * flood guard. Per network as well as per address: one network with many addresses would
 * otherwise fill the total by itself. When the total is full, a network holding fewer than
 * `maxSessionsPerIp` WebSockets still gets in, from a reserve of a quarter of the total: a few
 * networks filling the total must not lock out a client from elsewhere (its session may then
 * evict the heaviest network's idlest, see SessionLimits).
 */
export class FloodGuard {
  #maxTotal;
  #reserve;
  #maxPerKey;
  #maxPerPrefix;
  #light;
  #perKey = new Map();
  #perPrefix = new Map();
  #total = 0;

  /** @param {{maxSessions: number, maxSessionsPerIp: number, maxSessionsPerPrefix: number}} limits */
  constructor({ maxSessions, maxSessionsPerIp, maxSessionsPerPrefix = maxSessions }) {
    this.#maxTotal = 2 * maxSessions + 16;
    this.#reserve = Math.ceil(this.#maxTotal / 4);
    this.#maxPerKey = 2 * maxSessionsPerIp + 16;
    this.#maxPerPrefix = 2 * maxSessionsPerPrefix + 16;
    this.#light = maxSessionsPerIp;
  }

  /** @returns {boolean} false when the socket must be turned away */
  enter(key, prefix = key) {
    const count = this.#perKey.get(key) ?? 0;
    const inPrefix = this.#perPrefix.get(prefix) ?? 0;
    if (count >= this.#maxPerKey || inPrefix >= this.#maxPerPrefix) return false;
    if (this.#total >= this.#maxTotal && (inPrefix >= this.#light || this.#total >= this.#maxTotal + this.#reserve)) return false;
    this.#perKey.set(key, count + 1);
    this.#perPrefix.set(prefix, inPrefix + 1);
    this.#total++;
    return true;
  }

  leave(key, prefix = key) {
    for (const [map, k] of [[this.#perKey, key], [this.#perPrefix, prefix]]) {
      const count = map.get(k) ?? 0;
      if (count <= 1) map.delete(k);
      else map.set(k, count - 1);
    }
    this.#total = Math.max(0, this.#total - 1);
  }
}
