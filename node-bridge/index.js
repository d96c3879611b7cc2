/**
 * pop3-bridge: a WebSocket-to-TCP relay for pop3-wasm, safe to put on the internet. Each
 * WebSocket carries the raw bytes of one TCP connection to an allowlisted host:port; with TLS
 * running in the client's WASM engine, those bytes are ciphertext the bridge cannot read.
 *
 *   import { createBridge } from 'pop3-wasm/node-bridge/index.js';
 *   const bridge = createBridge({ allow: ['pop.example.com:995'], origins: ['https://app.example'] });
 *   await bridge.listen(8110, '127.0.0.1');
 *   ...
 *   await bridge.close({ drainMs: 10_000 });
 *
 * See docs/bridge.md for the protocol, the options, the security model and deployment.
 */

/**
 * @typedef {object} BridgeOptions
 * @property {(string | {host: string, ports: number[], allowPrivate?: boolean})[]} allow
 *   allowed targets: "host:995,110", "*.example.org:995", "[2001:db8::1]:995" or objects
 * @property {string[]} [allowPrivate] text rules whose targets may resolve to private addresses
 * @property {string[]} [origins] allowed browser origins ("https://app.example"; "*": any)
 * @property {boolean} [allowMissingOrigin=true] allow handshakes without Origin (programs)
 * @property {string[]} [tokens] accepted access tokens; none: no token needed
 * @property {number} [maxSessions=1000] concurrent sessions in all
 * @property {number} [maxSessionsPerIp=10] concurrent sessions per client address (IPv6: per /64)
 * @property {number} [connectTimeoutMs=10000] resolving and connecting to the target
 * @property {number} [idleTimeoutMs=600000] no byte either way for this long closes with 4007
 * @property {number} [maxFrameBytes=262144] largest WebSocket message accepted (1009 beyond)
 * @property {number} [highWaterMark=524288] bytes held per session for a slow reader
 * @property {number | null} [maxSessionBytes] bytes one session may hold at once; past it 1008
 *   (default: max(4 MiB, 4 x highWaterMark))
 * @property {number} [maxMessagesPerSecond=1000] client messages per second per session; past it
 *   the WebSocket is not read until the rate is back; 0: no limit
 * @property {number} [maxBytesPerSecond=1048576] the same in bytes
 * @property {number} [maxMessagesPerSecondPerIp=4000] the same for all sessions of one address
 * @property {number} [maxBytesPerSecondPerIp=4194304] the same in bytes
 * @property {number} [closeTimeoutMs=5000] wait for the client's close frame
 * @property {number} [drainMs=10000] default of close({ drainMs })
 * @property {number} [headersTimeoutMs=10000] a connection's complete HTTP request (and TLS
 *   handshake) must arrive within this long of the accept; 408 and closed otherwise
 * @property {number | null} [maxPendingConnections] connections still sending their request, in
 *   all (default: maxSessions); beyond, new connections are closed at once
 * @property {number | null} [maxPendingConnectionsPerIp] the same per client address (default:
 *   2 x maxSessionsPerIp); trusted proxies are exempt
 * @property {number | null} [maxSessionsPerPrefix] sessions per network (ipv4Prefix, ipv6Prefix);
 *   when full, a lighter network's client evicts the heaviest network's idlest session (default:
 *   maxSessions / 4)
 * @property {number | null} [maxPendingConnectionsPerPrefix] the same for connections still
 *   sending their request (default: maxPendingConnections / 4)
 * @property {number} [ipv4Prefix=24] network size of the per-prefix limits, IPv4
 * @property {number} [ipv6Prefix=56] the same, IPv6
 * @property {number} [pingIntervalMs=30000] ping clients this often and drop those that stop
 *   answering; 0: no pings
 * @property {string | null} [path=null] accept WebSocket upgrades on this path only
 * @property {string[]} [trustProxy] proxies whose X-Forwarded-For names the client
 * @property {{cert: string | Buffer, key: string | Buffer}} [tls] serve wss:// directly
 * @property {boolean} [metrics=true] serve GET /metrics
 * @property {string | null} [metricsListen] "host:port" of a listener of their own for GET /metrics
 *   and /healthz (default: none; they are not served on the public listener)
 * @property {boolean} [publicMetrics=false] also serve them on the public listener
 * @property {((record: object) => void) | false} [log] JSON log records (default: lines on stdout)
 * @property {(direction: 'client-to-target' | 'target-to-client', bytes: Buffer) => void} [onRelay]
 *   sees every relayed chunk (tests, diagnostics)
 * @property {(host: string, options: {all: true, verbatim: true}) => Promise<{address: string, family: number}[]>} [lookup]
 *   name resolution (default: dns.promises.lookup)
 */

/**
 * @typedef {object} Bridge
 * @property {import('node:http').Server | import('node:https').Server} server
 * @property {import('node:http').Server | null} metricsServer the /metrics and /healthz listener
 * @property {(port?: number, host?: string) => Promise<import('node:net').AddressInfo>} listen
 * @property {(options?: {drainMs?: number}) => Promise<void>} close
 * @property {() => object} metrics
 * @property {(changes: {tokens?: string[], tls?: {cert: string | Buffer, key: string | Buffer}}) => void} reload
 */

export { createBridge } from './server.js';
export { CloseCode } from './close-codes.js';
export { classifyAddress } from './address-policy.js';
export { parseRule } from './allowlist.js';
export { parseTarget } from './target.js';
export { DEFAULTS, configToOptions, parseListen, readConfigFile } from './config.js';
