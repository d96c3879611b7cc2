/**
 * The embedded POP3 server on TCP, for Node: a plain port (with STLS when the server has a TLS
 * identity) and, optionally, an implicit-TLS port (POP3S). TLS runs in the WASM engine of each
 * session, so both ports are plain node:net servers.
 */
import net from 'node:net';

import { Pop3Error } from '../errors.js';
import { EmbeddedServer } from './embedded-server.js';

/** An EmbeddedServer that listens on TCP. */
export class Pop3Server extends EmbeddedServer {
  #listenOptions;
  #listeners = [];
  #sockets = new Set();
  #addresses = null;

  /** @param {import('../server.js').ServerOptions} options */
  constructor(options = {}) {
    const { port, implicitTlsPort, host, delays, ...rest } = options;
    super(rest);
    if (delays?.replyMs !== undefined) this.faults.delayMs = delays.replyMs;
    if (implicitTlsPort !== undefined && implicitTlsPort !== null && !this.tlsEnabled) {
      throw new Pop3Error('INVALID_ARGUMENT', 'implicitTlsPort needs tls: { cert, key }');
    }
    this.#listenOptions = { host: host ?? '127.0.0.1', port: port === undefined ? 0 : port, implicitTlsPort };
  }

  /**
   * Starts listening. Port 0 picks a free port; `port: null` opens no plain port.
   * @returns {Promise<{ host: string, port?: number, implicitTlsPort?: number }>}
   */
  async listen() {
    if (this.#addresses) return this.#addresses;
    await this.ready();
    const { host, port, implicitTlsPort } = this.#listenOptions;
    const addresses = { host };
    if (port !== null) addresses.port = await this.#listenOn(host, port, 'starttls');
    if (implicitTlsPort !== undefined && implicitTlsPort !== null) {
      addresses.implicitTlsPort = await this.#listenOn(host, implicitTlsPort, 'implicit');
    }
    this.#addresses = addresses;
    this.emit('listening', addresses);
    return addresses;
  }

  /** Where the server listens, once listen() resolved. */
  get addresses() {
    return this.#addresses;
  }

  /** Stops listening and drops every connection (no UPDATE: nothing is deleted). */
  async close() {
    const listeners = this.#listeners;
    this.#listeners = [];
    this.#addresses = null;
    for (const socket of this.#sockets) socket.destroy();
    this.closeSessions();
    await Promise.all(listeners.map((listener) => new Promise((resolve) => listener.close(() => resolve()))));
  }

  #listenOn(host, port, kind) {
    return new Promise((resolve, reject) => {
      const listener = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.#connection(socket, kind));
      listener.once('error', (error) =>
        reject(new Pop3Error('CONNECTION_FAILED', `cannot listen on ${host}:${port}: ${error.message}`, { cause: error })),
      );
      listener.listen(port, host, () => {
        listener.removeAllListeners('error');
        listener.on('error', (error) => this.emit('error', { error }));
        this.#listeners.push(listener);
        resolve(listener.address().port);
      });
    });
  }

  #connection(socket, kind) {
    this.#sockets.add(socket);
    socket.on('error', () => {});  // 'close' follows; a reset client is not the server's error
    const link = {
      write: (bytes) => socket.write(bytes),
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      end: () => socket.end(),
      destroy: () => socket.destroy(),
    };
    let driver;
    try {
      driver = this.accept(link, { tls: kind === 'implicit' ? 'implicit' : undefined, remote: `${socket.remoteAddress}:${socket.remotePort}` });
    } catch (error) {
      this.emit('error', { error });
      socket.destroy();
      return;
    }
    socket.on('data', (data) => driver.input(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    socket.on('end', () => driver.inputEnded());
    socket.on('drain', () => driver.drained());
    socket.on('close', () => {
      this.#sockets.delete(socket);
      driver.dispose('the connection closed');
    });
  }
}

/**
 * Creates (without starting) a POP3 server; call listen().
 * @param {import('../server.js').ServerOptions} [options]
 */
export function createServer(options) {
  return new Pop3Server(options);
}
