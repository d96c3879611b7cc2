/**
 * The byte pump of one session: binary WebSocket messages to the target's TCP socket and TCP
 * data back as binary messages, with backpressure both ways so memory stays bounded whatever the
 * speed of either side:
 *
 *   target -> client: after each send, if the WebSocket holds more than `highWaterMark` bytes
 *     not yet taken by the kernel (ws.bufferedAmount), the TCP socket is paused; it resumes
 *     when a send completes and the level is at or below half of that. At most one TCP read
 *     (up to 256 KiB, see connector.js) more than the mark is held.
 *   client -> target: when socket.write() returns false (the TCP write buffer is full), the
 *     WebSocket is paused (ws.pause(): it stops reading its socket) until 'drain'.
 *   before the target is connected: the client's first bytes (a TLS ClientHello is sent at once)
 *     are held, up to `highWaterMark`; past that the WebSocket is paused.
 *
 * The relay also keeps the idle timer (no byte in either direction for `idleTimeoutMs`) and
 * counts bytes. It never looks inside the bytes; `onRelay` lets tests see exactly what crossed.
 * Ending the WebSocket side and logging are the session's business (session.js).
 */

export class Relay {
  #ws;
  #socket = null;
  #highWaterMark;
  #idleTimeoutMs;
  #onRelay;
  #metrics;
  #events;
  #early = [];
  #earlyBytes = 0;
  #wsPaused = false;
  #awaitingDrain = false;
  #tcpPaused = false;
  #lastActivity = Date.now();
  #idleTimer = null;
  #targetEnded = false;
  #stopped = false;  // no more client bytes are taken (the session is ending)
  #endTimer = null;
  bytesClientToTarget = 0;
  bytesTargetToClient = 0;

