// Types of the bridge library (node-bridge/index.js). See docs/bridge.md.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** An allowlist rule: "host:995,110", "*.example.org:995", "[2001:db8::1]:995", or an object. */
export type AllowRule = string | { host: string; ports: number[] | number; allowPrivate?: boolean };

export interface BridgeOptions {
  /** Allowed targets. Nothing else can be reached; there is no allow-all rule. */
  allow?: AllowRule[];
  /** Text rules whose targets may resolve to private, loopback or link-local addresses. */
  allowPrivate?: string[];
  /** Allowed browser origins ("https://app.example"), or "*" for any. Default: none. */
  origins?: string[];
  /** Allow handshakes without an Origin header (programs, not browsers). Default: true. */
  allowMissingOrigin?: boolean;
  /** Accepted access tokens (16+ subprotocol-safe characters). Default: none required. */
  tokens?: string[];
  /** Concurrent sessions in all. Default 1000. */
  maxSessions?: number;
  /** Concurrent sessions per client address (IPv6: per /64). Default 10. */
  maxSessionsPerIp?: number;
  /** Resolving and connecting to the target; 4006 after it. Default 10000. */
  connectTimeoutMs?: number;
  /** No byte in either direction for this long: 4007. Default 600000. */
  idleTimeoutMs?: number;
  /** Largest WebSocket message from a client; 1009 beyond. Default 262144. */
  maxFrameBytes?: number;
  /** Bytes held per session for a slow WebSocket reader before the target is paused. Default 524288. */
  highWaterMark?: number;
  /**
   * Memory budget: bytes one session may hold at once (all its buffers, counted at their true
   * size); past it the session ends with 1008. Default: max(4 MiB, 4 x highWaterMark).
   */
  maxSessionBytes?: number | null;
  /**
   * Messages a client may send per second in one session (client -> target); past it the
   * bridge stops reading that WebSocket until the rate is back (TCP backpressure). 0: no limit.
   * Default 1000.
   */
  maxMessagesPerSecond?: number;
  /** The same in bytes. 0: no limit. Default 1048576. */
  maxBytesPerSecond?: number;
  /** Messages per second of all sessions of one client address (IPv6: per /64). 0: no limit. Default 4000. */
  maxMessagesPerSecondPerIp?: number;
  /** The same in bytes. 0: no limit. Default 4194304. */
  maxBytesPerSecondPerIp?: number;
  /** How long to wait for the client's close frame. Default 5000. */
  closeTimeoutMs?: number;
  /** Default of close({ drainMs }). Default 10000. */
  drainMs?: number;
  /**
   * A connection must deliver its complete HTTP request (for wss, after the TLS handshake)
   * within this many ms of being accepted, or it is answered 408 and closed. Default 10000.
   */
  headersTimeoutMs?: number;
  /** Connections whose request has not arrived in full yet, in all; beyond, new ones are closed at once. Default: maxSessions. */
  maxPendingConnections?: number | null;
  /** The same per client address (IPv6: per /64); trusted proxies are exempt. Default: 2 x maxSessionsPerIp. */
  maxPendingConnectionsPerIp?: number | null;
  /**
   * Concurrent sessions per network (`ipv4Prefix`, `ipv6Prefix`). When the bridge is full, a
   * client of a network holding fewer sessions than the heaviest one evicts that network's
   * idlest session (4005). Default: a quarter of maxSessions (at least maxSessionsPerIp).
   */
  maxSessionsPerPrefix?: number | null;
  /**
   * Connections still sending their request, per network; when the total is full, the heaviest
   * network's oldest waiting connection is closed for a client of a lighter one. Default: a
   * quarter of maxPendingConnections (at least maxPendingConnectionsPerIp).
   */
  maxPendingConnectionsPerPrefix?: number | null;
  /** Network size of the per-prefix limits for IPv4, in bits. Default 24. */
  ipv4Prefix?: number;
  /** Network size of the per-prefix limits for IPv6, in bits. Default 56. */
  ipv6Prefix?: number;
  /**
   * Ping each client this often; one that stops answering is dropped after one to two
   * intervals (longer while it may still be reading data sent to it). 0: no pings. Default 30000.
   */
  pingIntervalMs?: number;
  /** Accept WebSocket upgrades on this path only. Default: any path. */
  path?: string | null;
  /** Proxies (IP addresses) whose X-Forwarded-For names the client. */
  trustProxy?: string[];
  /**
   * Networks ("100.64.0.0/10", "2001:db8::/48") whose addresses each count as a network of their
   * own for the per-prefix limits and eviction: large NATs and CGNAT pools, where many users
   * share one /24 (docs/bridge.md, "Large NATs"). Default: none.
   */
  perAddressNetworks?: string[];
  /** Serve wss:// directly with this certificate chain and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Serve GET /metrics. Default true. */
  metrics?: boolean;
  /**
   * "host:port" of a listener of their own for GET /metrics and GET /healthz (port 0: any free
   * one, see `Bridge.metricsServer`). Default: none, so nothing serves them.
   */
  metricsListen?: string | null;
  /** Also serve /metrics and /healthz on the public listener (only for a bridge no untrusted client reaches). Default false. */
  publicMetrics?: boolean;
  /** Where log records go: a function, or false for none. Default: JSON lines on stdout. */
  log?: ((record: LogRecord) => void) | false;
  /** Sees every relayed chunk (tests, diagnostics). */
  onRelay?: (direction: 'client-to-target' | 'target-to-client', bytes: Buffer) => void;
  /** Name resolution, dns.promises.lookup-compatible. */
  lookup?: (host: string, options: { all: true; verbatim: true }) => Promise<{ address: string; family: number }[]>;
}

