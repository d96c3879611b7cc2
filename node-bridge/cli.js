#!/usr/bin/env node
/**
 * pop3-bridge: the command line of the bridge. Flags override the configuration file key by key
 * (a list given as flags replaces the file's list). Logs are JSON lines on stdout.
 *
 * Signals: SIGTERM/SIGINT close gracefully (stop accepting, let sessions finish for drainMs,
 * then close the rest with 4009; a second signal exits at once); SIGHUP re-reads the token file
 * and the TLS certificate and key.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

import { configToOptions, readConfigFile } from './config.js';
import { createBridge } from './server.js';

const USAGE = `usage: pop3-bridge --allow HOST:PORT[,PORT...] [options]

  --listen HOST:PORT         address to listen on (default 127.0.0.1:8110)
  --allow RULE               allowed target, repeatable: pop.example.com:995,110 | '*.example.org:995' | [2001:db8::1]:995
  --allow-private RULE       allowed target that may resolve to private/loopback addresses (e.g. localhost:110)
  --origin ORIGIN            allowed browser origin, repeatable (https://app.example; '*' for any)
  --require-origin           refuse handshakes without an Origin header (non-browser clients)
  --token-file FILE          access tokens, one per line (clients send one as subprotocol pop3-bridge.token.<t>)
  --config FILE              JSON configuration (see docs/bridge.md); flags override it
  --tls-cert FILE            serve wss:// with this certificate chain (PEM) ...
  --tls-key FILE             ... and this key (PEM)
  --path PATH                accept WebSocket upgrades on this path only (e.g. /pop3)
  --trust-proxy ADDR         believe X-Forwarded-For from this proxy address, repeatable
  --per-address-network CIDR each address of this network counts as a network of its own
                             for the per-prefix limits (large NATs, CGNAT), repeatable
  --max-sessions N           concurrent sessions in all (default 1000)
  --max-sessions-per-ip N    concurrent sessions per client address (default 10)
  --connect-timeout MS       resolve + connect to the target (default 10000)
  --idle-timeout MS          close sessions idle this long (default 600000)
  --max-frame BYTES          largest WebSocket message from a client (default 262144)
  --high-water-mark BYTES    bytes held per session for a slow reader (default 524288)
  --max-session-bytes BYTES  memory budget: bytes one session may hold at once (default max(4 MiB, 4 x high-water mark))
  --max-messages-per-second N         messages a session may send per second, 0: no limit (default 1000)
  --max-bytes-per-second N            bytes a session may send per second, 0: no limit (default 1048576)
  --max-messages-per-second-per-ip N  ... all sessions of one client address (default 4000)
  --max-bytes-per-second-per-ip N     ... (default 4194304)
  --drain MS                 graceful shutdown time on SIGTERM (default 10000)
  --headers-timeout MS       a connection's HTTP request (and TLS handshake) must arrive within (default 10000)
  --max-pending N            connections still sending their request, in all (default: --max-sessions)
  --max-pending-per-ip N     ... per client address (default: 2 x --max-sessions-per-ip)
  --max-sessions-per-prefix N  concurrent sessions per network (default: a quarter of --max-sessions)
  --max-pending-per-prefix N   connections still sending their request, per network (default: a quarter of --max-pending)
  --ipv4-prefix BITS         network size of the per-prefix limits, IPv4 (default 24)
  --ipv6-prefix BITS         ... IPv6 (default 56)
  --ping-interval MS         ping clients this often, drop those that stop answering; 0: off (default 30000)
  --metrics-listen HOST:PORT  serve GET /metrics and /healthz on this address of their own (e.g. 127.0.0.1:9110)
  --public-metrics           also serve them on the public listener (off: they reveal traffic to anyone)
  --no-metrics               do not serve GET /metrics
  --help                     this text
`;

const FLAGS = {
  listen: { type: 'string' },
  allow: { type: 'string', multiple: true },
  'allow-private': { type: 'string', multiple: true },
  origin: { type: 'string', multiple: true },
  'require-origin': { type: 'boolean' },
  'token-file': { type: 'string' },
  config: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  path: { type: 'string' },
  'trust-proxy': { type: 'string', multiple: true },
  'per-address-network': { type: 'string', multiple: true },
  'max-sessions': { type: 'string' },
  'max-sessions-per-ip': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-frame': { type: 'string' },
  'high-water-mark': { type: 'string' },
  'max-session-bytes': { type: 'string' },
  'max-messages-per-second': { type: 'string' },
  'max-bytes-per-second': { type: 'string' },
  'max-messages-per-second-per-ip': { type: 'string' },
  'max-bytes-per-second-per-ip': { type: 'string' },
  drain: { type: 'string' },
  'headers-timeout': { type: 'string' },
  'max-pending': { type: 'string' },
  'max-pending-per-ip': { type: 'string' },
  'max-sessions-per-prefix': { type: 'string' },
  'max-pending-per-prefix': { type: 'string' },
  'ipv4-prefix': { type: 'string' },
  'ipv6-prefix': { type: 'string' },
  'ping-interval': { type: 'string' },
  'no-metrics': { type: 'boolean' },
  'metrics-listen': { type: 'string' },
  'public-metrics': { type: 'boolean' },
  help: { type: 'boolean' },
};

const NUMBERS = {
  'max-sessions': 'maxSessions',
  'max-sessions-per-ip': 'maxSessionsPerIp',
  'connect-timeout': 'connectTimeoutMs',
  'idle-timeout': 'idleTimeoutMs',
  'max-frame': 'maxFrameBytes',
  'high-water-mark': 'highWaterMark',
  'max-session-bytes': 'maxSessionBytes',
  'max-messages-per-second': 'maxMessagesPerSecond',
  'max-bytes-per-second': 'maxBytesPerSecond',
  'max-messages-per-second-per-ip': 'maxMessagesPerSecondPerIp',
  'max-bytes-per-second-per-ip': 'maxBytesPerSecondPerIp',
  drain: 'drainMs',
  'headers-timeout': 'headersTimeoutMs',
  'max-pending': 'maxPendingConnections',
  'max-pending-per-ip': 'maxPendingConnectionsPerIp',
  'max-sessions-per-prefix': 'maxSessionsPerPrefix',
  'max-pending-per-prefix': 'maxPendingConnectionsPerPrefix',
  'ipv4-prefix': 'ipv4Prefix',
  'ipv6-prefix': 'ipv6Prefix',
  'ping-interval': 'pingIntervalMs',
};

/**
 * Flags -> configuration keys (the file's format), laid over the file's configuration. Files
 * named by flags are relative to the working directory, those named in the file to the file.
 */
