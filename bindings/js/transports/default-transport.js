/**
 * The transport connect() uses when the caller gives none: the WebSocket bridge when `bridge` is
 * set (and always in browsers), plain TCP in Node. Imported lazily so that browser bundles never
 * pull in node:net.
 */
import { Pop3Error } from '../errors.js';

export const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);

/** @param {import('../index.js').ConnectOptions} options */
export async function defaultTransport(options) {
  if (options.bridge) {
    const { WebSocketTransport } = await import('./websocket.js');
    return new WebSocketTransport({
      bridge: options.bridge,
      host: options.host,
      port: options.port,
      token: options.bridgeToken,
      connectTimeoutMs: options.timeoutMs,
      wsOptions: options.bridgeWsOptions,
    });
  }
  if (!isNode) {
    throw new Pop3Error('UNSUPPORTED', 'browsers reach POP3 servers through a bridge: pass the `bridge` option');
  }
  const { NodeTcpTransport } = await import('./node-tcp.js');
  return new NodeTcpTransport({ host: options.host, port: options.port, connectTimeoutMs: options.timeoutMs });
}
