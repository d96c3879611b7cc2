/**
 * Is the client still there? Pings the client every `pingIntervalMs`, drops one that has not
 * answered, allowing for data it may still be reading, and answers the client's own pings with a
 * bound on unsent pongs. Why and how: docs/bridge.md, "Liveness: the heartbeat".
 */
export const MAX_UNSENT_PONGS = 64;
/** The slowest reading speed assumed of a live client, in bytes per second (128 kbit/s). */
export const MIN_READ_RATE = 16 * 1024;
const MAX_OUTSTANDING_PINGS = 16;

export class Heartbeat {
  #ws;
  #intervalMs;
  #events;
  #timer = null;
  #lastHeard = Date.now();
  #pingedAt = null;
  #sequence = 0;
  #marks = new Map();  // ping sequence number -> bytes sent to the client before it
  #confirmed = 0;      // bytes the client has certainly read (sent before a ping it answered)
  #unsentPongs = 0;

  /**
   * @param {import('ws').WebSocket} ws
   * @param {{pingIntervalMs: number}} settings 0: no pings (pongs are still answered)
   * @param {{listening(): boolean, sentBytes(): number, gone(): void, pingFlood(): void}} events
   *   `listening`: whether the bridge is reading the client now; `sentBytes`: how many bytes
   *   for the client the bridge has handed to the kernel so far
   */
  constructor(ws, { pingIntervalMs }, events) {
    this.#ws = ws;
    this.#intervalMs = pingIntervalMs;
    this.#events = events;
    ws.on('message', this.#heard);
    ws.on('pong', this.#pong);
    ws.on('ping', this.#answer);
  }

  start() {
    if (this.#intervalMs <= 0 || this.#timer) return;
    this.#lastHeard = Date.now();
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#timer.unref?.();
  }

  stop() {
    clearInterval(this.#timer);
    this.#timer = null;
  }

  #heard = () => {
    this.#lastHeard = Date.now();
  };

  #tick() {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    const now = Date.now();
    if (!this.#events.listening()) this.#lastHeard = now;  // it cannot be heard: not held against it
    if (this.#pingedAt !== null && this.#lastHeard < this.#pingedAt) {
      const unconfirmed = Math.max(0, this.#events.sentBytes() - this.#confirmed);
      if (now - this.#lastHeard >= this.#intervalMs + (unconfirmed / MIN_READ_RATE) * 1000) {
        this.stop();
        this.#events.gone();
        return;
      }
    }
    const sequence = ++this.#sequence;
    if (this.#marks.size < MAX_OUTSTANDING_PINGS) this.#marks.set(sequence, this.#events.sentBytes());
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(sequence >>> 0);
    this.#pingedAt = now;
    this.#ws.ping(payload);
  }

  #pong = (data) => {
    this.#heard();
    if (data.length !== 4) return;
    const sequence = data.readUInt32BE(0);
    const mark = this.#marks.get(sequence);
    if (mark === undefined) return;
    this.#confirmed = Math.max(this.#confirmed, mark);
    for (const key of this.#marks.keys()) if (key <= sequence) this.#marks.delete(key);
  };

  #answer = (data) => {
    this.#heard();
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    if (this.#unsentPongs >= MAX_UNSENT_PONGS) {
      this.stop();
      this.#events.pingFlood();
      return;
    }
    this.#unsentPongs++;
    this.#ws.pong(data, false, this.#pongSent);
  };

  #pongSent = () => {
    this.#unsentPongs--;
  };
}
