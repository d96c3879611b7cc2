/**
 * What differs between runtimes, in one place. The package has two entry points, chosen by the
 * `exports` conditions in package.json: `index.js` (browsers, workers, bundlers; nothing here
 * imports a `node:` module, not even lazily, so no bundler ever sees one) and `node.js` (Node,
 * Deno, Bun), which fills these hooks in with Node's TCP, TLS, file and WebSocket support before
 * re-exporting the same API. Code that needs one of these asks here instead of testing for Node.
 */
import { Pop3Error } from './errors.js';

export const platform = {
  /** Which entry installed the hooks: 'browser' or 'node'. */
  name: 'browser',
  /**
   * Direct TCP, or undefined where there is none (browsers reach servers through the bridge).
   * @type {((options: { host: string, port: number, connectTimeoutMs?: number }) => Promise<import('./index.js').Transport>) | undefined}
   */
  connectTcp: undefined,
  /**
   * Reads a file: URL (the WASM next to the package in Node); undefined where fetch() does it.
   * @type {((url: URL) => Promise<Uint8Array>) | undefined}
   */
  readFileUrl: undefined,
  /**
   * A GSS-API provider for SASL GSSAPI (Kerberos); undefined where the platform has none
   * (browsers: UNSUPPORTED_IN_BROWSER).
   * @type {((options: { service: string, hostname: string, principal?: string, kerberos?: object }) => Promise<import('./index.js').GssapiProvider>) | undefined}
   */
  gssapiProvider: undefined,
  /**
   * The WebSocket class for the bridge. `needOptions`: the caller passed options that only Node's
   * `ws` package understands (a private CA for wss://, an Origin header).
   * @type {(needOptions: boolean) => Promise<typeof WebSocket>}
   */
  async webSocketClass() {
    if (typeof globalThis.WebSocket !== 'function') {
      throw new Pop3Error('UNSUPPORTED', 'this runtime has no WebSocket: the bridge cannot be reached');
    }
    return globalThis.WebSocket;
  },
};

/** Called once by the Node entry. */
export function installPlatform(hooks) {
  Object.assign(platform, hooks);
}
