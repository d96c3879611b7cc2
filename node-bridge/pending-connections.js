/**
 * Connections that are not WebSockets yet: from the TCP accept until the HTTP request (the
 * WebSocket upgrade, or any other GET) has arrived in full. This is where
 * half-open and slowloris connections live - a socket that never sends its request, or sends
 * it one byte at a time - so this is where they are bounded:
 *
 *   - each must complete its request (and, for wss, its TLS handshake first) within
 *     `headersTimeoutMs` of being accepted, or it is answered 408 and closed. Node's own
 *     headersTimeout is only checked every 30 s, which would let a 10 s limit hold a socket for
 *     40 s; this timer is per connection and exact;
 *   - at most `maxPendingConnectionsPerIp` per client address (per /64 for IPv6) and
 *     `maxPendingConnections` in all; beyond, a new connection is closed at once, before a byte
 *     of it is read. Trusted proxies (`trustProxy`) are exempt from the per-address limit - every
 *     client behind them shares their address, and they buffer requests themselves - but not
 *     from the total.
 *
 *   - at most `maxPendingConnectionsPerPrefix` per network (/24, /56: `ipv4Prefix`,
 *     `ipv6Prefix`), so that a few networks cannot fill the total. When the total is full, a
 *     connection from a network that holds fewer than the heaviest one still gets in: the
 *     oldest connection of the heaviest network that is still waiting for its request is closed
 *     for it (rejection reason 'pending_evicted'). Only a client from the heaviest network
 *     itself is closed at once.
 *
 * A keep-alive HTTP connection counts until it closes; it gets `headersTimeoutMs` again for
 * each next request. Upgraded connections are counted by the flood guard (limits.js) instead.
 */
import { limitKey, normalizeIp, prefixKey } from './client-address.js';

const TIMEOUT_RESPONSE = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\nrequest timeout\n';

export class PendingConnections {
  #maxTotal;
  #maxPerKey;
  #timeoutMs;
  #tls;
  #trusted;
  #events;
  #perKey = new Map();
  #maxPerPrefix;
  #bits;
  #perPrefix = new Map();  // prefix -> Set of entries, oldest first
  // "address|port" of the peer -> entry. Keyed by the peer rather than by socket object so that
  // the TLS socket of a wss connection finds the entry of the TCP socket under it.
  #entries = new Map();

  /**
   * @param {{maxPendingConnections: number, maxPendingConnectionsPerIp: number, headersTimeoutMs: number, trustProxy: Set<string>, tls: object | null}} settings
   * @param {{rejected(reason: string, client: string): void}} events `reason` is
   *   'pending_per_ip', 'pending_per_prefix', 'pending_total', 'pending_evicted' or 'header_timeout'
   */
  constructor({ maxPendingConnections, maxPendingConnectionsPerIp, maxPendingConnectionsPerPrefix, ipv4Prefix, ipv6Prefix, perAddressNetworks, headersTimeoutMs, trustProxy, tls }, events) {
    this.#tls = Boolean(tls);
    // A network limit at or above the total is no limit of its own (the total speaks for it).
    this.#maxPerPrefix = maxPendingConnectionsPerPrefix >= maxPendingConnections ? Infinity : maxPendingConnectionsPerPrefix;
    this.#bits = { ipv4Prefix, ipv6Prefix, perAddressNetworks };
    this.#maxTotal = maxPendingConnections;
    this.#maxPerKey = maxPendingConnectionsPerIp;
    this.#timeoutMs = headersTimeoutMs;
    this.#trusted = trustProxy;
    this.#events = events;
  }

  /** Connections counted now. */
  get size() {
    return this.#entries.size;
  }

