/**
 * The transport connect() uses when the caller gives none: the WebSocket bridge when `bridge` is
 * set, else direct TCP where the platform has it (the Node entry), else an error that says what
 * to do.
 */
import { Pop3Error } from '../errors.js';
import { platform } from '../platform.js';
import { WebSocketTransport } from './websocket.js';

/**
 * @param {import('../index.js').ConnectOptions} options
 * @param {{ reuseReads?: boolean }} [how] `reuseReads`: direct TCP reads into buffers the
 *   client gives back (only when Node's TLS will not run on the socket)
 */
export async function defaultTransport(options, { reuseReads = false } = {}) {
  if (options.bridge) {
    return new WebSocketTransport({
      bridge: options.bridge,
      host: options.host,
      port: options.port,
      token: options.bridgeToken,
      connectTimeoutMs: options.timeoutMs,
      wsOptions: options.bridgeWsOptions,
    });
  }
  if (!platform.connectTcp) {
    throw new Pop3Error(
      'UNSUPPORTED',
      'browsers reach POP3 servers through a bridge: pass the `bridge` option (direct TCP needs the package\'s Node entry)',
    );
  }
  return platform.connectTcp({ host: options.host, port: options.port, connectTimeoutMs: options.timeoutMs, reuseReads });
}