/** One log record; `event: 'session'` records end a session. */
export interface LogRecord {
  time: string;
  event: 'listening' | 'session' | 'rejected' | 'closing' | 'closed' | 'error' | string;
  [field: string]: unknown;
}

export interface SessionRecord extends LogRecord {
  event: 'session';
  id: number;
  client: string;
  origin: string | null;
  target: string | null;
  address: string | null;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
  durationMs: number;
  closeCode: number;
  closeReason: string;
  closedBy: 'client' | 'target' | 'bridge';
}

/** Why a connection was turned away before it became a WebSocket (docs/bridge.md, "Abuse handling"). */
export type RejectionReason =
  | 'pending_per_ip' | 'pending_per_prefix' | 'pending_total' | 'pending_evicted' | 'header_timeout' | 'headers_too_large' | 'uri_too_long'
  | 'bad_request' | 'not_found' | 'flood' | 'shutting_down';

/** Summary of the connections turned away in one window (at most one record per second). */
export interface RejectedRecord extends LogRecord {
  event: 'rejected';
  windowMs: number;
  counts: Partial<Record<RejectionReason, number>>;
  /** The addresses turned away most (at most 10), with their counts. */
  clients: Record<string, number>;
}

export interface BridgeMetrics {
  connectionsActive: number;
  connectionsTotal: number;
  sessionsActive: number;
  sessionsTotal: number;
  refusals: Record<'target_not_allowed' | 'private_address' | 'origin_not_allowed' | 'bad_token' | 'too_many_connections' | 'connect_failed', number>;
  /** Connections whose HTTP request has not arrived in full yet. */
  pendingConnections: number;
  /** Connections turned away before the WebSocket upgrade, by reason. */
  rejectedConnections: Record<RejectionReason, number>;
  closes: Record<string, number>;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
  bufferedBytes: number;
  peakBufferedBytes: number;
  /** Times a session was not read for a while because it sent over a rate limit. */
  throttled: number;
  memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

export interface Bridge {
  readonly server: HttpServer | HttpsServer;
  /** The internal listener of /metrics and /healthz; null without `metricsListen`. */
  readonly metricsServer: HttpServer | null;
  /** Starts listening (default 127.0.0.1:8110); resolves with the bound address. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets sessions finish for drainMs, closes the rest with 4009. */
  close(options?: { drainMs?: number }): Promise<void>;
  metrics(): BridgeMetrics;
  /** Replaces tokens and/or the TLS certificate; refuses to go from some tokens to none. */
  reload(changes: { tokens?: string[]; tls?: { cert: string | Buffer; key: string | Buffer } }): void;
}

export function createBridge(options: BridgeOptions): Bridge;

export const CloseCode: Readonly<{
  NORMAL: 1000;
  UNSUPPORTED_DATA: 1003;
  FRAME_TOO_LARGE: 1009;
  INTERNAL_ERROR: 1011;
  TARGET_NOT_ALLOWED: 4001;
  PRIVATE_ADDRESS: 4002;
  ORIGIN_NOT_ALLOWED: 4003;
  BAD_TOKEN: 4004;
  TOO_MANY_CONNECTIONS: 4005;
  CONNECT_FAILED: 4006;
  IDLE_TIMEOUT: 4007;
  TARGET_CLOSED: 4008;
  SHUTTING_DOWN: 4009;
}>;

export function classifyAddress(address: string): { public: boolean; category: string };
export function parseTarget(text: string): { host: string; kind: 'name' | 'ipv4' | 'ipv6'; port: number; display: string } | null;
export function parseRule(rule: AllowRule, defaults?: { allowPrivate?: boolean }): {
  host: string; kind: 'name' | 'ipv4' | 'ipv6'; wildcard: boolean; ports: Set<number>; allowPrivate: boolean; text: string;
};
export const DEFAULTS: Readonly<Required<Pick<BridgeOptions, 'origins' | 'allowMissingOrigin' | 'maxSessions' | 'maxSessionsPerIp' | 'connectTimeoutMs' | 'idleTimeoutMs' | 'maxFrameBytes' | 'highWaterMark' | 'maxMessagesPerSecond' | 'maxBytesPerSecond' | 'maxMessagesPerSecondPerIp' | 'maxBytesPerSecondPerIp' | 'closeTimeoutMs' | 'drainMs' | 'headersTimeoutMs' | 'pingIntervalMs' | 'ipv4Prefix' | 'ipv6Prefix' | 'metrics' | 'publicMetrics'>> & { path: null; metricsListen: null; maxPendingConnections: null; maxPendingConnectionsPerIp: null; maxSessionBytes: null; maxSessionsPerPrefix: null; maxPendingConnectionsPerPrefix: null }>;
export function readConfigFile(file: string): Record<string, unknown>;
export function configToOptions(config: Record<string, unknown>): { options: BridgeOptions; listen: { host: string; port: number }; drainMs: number };
export function parseListen(text: string): { host: string; port: number };
