/**
 * Settings: the defaults, the validation of createBridge() options, and the JSON configuration
 * file the CLI reads (docs/bridge.md documents every key). Unknown keys are errors, not
 * warnings: a misspelt limit that is silently ignored is a limit that is not there.
 *
 * The file and the library take the same keys, except that the file names files (`tokenFile`,
 * `tls.certFile`, `tls.keyFile`; relative to the file's directory) where the library takes their
 * contents (`tokens`, `tls.cert`, `tls.key`), and that only the library takes functions (`log`,
 * `onRelay`, `lookup`).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { parseTokenFile, validateToken } from './access-token.js';
import { Allowlist, parseRule } from './allowlist.js';
import { normalizeIp } from './client-address.js';
import { normalizeOrigin } from './origin-policy.js';

export const DEFAULTS = Object.freeze({
  path: null,                  // accept upgrades on any path
  origins: [],                 // no web page until listed
  allowMissingOrigin: true,    // programs (no Origin header) are allowed
  maxSessions: 1000,
  maxSessionsPerIp: 10,
  connectTimeoutMs: 10_000,    // resolving and connecting to the target
  idleTimeoutMs: 600_000,      // RFC 1939: a server's own idle timer is at least 10 minutes
  maxFrameBytes: 256 * 1024,   // clients send commands and TLS records, never large frames
  highWaterMark: 512 * 1024,   // per session, bytes waiting for a slow WebSocket reader
  maxSessionBytes: null,       // per session, all bytes held at once, past it the session ends (1008); null: max(4 MiB, 4 x highWaterMark)
  // Client -> target, per session and per client address (IPv6: per /64); 0: no limit. A POP3
  // client sends commands and TLS records, a few messages and kilobytes a second.
  maxMessagesPerSecond: 1000,
  maxBytesPerSecond: 1024 * 1024,
  maxMessagesPerSecondPerIp: 4000,
  maxBytesPerSecondPerIp: 4 * 1024 * 1024,
  closeTimeoutMs: 5_000,       // waiting for the client's close frame
  drainMs: 10_000,             // CLI: graceful shutdown time
  headersTimeoutMs: 10_000,    // from TCP accept to a complete HTTP request (TLS handshake included)
  maxPendingConnections: null,       // connections whose request has not arrived in full yet; null: maxSessions
  maxPendingConnectionsPerIp: null,  // ... per client address (IPv6: per /64); null: 2 x maxSessionsPerIp
  // Networks, for the per-prefix limits: IPv4 /24, IPv6 /56 (a subscriber's usual delegation).
  ipv4Prefix: 24,
  ipv6Prefix: 56,
  maxSessionsPerPrefix: null,            // null: a quarter of maxSessions
  maxPendingConnectionsPerPrefix: null,  // null: a quarter of maxPendingConnections
  pingIntervalMs: 30_000,      // ping clients this often; drop one that leaves a ping unanswered (heartbeat.js); 0: off
  metrics: true,
  metricsListen: null,         // "host:port" of a listener of its own for GET /metrics and /healthz
  publicMetrics: false,        // also answer /metrics and /healthz on the public listener
});

const NUMBER_KEYS = [
  'maxSessions', 'maxSessionsPerIp', 'connectTimeoutMs', 'idleTimeoutMs', 'maxFrameBytes', 'highWaterMark', 'maxSessionBytes', 'closeTimeoutMs', 'drainMs',
  'headersTimeoutMs', 'maxPendingConnections', 'maxPendingConnectionsPerIp', 'pingIntervalMs',
  'maxMessagesPerSecond', 'maxBytesPerSecond', 'maxMessagesPerSecondPerIp', 'maxBytesPerSecondPerIp',
  'ipv4Prefix', 'ipv6Prefix', 'maxSessionsPerPrefix', 'maxPendingConnectionsPerPrefix',
];
// Keys where 0 means "none" (no drain time; no pings; no rate limit).
const ZERO_ALLOWED = new Set(['drainMs', 'pingIntervalMs', 'maxMessagesPerSecond', 'maxBytesPerSecond', 'maxMessagesPerSecondPerIp', 'maxBytesPerSecondPerIp']);
const LIBRARY_KEYS = new Set([
  ...Object.keys(DEFAULTS), 'allow', 'allowPrivate', 'tokens', 'tls', 'trustProxy', 'perAddressNetworks', 'log', 'onRelay', 'lookup',
]);
const FILE_KEYS = new Set([...Object.keys(DEFAULTS), 'listen', 'allow', 'allowPrivate', 'tokens', 'tokenFile', 'tls', 'trustProxy', 'perAddressNetworks']);

/**
 * "203.0.113.0/24", "2001:db8::/48" -> a BlockList, or null for none: networks whose addresses
 * each count as a network of their own for the per-prefix limits (client-address.js prefixKey).
 */