  /** A TCP connection was accepted: counts it and starts its clock, or closes it at once. */
  accept(socket) {
    if (!socket.remoteAddress) {
      socket.destroy();  // already gone
      return;
    }
    const client = normalizeIp(socket.remoteAddress);
    const id = `${socket.remoteAddress}|${socket.remotePort}`;
    const stale = this.#entries.get(id);  // a closed socket whose 'close' has not run yet
    if (stale) this.#release(stale);
    const key = limitKey(client);
    const prefix = prefixKey(client, this.#bits);
    const exempt = this.#trusted.has(client);
    let reason = null;
    if (!exempt && (this.#perKey.get(key) ?? 0) >= this.#maxPerKey) reason = 'pending_per_ip';
    else if (!exempt && (this.#perPrefix.get(prefix)?.size ?? 0) >= this.#maxPerPrefix) reason = 'pending_per_prefix';
    else if (this.#entries.size >= this.#maxTotal && !this.#evictFor(prefix)) reason = 'pending_total';
    if (reason) {
      socket.destroy();
      this.#events.rejected(reason, client);
      return;
    }
    const entry = { id, key, prefix, exempt, client, socket, secure: null, timer: null };
    this.#entries.set(id, entry);
    if (!exempt) this.#perKey.set(key, (this.#perKey.get(key) ?? 0) + 1);
    let inPrefix = this.#perPrefix.get(prefix);
    if (!inPrefix) this.#perPrefix.set(prefix, (inPrefix = new Set()));
    inPrefix.add(entry);
    socket.once('close', () => this.#release(entry));
    this.#arm(entry);
  }

  /** wss: the TLS handshake of a pending connection is done (408 can now be sent over it). */
  secured(tlsSocket) {
    const entry = this.#find(tlsSocket);
    if (entry) entry.secure = tlsSocket;
  }

  /** The connection's request has arrived in full: its clock stops (the request is answered now). */
  requestReceived(socket) {
    const entry = this.#find(socket);
    if (entry) this.#disarm(entry);
  }

  /** A plain HTTP request was answered; the connection may send another within the time-out. */
  responseSent(socket) {
    const entry = this.#find(socket);
    if (entry && !entry.timer && !socket.destroyed) this.#arm(entry);
  }

  /** The connection became a WebSocket: it is no longer pending. */
  upgraded(socket) {
    const entry = this.#find(socket);
    if (entry) this.#release(entry);
  }

  /** Shutdown: closes the connections that are waiting for a request (not those being answered). */
  closeWaiting() {
    for (const entry of [...this.#entries.values()]) {
      if (!entry.timer) continue;
      this.#release(entry);
      (entry.secure ?? entry.socket).destroy();
      entry.socket.destroy();
    }
  }

  // The total is full: closes the oldest waiting connection of the heaviest network, if that
  // network holds more than the newcomer's would with it. True when a place was made.
  #evictFor(prefix) {
    const own = this.#perPrefix.get(prefix)?.size ?? 0;
    let heaviest = null;
    for (const [p, set] of this.#perPrefix) {
      if (p !== prefix && set.size > own + 1 && (!heaviest || set.size > heaviest.size)) heaviest = set;
    }
    if (!heaviest) return false;
    for (const entry of heaviest) {
      if (!entry.timer || entry.exempt) continue;  // being answered, or a trusted proxy
      this.#events.rejected('pending_evicted', entry.client);
      this.#release(entry);
      (entry.secure ?? entry.socket).destroy();
      entry.socket.destroy();
      return true;
    }
    return false;
  }

  #find(socket) {
    return this.#entries.get(`${socket.remoteAddress}|${socket.remotePort}`);
  }

  #arm(entry) {
    entry.timer = setTimeout(() => {
      entry.timer = null;
      this.#events.rejected('header_timeout', entry.client);
      const { secure, socket } = entry;
      this.#release(entry);
      // The request is incomplete, so no response is in progress on this connection. Before the
      // TLS handshake is done there is no way to answer at all.
      const http = this.#tls ? secure : socket;
      if (http?.writable) http.write(TIMEOUT_RESPONSE);
      http?.destroy();
      socket.destroy();
    }, this.#timeoutMs);
    entry.timer.unref?.();
  }

  #disarm(entry) {
    clearTimeout(entry.timer);
    entry.timer = null;
  }

  #release(entry) {
    if (this.#entries.get(entry.id) !== entry) return;
    this.#disarm(entry);
    this.#entries.delete(entry.id);
    const inPrefix = this.#perPrefix.get(entry.prefix);
    inPrefix?.delete(entry);
    if (inPrefix?.size === 0) this.#perPrefix.delete(entry.prefix);
    if (entry.exempt) return;
    const count = this.#perKey.get(entry.key) ?? 0;
    if (count <= 1) this.#perKey.delete(entry.key);
    else this.#perKey.set(entry.key, count - 1);
  }
}
