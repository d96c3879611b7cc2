/**
 * A Transport whose other end is a session of an EmbeddedServer in the same realm: a Pop3Client
 * talks to the server with no network at all. TLS, if asked for, runs in the WASM engine on both
 * sides, so the bytes between them are real TLS records. Browser-safe.
 */
import { Pop3Error } from '../errors.js';
import { HeldInput } from '../transports/held-input.js';

/** The client's side of an in-memory connection. */
export class InMemoryTransport extends HeldInput {
  #server;
  #mode;
  #driver = null;
  #paused = false;         // the client paused reading (its streams are full)
  #heldForClient = [];     // server output held while paused
  #serverWaiting = false;  // the server was told the link is full
  #toServer = [];          // client bytes held while the server's input is full
  #serverPaused = false;
  #closed = false;

  /**
   * @param {import('./embedded-server.js').EmbeddedServer} server
   * @param {{ tls?: 'none' | 'starttls' | 'implicit' }} [options] must match the client's `tls`
   */
  constructor(server, { tls } = {}) {
    super();
    this.#server = server;
    this.#mode = tls ?? (server.tlsEnabled ? 'starttls' : 'none');
  }

  get secure() {
    return false;  // TLS, if any, is inside the byte stream (the WASM engine)
  }

  async open({ signal } = {}) {
    if (signal?.aborted) throw new Pop3Error('ABORTED', 'connect aborted', { cause: signal.reason });
    if (this.#closed) throw new Pop3Error('CONNECTION_CLOSED', 'this in-memory transport was closed');
    await this.#server.ready();
    const link = {
      write: (bytes) => {
        if (this.#closed) return true;
        const copy = bytes.slice();
        if (this.#paused) {
          this.#heldForClient.push(copy);
          this.#serverWaiting = true;
          return false;
        }
        queueMicrotask(() => this.deliverInput(copy));  // never re-enter the client mid-call
        return true;
      },
      pause: () => (this.#serverPaused = true),
      resume: () => {
        this.#serverPaused = false;
        queueMicrotask(() => this.#flushToServer());
      },
      end: () => this.#serverEnded(),
      destroy: () => this.#serverEnded(new Pop3Error('CONNECTION_CLOSED', 'the server dropped the connection')),
    };
    this.#driver = this.#server.accept(link, { tls: this.#mode, remote: 'in-memory' });
  }

  write(bytes) {
    if (this.#closed || !this.#driver) return;
    this.#toServer.push(bytes.slice());
    queueMicrotask(() => this.#flushToServer());
  }

  pause() {
    this.#paused = true;
  }

  resume() {
    this.#paused = false;
    const held = this.#heldForClient;
    this.#heldForClient = [];
    for (const bytes of held) this.deliverInput(bytes);
    if (this.#serverWaiting) {
      this.#serverWaiting = false;
      this.#driver?.drained();
    }
  }

  /** Half-close: the server sees the end of input. */
  close() {
    if (this.#closed) return;
    queueMicrotask(() => {
      this.#flushToServer();
      this.#driver?.inputEnded();
    });
  }

  destroy() {
    if (this.#closed) return;
    this.#closed = true;
    this.#driver?.dispose('the client dropped the connection');
    this.endInput();
  }

  #flushToServer() {
    while (!this.#serverPaused && this.#toServer.length > 0 && this.#driver) this.#driver.input(this.#toServer.shift());
  }

  #serverEnded(error) {
    if (this.#closed) return;
    this.#closed = true;
    queueMicrotask(() => this.endInput(error));  // after the bytes written before it
  }
}

/**
 * A transport connected to `server`, for `Pop3Client.connect({ transport, host, port, tls })`.
 * @param {import('./embedded-server.js').EmbeddedServer} server
 * @param {{ tls?: 'none' | 'starttls' | 'implicit' }} [options]
 */
export function connectInMemory(server, options) {
  return new InMemoryTransport(server, options);
}
