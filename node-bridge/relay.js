/**
 * The byte pump of one session: binary WebSocket messages to the target's TCP socket and TCP
 * data back, with backpressure both ways, small messages gathered (and a streaming target's small
 * reads), a ping now and then while the client is not read, early bytes held as counted
 * copies, rate limits applied by not reading, a per-session memory budget, the idle timer and the
 * byte counts. It never looks inside the bytes. How each part bounds memory: docs/bridge.md,
 * "The relay: backpressure and memory".
 */

import { heldByWs } from './ws-held.js';

/** Messages below this size are gathered into one write. */
export const SMALL_MESSAGE = 4096;
/** Size of the buffers that gather small messages held before the target is connected. */
const STAGING_BYTES = 16 * 1024;
/** A full TCP read (Node reads up to this much at once). */
const FULL_READ = 64 * 1024;
/** How long target reads that arrive while data streams in are gathered into one message. */
export const GATHER_MS = 1;
/** Frames to the client the kernel has not taken yet, before the target is paused. */
export const MAX_UNSENT_FRAMES = 1024;
/**
 * While the client is not read, how often an empty ping checks that its connection still exists:
 * a FIN or RST behind unread bytes is not seen, but a write to a peer that has gone fails.
 */
export const PROBE_INTERVAL_MS = 1000;

