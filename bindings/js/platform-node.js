/**
 * Installs Node's hooks into platform.js: direct TCP, Node's TLS engine, the WASM read from disk,
 * Kerberos through the optional `kerberos` package, and the `ws` WebSocket where the runtime has
 * none. Imported for its effect by the Node entries
 * (node.js, mime-node.js); the Node modules themselves load on first use.
 */
import { installPlatform } from './platform.js';

installPlatform({
  name: 'node',
  async connectTcp(options) {
    const { NodeTcpTransport } = await import('./transports/node-tcp.js');
    return new NodeTcpTransport(options);
  },
  async readFileUrl(url) {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  },
  async gssapiProvider(options) {
    const { createKerberosProvider } = await import('./auth/kerberos-node.js');
    return createKerberosProvider(options);
  },
  async webSocketClass(needOptions) {
    if (typeof globalThis.WebSocket === 'function' && !needOptions) return globalThis.WebSocket;
    const { default: WebSocket } = await import('ws');
    return WebSocket;
  },
});
