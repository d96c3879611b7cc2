/**
 * WebSocket transport: bytes to and from a POP3 server through the pop3-wasm bridge
 * (node-bridge/). Used in browsers (native WebSocket) and in Node (the `ws` package). The bridge
 * only relays bytes; with TLS, they are TLS records produced by the WASM engine, so the bridge
 * never sees a password or a message.
 *
 * The target goes in the URL (`?target=host:port`); an access token, if the bridge wants one,
 * travels as a WebSocket subprotocol ("pop3-bridge.token.<token>") because browsers cannot set
 * headers on a WebSocket.
 */
import { Pop3Error } from '../errors.js';
import { platform } from '../platform.js';
import { HeldInput } from './held-input.js';

/**
 * Close codes the bridge uses (node-bridge/close-codes.js), for messages: what happened and, for
 * refusals, what to do about it. The bridge's own reason text (which names the target, the
 * origin or the limit) comes first when it sent one.
 */
const BRIDGE_CLOSE_REASONS = {
  1003: ['the bridge accepts binary frames only', ''],
  1009: ['frame too large', ''],
  4001: ['target not allowed', 'the bridge operator must allow this host and port'],
  4002: ['target resolves to a private address', 'the bridge refuses private, loopback and link-local addresses unless its rule allows them'],
  4003: ['origin not allowed', "the bridge operator must add this page's origin"],
  4004: ['missing or wrong access token', 'pass the bridge\'s token as `bridgeToken`'],
  4005: ['too many connections', 'close other sessions or try again later'],
  4006: ['could not connect to the target', 'check the host and port; the server may be down'],
  4007: ['idle time-out', ''],
  4008: ['the target closed the connection', ''],
  4009: ['bridge shutting down', 'reconnect'],
};

export class WebSocketTransport extends HeldInput {
  #url;
  #protocols;
  #wsOptions;
  #connectTimeoutMs;
  #socket = null;
  #closeReported = false;


  /**
   * @param {{bridge: string, host: string, port: number, token?: string, connectTimeoutMs?: number, wsOptions?: object}} options
   *   `wsOptions`: Node only, passed to the `ws` package's WebSocket (e.g. `{ ca }` to trust the
   *   certificate of a wss:// bridge signed by a private CA, or `{ origin }`); browsers ignore it
   */
  constructor({ bridge, host, port, token, connectTimeoutMs = 30_000, wsOptions }) {
    super();
    const url = new URL(bridge);
    // IPv6 literals go in brackets, as the bridge requires ("[2001:db8::1]:995").
    const hostPart = String(host).includes(':') && !String(host).startsWith('[') ? `[${host}]` : host;
    url.searchParams.set('target', `${hostPart}:${port}`);
    this.#url = url.toString();
    this.#protocols = ['pop3-bridge', ...(token ? [`pop3-bridge.token.${token}`] : [])];
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#wsOptions = wsOptions;
  }

  /** The bridge relays ciphertext only when TLS runs in the WASM engine: this link is not TLS. */
  get secure() {
    return false;
  }

  async open({ signal } = {}) {
    const WebSocket = await platform.webSocketClass(Boolean(this.#wsOptions));
    return new Promise((resolve, reject) => {
      const socket = this.#wsOptions && WebSocket !== globalThis.WebSocket
        ? new WebSocket(this.#url, this.#protocols, this.#wsOptions)
        : new WebSocket(this.#url, this.#protocols);
      // Browsers (and Node's built-in WebSocket) hand out ArrayBuffers; the `ws` package (it has
      // pause()) would copy each message into one, so it keeps its Buffers.
      socket.binaryType = typeof socket.pause === 'function' ? 'nodebuffer' : 'arraybuffer';
      this.#socket = socket;
      let opened = false;
      const fail = (error) => {
        if (opened) return;
        opened = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        try {
          socket.close();
        } catch {
          // already closing
        }
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new Pop3Error('TIMEOUT', `the bridge did not connect within ${this.#connectTimeoutMs} ms`)),
        this.#connectTimeoutMs,
      );
      const onAbort = () => fail(new Pop3Error('ABORTED', 'connect aborted', { cause: signal.reason }));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.onopen = () => {
        // The bridge accepts the WebSocket first and may refuse the target right after; the
        // refusal then arrives as a close with a reason, reported by onclose.
        opened = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      socket.onmessage = (event) => {
        const data = event.data;
        this.deliverInput(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      };
      socket.onerror = () => {
        fail(new Pop3Error('CONNECTION_FAILED', `could not reach the bridge at ${this.#url}`));
      };
      socket.onclose = (event) => {
        const error = closeError(event.code, event.reason);
        if (!opened) {
          fail(error ?? new Pop3Error('CONNECTION_FAILED', 'the bridge closed the connection'));
          return;
        }
        if (this.#closeReported) return;
        this.#closeReported = true;
        this.endInput(error ?? undefined);
      };
    });
  }

  write(bytes) {
    if (this.#socket?.readyState === 1) this.#socket.send(bytes);
  }

  /** Node (`ws`) only: browsers cannot pause a WebSocket; the bridge bounds its own buffers. */
  pause() {
    this.#socket?.pause?.();
  }

  resume() {
    this.#socket?.resume?.();
  }

  close() {
    this.#socket?.close(1000);
  }

  destroy() {
    this.#socket?.close(1000);
  }
}

// The error a close reports, or null for an orderly end. 4008 (the target closed its TCP
// connection) is the bridge's way of passing on a FIN: like a TCP close, it is no error in
// itself (after QUIT it is expected); the session decides whether anything was cut short.
function closeError(code, reason) {
  if (code === 1000 || code === 1005 || code === 4008) return null;
  const [what, hint] = BRIDGE_CLOSE_REASONS[code] ?? ['connection closed', ''];
  const refused = code >= 4001 && code <= 4006;
  const message = `bridge: ${reason || what} (close code ${code}${hint ? `; ${hint}` : ''})`;
  return new Pop3Error(refused ? 'CONNECTION_FAILED' : 'CONNECTION_CLOSED', message, { details: String(code) });
}