export class Relay {
  #ws;
  #clientSocket;
  #socket = null;
  #highWaterMark;
  #maxSessionBytes;
  #idleTimeoutMs;
  #onRelay;
  #metrics;
  #events;
  #early = [];  // [{buffer, length, staging}] held before the target is connected
  #earlyBytes = 0;
  #small = [];  // small messages of the current socket read, written together
  #smallBytes = 0;
  #unsentFrames = 0;
  #holds = new Set();  // why the WebSocket is not read: 'early', 'drain', 'rate'
  #probeTimer = null;
  #rate;
  #rateTimer = null;
  #awaitingDrain = false;
  #tcpPaused = false;
  #gathered = [];  // target reads gathered into the next message to the client
  #gatheredBytes = 0;
  #gatherTimer = null;
  #lastTargetRead = -Infinity;
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
   * @param {import('node:net').Socket} [options.clientSocket] the WebSocket's socket (its unread bytes count)
   * @param {number} options.highWaterMark
   * @param {number} [options.maxSessionBytes] the session's memory budget (bytes held at once)
   * @param {number} options.idleTimeoutMs
   * @param {number} options.closeTimeoutMs how long a half-closed target may take to close
   * @param {(direction: 'client-to-target' | 'target-to-client', bytes: Buffer) => void} [options.onRelay]
   * @param {import('./metrics.js').Metrics} options.metrics
   * @param {import('./rate-limit.js').RateLimit | null} [options.rate] limits on what the client sends
   * @param {{overBudget?(bytes: number): void, textFrame(): void, idle(): void, targetEnded(reason: string): void, targetClosed(): void}} events
   */
  constructor(ws, { clientSocket, highWaterMark, maxSessionBytes = Infinity, idleTimeoutMs, closeTimeoutMs, onRelay, metrics, rate = null }, events) {
    this.#ws = ws;
    this.#clientSocket = clientSocket;
    this.#rate = rate;
    this.#highWaterMark = highWaterMark;
    this.#maxSessionBytes = maxSessionBytes;
    this.#idleTimeoutMs = idleTimeoutMs;
    this.closeTimeoutMs = closeTimeoutMs;
    this.#onRelay = onRelay;
    this.#metrics = metrics;
    this.#events = events;
    ws.on('message', (data, isBinary) => this.#fromClient(data, isBinary));
    ws.on('ping', this.#control);
    ws.on('pong', this.#control);
  }

  /** Bytes the bridge holds for this session now, ws's unparsed reads included (ws-held.js). */
  get bufferedBytes() {
    return this.#ws.bufferedAmount + (this.#socket?.writableLength ?? 0) + this.#earlyBytes + this.#gatheredBytes + heldByWs(this.#ws, this.#clientSocket);
  }

  /** When a byte last crossed either way (or the relay was made). */
  get lastActivity() {
    return this.#lastActivity;
  }

  get connected() {
    return this.#socket !== null;
  }

  /** False while the relay is not reading the WebSocket (backpressure). */
  get reading() {
    return this.#holds.size === 0;
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
    for (const { buffer, length } of early) this.#toTarget(buffer.subarray(0, length));
    this.#release('early');
    this.#touch();
    this.#armIdle();
  }

  /** Client side closed: the target gets the bytes still buffered, then a FIN; then it must close. */
  endTarget() {
    this.#flushSmall();  // what the client sent before its close goes first
    this.#stopped = true;
    this.#stopIdle();
    this.#dropHeld();
    if (!this.#socket || this.#socket.destroyed) return;
    this.#socket.end();
    this.#endTimer = setTimeout(() => this.#socket.destroy(), this.closeTimeoutMs);
    this.#endTimer.unref?.();
  }

  /** Drops the target connection at once (time-outs, shutdown, refusals after connect). */
  destroy() {
    this.#stopped = true;
    this.#stopIdle();
    this.#dropHeld();
    this.#socket?.destroy();
  }

  #dropHeld() {
    this.#stopProbe();
    clearTimeout(this.#rateTimer);
    this.#rateTimer = null;
    this.#early = [];
    this.#earlyBytes = 0;
    this.#small = [];
    this.#smallBytes = 0;
    clearTimeout(this.#gatherTimer);
    this.#gatherTimer = null;
    this.#gathered = [];
    this.#gatheredBytes = 0;
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
    if (this.#rate) {
      const wait = this.#rate.take(data.length);
      if (wait > 0) this.#throttle(wait);
    }
    if (data.length < SMALL_MESSAGE) {
      this.#small.push(data);
      this.#smallBytes += data.length;
      // After the last message of this socket read (ws emits them synchronously).
      if (this.#small.length === 1) queueMicrotask(this.#flushSmall);
      if (this.#smallBytes < STAGING_BYTES) return;
    }
    this.#flushSmall();
    if (data.length >= SMALL_MESSAGE) this.#forward(data);
  }

  // A ping or pong from the client: counted against the rate limits like a message.
  #control = (data) => {
    if (!this.#rate || this.#stopped) return;
    const wait = this.#rate.take(data.length);
    if (wait > 0) this.#throttle(wait);
  };

  #flushSmall = () => {
    if (this.#small.length === 0 || this.#stopped || this.#targetEnded) return;
    const chunk = this.#small.length === 1 ? this.#small[0] : Buffer.concat(this.#small, this.#smallBytes);
    this.#small = [];
    this.#smallBytes = 0;
    this.#forward(chunk);
  };

  #forward(data) {
    if (this.#socket) {
      this.#toTarget(data);
      return;
    }
    // Not connected yet: held, always as copies. ws hands out messages as views into its socket
    // reads (up to 64 KiB each), so a held 4 KiB view could keep 64 KiB alive; a copy costs
    // what it says. Small pieces are copied together so that their number stays small, and the
    // staging buffers count at their full size: the count is what the process holds.
    const last = this.#early.at(-1);
    if (data.length < SMALL_MESSAGE && last?.staging && last.length + data.length <= last.buffer.length) {
      data.copy(last.buffer, last.length);
      last.length += data.length;
    } else if (data.length < SMALL_MESSAGE) {
      const buffer = Buffer.allocUnsafeSlow(STAGING_BYTES);
      data.copy(buffer);
      this.#early.push({ buffer, length: data.length, staging: true });
      this.#earlyBytes += STAGING_BYTES;
    } else {
      const buffer = Buffer.allocUnsafeSlow(data.length);
      data.copy(buffer);
      this.#early.push({ buffer, length: data.length, staging: false });
      this.#earlyBytes += data.length;
    }
    this.#noteBuffered(this.bufferedBytes);
    if (this.#earlyBytes > this.#highWaterMark) this.#hold('early');
  }

  // Records a session's buffer level; past the session's memory budget the session ends (the
  // limits above should keep it far below; this is the backstop that makes the budget hard).
  #noteBuffered(bytes) {
    this.#metrics.buffered(bytes);
    if (bytes > this.#maxSessionBytes && !this.#stopped) this.#events.overBudget?.(bytes);
  }

  #toTarget(data) {
    this.bytesClientToTarget += data.length;
    this.#metrics.bytesClientToTarget += data.length;
    this.#onRelay?.('client-to-target', data);
    const accepted = this.#socket.write(data);
    if (this.#socket.writableLength > 0) this.#noteBuffered(this.bufferedBytes);
    if (!accepted && !this.#awaitingDrain) {
      this.#awaitingDrain = true;
      this.#hold('drain');
      this.#socket.once('drain', () => {
        this.#awaitingDrain = false;
        this.#release('drain');
      });
    }
  }

  #hold(reason) {
    if (this.#holds.size === 0) {
      this.#ws.pause();
      this.#startProbe();
    }
    this.#holds.add(reason);
  }

  #release(reason) {
    if (!this.#holds.delete(reason)) return;
    if (this.#holds.size === 0) {
      this.#stopProbe();
      // What ws read ahead while the WebSocket was not read (the most it holds) counts too.
      this.#noteBuffered(this.bufferedBytes);
      this.#ws.resume();
    }
  }

  // A client that disconnects while it is not read would keep its session (and its slot) until
  // the bridge read its bytes again, which for a throttled flooder can take minutes: its FIN
  // waits behind the unread bytes. A ping is a write, and writing to a peer that has closed
  // brings its RST, after which the next write fails and ws closes the WebSocket.
  #startProbe() {
    if (this.#probeTimer || this.#stopped) return;
    this.#probeTimer = setInterval(() => {
      if (this.#ws.readyState !== this.#ws.OPEN) return;
      this.#ws.ping();
      this.#noteBuffered(this.bufferedBytes);  // what ws has read ahead meanwhile
    }, PROBE_INTERVAL_MS);
    this.#probeTimer.unref?.();
  }

  #stopProbe() {
    clearInterval(this.#probeTimer);
    this.#probeTimer = null;
  }

  // Over a rate limit: the WebSocket is not read until the buckets are out of debt (the
  // messages of the socket read under way still arrive, and add to the debt).
  #throttle(wait) {
    if (this.#rateTimer) return;
    this.#metrics.throttled++;
    this.#hold('rate');
    const check = () => {
      const more = this.#rate.wait();
      if (more > 0 && !this.#stopped) {
        this.#rateTimer = setTimeout(check, more);
        this.#rateTimer.unref?.();
        return;
      }
      this.#rateTimer = null;
      this.#release('rate');
    };
    this.#rateTimer = setTimeout(check, wait);
    this.#rateTimer.unref?.();
  }

  // ---- target -> client ---------------------------------------------------------------------

  // A target that streams faster than the bridge reads comes in reads of up to 64 KiB; one that
  // writes in small pieces (Dovecot's TLS: 8 KiB records) comes in small reads, as fast as they
  // arrive, and each would be a message: a frame and a writev here, a message for the client to
  // parse and feed to its engine. So a read smaller than a full one that comes within GATHER_MS of
  // the previous read (data is streaming) starts a gathering: the reads of the next GATHER_MS go
  // out as one message (sooner when they fill a full read). A lone reply goes out at once.
  #fromTarget(chunk) {
    this.#touch();
    this.bytesTargetToClient += chunk.length;
    this.#metrics.bytesTargetToClient += chunk.length;
    this.#onRelay?.('target-to-client', chunk);
    const now = performance.now();
    const streaming = now - this.#lastTargetRead <= GATHER_MS;
    this.#lastTargetRead = now;
    // Messages stay at most a full read: larger buffers cost more to allocate than they save.
    if (this.#gatherTimer && this.#gatheredBytes + chunk.length > FULL_READ) this.#sendGathered();
    if (this.#gatherTimer) {
      this.#gathered.push(chunk);
      this.#gatheredBytes += chunk.length;
      if (this.#gatheredBytes >= FULL_READ) this.#sendGathered();
      else this.#pauseTargetIfFull(this.#ws.bufferedAmount + this.#gatheredBytes);
    } else if (streaming && chunk.length < FULL_READ) {
      this.#gathered.push(chunk);
      this.#gatheredBytes = chunk.length;
      this.#gatherTimer = setTimeout(this.#sendGathered, GATHER_MS);
      this.#pauseTargetIfFull(this.#ws.bufferedAmount + this.#gatheredBytes);
    } else {
      this.#toClient(chunk);
    }
  }

  // Gathered bytes count toward the mark too: otherwise a full gathering could land on top of it
  // before the send that checks it, and then one more read.
  #pauseTargetIfFull(buffered) {
    if ((buffered > this.#highWaterMark || this.#unsentFrames > MAX_UNSENT_FRAMES) && !this.#tcpPaused) {
      this.#tcpPaused = true;
      this.#socket.pause();
    }
  }

  #sendGathered = () => {
    clearTimeout(this.#gatherTimer);
    this.#gatherTimer = null;
    if (this.#gathered.length === 0) return;
    const chunk = this.#gathered.length === 1 ? this.#gathered[0] : Buffer.concat(this.#gathered, this.#gatheredBytes);
    this.#gathered = [];
    this.#gatheredBytes = 0;
    this.#toClient(chunk);
  };

  #toClient(chunk) {
    this.#unsentFrames++;
    this.#ws.send(chunk, { binary: true }, this.#afterSend);
    const buffered = this.#ws.bufferedAmount;
    this.#noteBuffered(buffered + this.#socket.writableLength);
    this.#pauseTargetIfFull(buffered);
  }

  // Called by ws when a message has been handed to the kernel (or failed).
  #afterSend = (err) => {
    this.#unsentFrames--;
    if (err) return;
    this.#touch();
    if (this.#tcpPaused && this.#ws.bufferedAmount <= this.#highWaterMark / 2 && this.#unsentFrames <= MAX_UNSENT_FRAMES / 2) {
      this.#tcpPaused = false;
      this.#socket?.resume();
    }
  };

  #targetEnd(reason) {
    if (this.#targetEnded) return;
    this.#sendGathered();  // the target's last bytes go before the close
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