function parseNetworks(networks) {
  if (networks.length === 0) return null;
  const blocks = new net.BlockList();
  for (const text of networks) {
    const [address, bits, extra] = String(text).split('/');
    const family = net.isIP(address);
    const prefix = Number(bits);
    if (!family || extra !== undefined || !/^\d+$/.test(bits ?? '') || prefix > (family === 4 ? 32 : 128)) {
      throw new Error(`perAddressNetworks: "${text}" is not a network (address/bits, e.g. 100.64.0.0/10)`);
    }
    blocks.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return blocks;
}

const list = (value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/**
 * Validates createBridge() options and fills in defaults.
 * @param {import('./index.js').BridgeOptions} options
 * @throws {Error} describing the first problem
 */
export function resolveOptions(options = {}) {
  for (const key of Object.keys(options)) {
    if (!LIBRARY_KEYS.has(key)) throw new Error(`unknown bridge option "${key}"`);
  }
  const settings = { ...DEFAULTS, ...options };
  settings.maxPendingConnections ??= settings.maxSessions;
  settings.maxSessionBytes ??= Math.max(4 * 1024 * 1024, 4 * (Number.isSafeInteger(settings.highWaterMark) ? settings.highWaterMark : 0));
  settings.maxPendingConnectionsPerIp ??= 2 * settings.maxSessionsPerIp;
  settings.maxSessionsPerPrefix ??= Math.max(settings.maxSessionsPerIp, Math.floor(settings.maxSessions / 4));
  settings.maxPendingConnectionsPerPrefix ??= Math.max(settings.maxPendingConnectionsPerIp, Math.floor(settings.maxPendingConnections / 4));
  for (const key of NUMBER_KEYS) {
    const value = settings[key];
    if (!Number.isSafeInteger(value) || value < (ZERO_ALLOWED.has(key) ? 0 : 1)) {
      throw new Error(`${key} must be a positive integer, not ${JSON.stringify(value)}`);
    }
  }
  const rules = [
    ...list(options.allow).map((r) => parseRule(r)),
    ...list(options.allowPrivate).map((r) => parseRule(r, { allowPrivate: true })),
  ];
  if (rules.length === 0) throw new Error('no target is allowed: give at least one allow rule (e.g. "pop.example.com:995")');
  const tokens = list(options.tokens);
  tokens.forEach((t, i) => validateToken(t, `token ${i + 1}`));
  const trustProxy = list(options.trustProxy).map((a) => {
    if (!net.isIP(String(a))) throw new Error(`trustProxy: "${a}" is not an IP address`);
    return normalizeIp(a);
  });
  const perAddressNetworks = parseNetworks(list(options.perAddressNetworks));
  const origins = list(options.origins).map(normalizeOrigin);
  if (settings.path !== null && (typeof settings.path !== 'string' || !settings.path.startsWith('/'))) {
    throw new Error(`path must start with "/", not ${JSON.stringify(settings.path)}`);
  }
  if (settings.ipv4Prefix > 32) throw new Error(`ipv4Prefix must be 1 to 32, not ${settings.ipv4Prefix}`);
  if (settings.ipv6Prefix > 128) throw new Error(`ipv6Prefix must be 1 to 128, not ${settings.ipv6Prefix}`);
  if (settings.metricsListen !== null) parseListen(settings.metricsListen);  // throws when malformed
  if (options.tls && (!options.tls.cert || !options.tls.key)) throw new Error('tls needs both cert and key (PEM)');
  for (const fn of ['log', 'onRelay', 'lookup']) {
    if (options[fn] !== undefined && options[fn] !== false && typeof options[fn] !== 'function') {
      throw new Error(`${fn} must be a function`);
    }
  }
  return {
    ...settings,
    allowlist: new Allowlist(rules),
    tokens,
    trustProxy: new Set(trustProxy),
    perAddressNetworks,
    origins,
    allowMissingOrigin: settings.allowMissingOrigin !== false,
    metrics: settings.metrics !== false,
    publicMetrics: settings.publicMetrics === true,
    tls: options.tls ?? null,
  };
}

/**
 * "host:port" of the listen setting -> { host, port }. IPv6 in brackets.
 * @param {string} text
 */
export function parseListen(text) {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]+)):(\d{1,5})$/.exec(String(text));
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error(`listen address "${text}": expected host:port, e.g. 127.0.0.1:8110`);
  return { host: match[1] ?? match[2], port };
}

/** Reads a JSON configuration file (keys as in docs/bridge.md). */
export function readConfigFile(file) {
  let config;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`configuration file ${file}: ${err.message}`);
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error(`configuration file ${file}: expected a JSON object`);
  for (const key of Object.keys(config)) {
    if (!FILE_KEYS.has(key)) throw new Error(`configuration file ${file}: unknown key "${key}"`);
  }
  return { ...config, baseDir: path.dirname(path.resolve(file)) };
}

/**
 * A configuration (file keys; from a file, flags or both) -> createBridge() options, the
 * listen address and the drain time. Files it names are read here.
 * @param {object} config
 * @returns {{options: object, listen: {host: string, port: number}, drainMs: number}}
 */
export function configToOptions(config) {
  const { listen = '127.0.0.1:8110', tokenFile, tls, baseDir = process.cwd(), drainMs = DEFAULTS.drainMs, ...rest } = config;
  const at = (file) => path.resolve(baseDir, file);
  const options = { ...rest };
  if (tokenFile) {
    const file = at(tokenFile);
    options.tokens = [...list(rest.tokens), ...parseTokenFile(readFileSync(file, 'utf8'), file)];
  }
  if (tls) {
    if (!tls.certFile || !tls.keyFile) throw new Error('tls needs certFile and keyFile');
    options.tls = { cert: readFileSync(at(tls.certFile)), key: readFileSync(at(tls.keyFile)) };
  }
  return { options, listen: parseListen(listen), drainMs };
}
