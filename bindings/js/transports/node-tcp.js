/** Plain TCP for Node.js (TLS comes from the TLS transport options). */
import net from 'node:net';

import { Pop3Error } from '../errors.js';

export class NodeTcpTransport {
  #host;
  #port;
  #connectTimeoutMs;
  #socket = null;

  /** Called with each Uint8Array received. */
  ondata = () => {};
  /** Called once when the connection ends; `error` is set if it ended abnormally. */
  onclose = () => {};

  constructor({ host, port, connectTimeoutMs = 30_000 }) {
    this.#host = host;
    this.#port = port;
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  get secure() {
    return false;
  }

  /** Connects; rejects with CONNECTION_FAILED or TIMEOUT. */
  open({ signal } = {}) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.#host, port: this.#port });
      this.#socket = socket;
      socket.setNoDelay(true);
      let settled = false;
      const fail = (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new Pop3Error('TIMEOUT', `connecting to ${this.#host}:${this.#port} took longer than ${this.#connectTimeoutMs} ms`)),
        this.#connectTimeoutMs,
      );
      const onAbort = () => fail(new Pop3Error('ABORTED', 'connect aborted', { cause: signal.reason }));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', (err) =>
        fail(new Pop3Error('CONNECTION_FAILED', `could not connect to ${this.#host}:${this.#port}: ${err.message}`, { cause: err })),
      );
      socket.once('connect', () => {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        let closeError;
        socket.on('data', (data) => this.ondata(data));
        socket.on('error', (err) => (closeError = err));
        socket.on('close', () => this.onclose(closeError));
        resolve();
      });
    });
  }

  write(bytes) {
    this.#socket?.write(bytes);
  }

  pause() {
    this.#socket?.pause();
  }

  resume() {
    this.#socket?.resume();
  }

  /** Half-closes after pending writes (used after QUIT). */
  close() {
    this.#socket?.end();
  }

  /** Drops the connection at once. */
  destroy() {
    this.#socket?.destroy();
  }
}
