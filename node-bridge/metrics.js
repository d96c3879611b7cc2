/**
 * Counters and gauges of one bridge, as a snapshot object (bridge.metrics()) and in the
 * Prometheus text format (GET /metrics). Nothing here identifies a client or a target: per-
 * target or per-client labels would let the label set grow without bound.
 */
import { refusalLabel } from './close-codes.js';

/**
 * Why a connection was turned away before it became a WebSocket (so without a close code):
 * pending-connections.js and server.js. Fixed, so the label set is bounded.
 */
export const REJECTION_REASONS = Object.freeze([
  'pending_per_ip',     // too many connections from one address still sending their request
  'pending_per_prefix', // too many such connections from one network (/24, /56)
  'pending_total',      // too many such connections in all
  'pending_evicted',    // waiting for its request when the total was full: closed for a client of a lighter network
  'header_timeout',     // the request (or TLS handshake) was not complete within headersTimeoutMs: 408
  'headers_too_large',  // request line + headers over the limit: 431
  'uri_too_long',       // request target over the limit: 414
  'bad_request',        // not HTTP, or a URL that cannot be parsed: 400
  'not_found',          // an upgrade on another path than `path`: 404
  'flood',              // the flood guard: too many WebSockets from the address or in all: 503
  'shutting_down',      // an upgrade while closing: 503
]);

export class Metrics {
  connectionsTotal = 0;
  sessionsTotal = 0;
  bytesClientToTarget = 0;
  bytesTargetToClient = 0;
  peakBufferedBytes = 0;
  throttled = 0;  // times a session stopped being read for a rate limit (rate-limit.js)
  refusals = Object.fromEntries(Object.values(refusalLabel).map((label) => [label, 0]));
  closes = new Map();  // close code -> count
  rejections = Object.fromEntries(REJECTION_REASONS.map((reason) => [reason, 0]));
  #live;

  /**
   * @param {() => {connectionsActive: number, sessionsActive: number, bufferedBytes: number, pendingConnections: number}} live
   *   reads the gauges from the live sessions when asked
   */
  constructor(live) {
    this.#live = live;
  }

  refused(code) {
    const label = refusalLabel[code];
    if (label) this.refusals[label]++;
  }

  /** A connection turned away before the upgrade (REJECTION_REASONS). */
  rejected(reason) {
    if (reason in this.rejections) this.rejections[reason]++;
  }

  closed(code) {
    this.closes.set(code, (this.closes.get(code) ?? 0) + 1);
  }

  /** Records a buffer level seen by a session (the highest since start is kept). */
  buffered(bytes) {
    if (bytes > this.peakBufferedBytes) this.peakBufferedBytes = bytes;
  }

  snapshot() {
    const live = this.#live();
    const memory = process.memoryUsage();
    return {
      connectionsActive: live.connectionsActive,
      connectionsTotal: this.connectionsTotal,
      sessionsActive: live.sessionsActive,
      sessionsTotal: this.sessionsTotal,
      refusals: { ...this.refusals },
      pendingConnections: live.pendingConnections,
      rejectedConnections: { ...this.rejections },
      closes: Object.fromEntries([...this.closes].sort((a, b) => a[0] - b[0])),
      bytesClientToTarget: this.bytesClientToTarget,
      bytesTargetToClient: this.bytesTargetToClient,
      bufferedBytes: live.bufferedBytes,
      peakBufferedBytes: this.peakBufferedBytes,
      throttled: this.throttled,
      memory: { rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, arrayBuffers: memory.arrayBuffers },
    };
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  prometheus() {
    const s = this.snapshot();
    const lines = [];
    const metric = (name, type, help, samples) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric('pop3_bridge_connections_active', 'gauge', 'WebSocket connections open now, refused ones included.', [['', s.connectionsActive]]);
    metric('pop3_bridge_connections_total', 'counter', 'WebSocket connections accepted since start.', [['', s.connectionsTotal]]);
    metric('pop3_bridge_sessions_active', 'gauge', 'Sessions relaying to a target now.', [['', s.sessionsActive]]);
    metric('pop3_bridge_sessions_total', 'counter', 'Sessions that connected to their target since start.', [['', s.sessionsTotal]]);
    metric('pop3_bridge_refusals_total', 'counter', 'Connections refused, by reason.',
      Object.entries(s.refusals).map(([reason, n]) => [`{reason="${reason}"}`, n]));
    metric('pop3_bridge_pending_connections', 'gauge', 'Connections whose HTTP request (upgrade) has not arrived in full yet.', [['', s.pendingConnections]]);
    metric('pop3_bridge_rejected_connections_total', 'counter', 'Connections turned away before the WebSocket upgrade, by reason.',
      Object.entries(s.rejectedConnections).map(([reason, n]) => [`{reason="${reason}"}`, n]));
    metric('pop3_bridge_closes_total', 'counter', 'Connections ended, by WebSocket close code.',
      Object.entries(s.closes).map(([code, n]) => [`{code="${code}"}`, n]));
    metric('pop3_bridge_bytes_total', 'counter', 'Bytes relayed, by direction.', [
      ['{direction="client_to_target"}', s.bytesClientToTarget],
      ['{direction="target_to_client"}', s.bytesTargetToClient],
    ]);
    metric('pop3_bridge_buffered_bytes', 'gauge', 'Bytes held by the bridge now (WebSocket send buffers, TCP write buffers, early client bytes).', [['', s.bufferedBytes]]);
    metric('pop3_bridge_buffered_bytes_peak', 'gauge', 'The most bytes one session held at once since start.', [['', s.peakBufferedBytes]]);
    metric('pop3_bridge_throttled_total', 'counter', 'Times a session was not read for a while because it sent over a rate limit.', [['', s.throttled]]);
    metric('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [['', s.memory.rss]]);
    metric('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use, in bytes.', [['', s.memory.heapUsed]]);
    metric('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JS objects (Buffers included), in bytes.', [['', s.memory.external]]);
    return `${lines.join('\n')}\n`;
  }
}
