/** TCP for Node.js, with an optional upgrade to Node's own TLS (implicit TLS or STLS). */
import net from 'node:net';
import tls from 'node:tls';

import { Pop3Error } from '../errors.js';
import { HeldInput } from './held-input.js';
import { channelBindingOf, nodeTlsOptions, tlsError, verifyPeer } from './node-tls.js';

// Reads go into buffers of this size; at most MAX_SPARE_READS given back wait for reuse.
const READ_SIZE = 64 * 1024;
const MAX_SPARE_READS = 32;

export class NodeTcpTransport extends HeldInput {
  #host;
  #port;
  #connectTimeoutMs;
  #reuseReads;
  #socket = null;
  #secure = false;
  #closeError;
  #spareReads = [];
  #ownReads = new WeakSet();

  /**
   * `reuseReads`: read into buffers that the client may give back (release()) once nothing
   * points into them, instead of a fresh buffer per read (Node's `onread`). Not with Node's TLS,
   * which reads the socket itself.
   */
  constructor({ host, port, connectTimeoutMs = 30_000, reuseReads = false }) {
    super();
    this.#host = host;
    this.#port = port;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#reuseReads = reuseReads;
  }

  /**
   * Gives back a chunk this transport delivered: its memory may be read into again. Only for
   * chunks of which the client keeps no view.
   */
  release(bytes) {
    const buffer = bytes.buffer;
    if (!this.#ownReads.has(buffer) || this.#spareReads.length >= MAX_SPARE_READS) return;
    this.#ownReads.delete(buffer);  // once: a second release of the same read is ignored
    this.#spareReads.push(new Uint8Array(buffer));
  }

  #nextRead() {
    const read = this.#spareReads.pop() ?? new Uint8Array(READ_SIZE);
    this.#ownReads.add(read.buffer);
    return read;
  }

  get secure() {
    return this.#secure;
  }

  /** The negotiated TLS version and cipher, once startTls() succeeded. */
  get tlsInfo() {
    return this.#secure ? { protocol: this.#socket.getProtocol(), cipher: this.#socket.getCipher()?.standardName } : undefined;
  }

  /** Channel-binding input of Node's TLS (see channelBindingOf); undefined before TLS. */
  channelBinding() {
    return this.#secure ? channelBindingOf(this.#socket) : undefined;
  }

  /** Connects; rejects with CONNECTION_FAILED or TIMEOUT. */
  open({ signal } = {}) {
    return new Promise((resolve, reject) => {
      // With `onread`, reads reach the callback instead of 'data' events (a runtime that ignores
      // the option still emits them, and #attach listens for both).
      const onread = this.#reuseReads
        ? { buffer: () => this.#nextRead(), callback: (n, read) => this.deliverInput(read.subarray(0, n)) }
        : undefined;
      const socket = net.connect({ host: this.#host, port: this.#port, onread });
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
        this.#attach(socket);
        resolve();
      });
    });
  }

  #attach(socket) {
    socket.on('data', (data) => this.deliverInput(data));
    socket.on('error', (err) => (this.#closeError = err));
    socket.on('close', () => this.endInput(this.#closeError));
  }

  /**
   * Runs Node's TLS handshake on the open connection (POP3S from the first byte, or after STLS).
   * Certificates and the host name are verified; failures reject with the library's TLS_* codes.
   * @param {{servername: string, ca?: string[], defaultRoots?: boolean, pins?: string[], minVersion?: string, maxVersion?: string}} options
   */
  startTls(options) {
    if (this.#reuseReads) return Promise.reject(new Pop3Error('INVALID_ARGUMENT', "Node's TLS cannot run on a transport opened with reuseReads"));
    const raw = this.#socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    return new Promise((resolve, reject) => {
      const tlsOptions = nodeTlsOptions(options);
      const secure = tls.connect({ socket: raw, ...tlsOptions });
      this.#socket = secure;
      secure.once('secureConnect', () => {
        secure.removeAllListeners('error');
        // Nothing is read or written before the certificate is accepted.
        const refused = verifyPeer(secure, options.servername, tlsOptions);
        if (refused) {
          secure.destroy();
          reject(refused);
          return;
        }
        this.#secure = true;
        this.#attach(secure);
        resolve();
      });
      secure.once('error', (err) => {
        const peer = secure.getPeerCertificate?.(true);
        secure.destroy();
        reject(tlsError(err, options.servername, peer && Object.keys(peer).length ? peer : undefined));
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