  /**
   * @param {import('ws').WebSocket} ws an open WebSocket
   * @param {object} options
   * @param {number} options.highWaterMark
   * @param {number} options.idleTimeoutMs
   * @param {number} options.closeTimeoutMs how long a half-closed target may take to close
   * @param {(direction: 'client-to-target' | 'target-to-client', bytes: Buffer) => void} [options.onRelay]
   * @param {import('./metrics.js').Metrics} options.metrics
   * @param {{textFrame(): void, idle(): void, targetEnded(reason: string): void, targetClosed(): void}} events
   */
  constructor(ws, { highWaterMark, idleTimeoutMs, closeTimeoutMs, onRelay, metrics }, events) {
    this.#ws = ws;
    this.#highWaterMark = highWaterMark;
    this.#idleTimeoutMs = idleTimeoutMs;
    this.closeTimeoutMs = closeTimeoutMs;
    this.#onRelay = onRelay;
    this.#metrics = metrics;
    this.#events = events;
    ws.on('message', (data, isBinary) => this.#fromClient(data, isBinary));
  }

  /** Bytes the bridge holds for this session now. */
  get bufferedBytes() {
    return this.#ws.bufferedAmount + (this.#socket?.writableLength ?? 0) + this.#earlyBytes;
  }

  get connected() {
    return this.#socket !== null;
  }

  /**
   * Starts relaying over a connected TCP socket; the bytes held so far go first.
   * @param {{socket: import('node:net').Socket, onData(handler: (chunk: Buffer) => void): void}} connection
   *   from connector.js
   */
  attach({ socket, onData }) {
    this.#socket = socket;
    onData((chunk) => this.#fromTarget(chunk));
    socket.on('end', () => this.#targetEnd('the target closed the connection'));
    socket.on('error', (err) => this.#targetEnd(`the target connection failed (${err.code ?? err.message})`));
    socket.on('close', () => {
      clearTimeout(this.#endTimer);
      this.#targetEnd('the target closed the connection');
      this.#events.targetClosed();
    });
    const early = this.#early;
    this.#early = [];
    this.#earlyBytes = 0;
    for (const data of early) this.#toTarget(data);
    if (!this.#awaitingDrain) this.#resumeWs();
    this.#touch();
    this.#armIdle();
  }

  /** Client side closed: the target gets the bytes still buffered, then a FIN; then it must close. */
  endTarget() {
    this.#stopped = true;
    this.#stopIdle();
    this.#early = [];
    this.#earlyBytes = 0;
    if (!this.#socket || this.#socket.destroyed) return;
    this.#socket.end();
    this.#endTimer = setTimeout(() => this.#socket.destroy(), this.closeTimeoutMs);
    this.#endTimer.unref?.();
  }

  /** Drops the target connection at once (time-outs, shutdown, refusals after connect). */
  destroy() {
    this.#stopped = true;
    this.#stopIdle();
    this.#early = [];
    this.#earlyBytes = 0;
    this.#socket?.destroy();
  }

  // ---- client -> target ---------------------------------------------------------------------

  #fromClient(data, isBinary) {
    // A closing session drops what still arrives: nothing would take it, and holding it would
    // let a client fill memory until its close handshake times out.
    if (this.#targetEnded || this.#stopped) return;
    if (!isBinary) {
      this.#events.textFrame();
      return;
    }
    this.#touch();
    if (!this.#socket) {
      this.#early.push(data);
      this.#earlyBytes += data.length;
      this.#metrics.buffered(this.bufferedBytes);
      if (this.#earlyBytes > this.#highWaterMark) this.#pauseWs();
      return;
    }
    this.#toTarget(data);
  }

  #toTarget(data) {
    this.bytesClientToTarget += data.length;
    this.#metrics.bytesClientToTarget += data.length;
    this.#onRelay?.('client-to-target', data);
    const accepted = this.#socket.write(data);
    if (this.#socket.writableLength > 0) this.#metrics.buffered(this.bufferedBytes);
    if (!accepted && !this.#awaitingDrain) {
      this.#awaitingDrain = true;
      this.#pauseWs();
      this.#socket.once('drain', () => {
        this.#awaitingDrain = false;
        this.#resumeWs();
      });
    }
  }

  #pauseWs() {
    if (this.#wsPaused) return;
    this.#wsPaused = true;
    this.#ws.pause();
  }

  #resumeWs() {
    if (!this.#wsPaused) return;
    this.#wsPaused = false;
    this.#ws.resume();
  }

  // ---- target -> client ---------------------------------------------------------------------

  #fromTarget(chunk) {
    this.#touch();
    this.bytesTargetToClient += chunk.length;
    this.#metrics.bytesTargetToClient += chunk.length;
    this.#onRelay?.('target-to-client', chunk);
    this.#ws.send(chunk, { binary: true }, this.#afterSend);
    const buffered = this.#ws.bufferedAmount;
    this.#metrics.buffered(buffered + this.#socket.writableLength);
    if (buffered > this.#highWaterMark && !this.#tcpPaused) {
      this.#tcpPaused = true;
      this.#socket.pause();
    }
  }

  // Called by ws when a message has been handed to the kernel (or failed).
  #afterSend = (err) => {
    if (err) return;
    this.#touch();
    if (this.#tcpPaused && this.#ws.bufferedAmount <= this.#highWaterMark / 2) {
      this.#tcpPaused = false;
      this.#socket?.resume();
    }
  };

  #targetEnd(reason) {
    if (this.#targetEnded) return;
    this.#targetEnded = true;
    this.#stopIdle();
    this.#events.targetEnded(reason);
  }

  // ---- idle ---------------------------------------------------------------------------------

  #touch() {
    this.#lastActivity = Date.now();
  }

  #armIdle() {
    const check = () => {
      const idle = Date.now() - this.#lastActivity;
      if (idle >= this.#idleTimeoutMs) {
        this.#idleTimer = null;
        this.#events.idle();
      } else {
        this.#idleTimer = setTimeout(check, this.#idleTimeoutMs - idle);
      }
    };
    this.#idleTimer = setTimeout(check, this.#idleTimeoutMs);
  }

  #stopIdle() {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}