function configFromFlags(values) {
  const config = values.config ? readConfigFile(values.config) : {};
  const set = (key, value) => {
    if (value !== undefined) config[key] = value;
  };
  set('listen', values.listen);
  set('allow', values.allow);
  set('allowPrivate', values['allow-private']);
  set('origins', values.origin);
  if (values['require-origin']) config.allowMissingOrigin = false;
  if (values['token-file']) {
    config.tokenFile = path.resolve(values['token-file']);
    delete config.tokens;
  }
  set('path', values.path);
  set('trustProxy', values['trust-proxy']);
  set('perAddressNetworks', values['per-address-network']);
  if (values['no-metrics']) config.metrics = false;
  set('metricsListen', values['metrics-listen']);
  if (values['public-metrics']) config.publicMetrics = true;
  for (const [flag, key] of Object.entries(NUMBERS)) {
    if (values[flag] === undefined) continue;
    if (!/^\d+$/.test(values[flag])) throw new Error(`--${flag}: "${values[flag]}" is not a whole number`);
    config[key] = Number(values[flag]);
  }
  if (values['tls-cert'] || values['tls-key']) {
    if (!values['tls-cert'] || !values['tls-key']) throw new Error('--tls-cert and --tls-key go together');
    config.tls = { certFile: path.resolve(values['tls-cert']), keyFile: path.resolve(values['tls-key']) };
  }
  return config;
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({ options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    process.stderr.write(`pop3-bridge: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let config;
  let bridge;
  let drainMs;
  try {
    config = configFromFlags(values);
    const resolved = configToOptions(config);
    drainMs = resolved.drainMs;
    bridge = createBridge(resolved.options);
    await bridge.listen(resolved.listen.port, resolved.listen.host);
  } catch (err) {
    process.stderr.write(`pop3-bridge: ${err.message}\n`);
    return 1;
  }
  const event = (name, fields = {}) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event: name, ...fields })}\n`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) process.exit(1);  // a second signal: now
    stopping = true;
    event('signal', { signal });
    await bridge.close({ drainMs });
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    try {
      const { options } = configToOptions(config);  // reads the token file and certificate again
      bridge.reload({ tokens: options.tokens ?? [], tls: options.tls });
      event('reloaded', { tokens: (options.tokens ?? []).length });
    } catch (err) {
      event('reload-failed', { message: err.message });
    }
  });
  return undefined;
}

const code = await main();
if (code !== undefined) process.exit(code);
