/**
 * Rate limits on what clients send (client -> target): messages per second and bytes per
 * second, per session and per client address (the limit key of client-address.js), as token
 * buckets that hold one second's worth.
 *
 * Why messages as well as bytes: the bridge's cost is per message far more than per byte (a
 * MiB of 1-byte messages costs some 45 times the CPU of a MiB in 64 KiB messages), so a flood of
 * tiny frames from a few sessions could keep its one thread busy for everyone. A POP3 client
 * sends commands and TLS records: a few messages and kilobytes per second, far below the
 * defaults.
 *
 * A message that arrives is always relayed: it is already read. The bucket goes into debt and
 * the relay stops reading that WebSocket (ws.pause(), so TCP backpressure reaches the client)
 * until the debt is paid - nothing is buffered to throttle.
 */

export class TokenBucket {
  #rate;
  #tokens;
  #at;

  /** @param {number} rate per second (also the burst); 0: no limit */
  constructor(rate, now = Date.now()) {
    this.#rate = rate;
    this.#tokens = rate;
    this.#at = now;
  }

  #refill(now) {
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#at) * this.#rate) / 1000);
    this.#at = now;
  }

  /** Takes `n` (going into debt if need be); returns how many ms until the debt is paid (0: none). */
  take(n, now = Date.now()) {
    if (this.#rate === 0) return 0;
    this.#refill(now);
    this.#tokens -= n;
    return this.wait(now);
  }

  /** ms until the bucket is out of debt. */
  wait(now = Date.now()) {
    if (this.#rate === 0) return 0;
    this.#refill(now);
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens * 1000) / this.#rate);
  }
}

/** A session's and its address's buckets, messages and bytes. */
export class RateLimit {
  #buckets;

  constructor(buckets) {
    this.#buckets = buckets;
  }

  /** One message of `bytes`: ms to stop reading (0: go on). */
  take(bytes, now = Date.now()) {
    const [messages, byteBucket, addressMessages, addressBytes] = this.#buckets;
    return Math.max(messages.take(1, now), byteBucket.take(bytes, now), addressMessages.take(1, now), addressBytes.take(bytes, now));
  }

  /** ms until every bucket is out of debt. */
  wait(now = Date.now()) {
    return Math.max(...this.#buckets.map((b) => b.wait(now)));
  }
}

/** The per-address buckets, shared by the sessions of one address while any of them lives. */
export class RateLimits {
  #settings;
  #perKey = new Map();  // key -> {messages, bytes, users}

  /** @param {{maxMessagesPerSecond: number, maxBytesPerSecond: number, maxMessagesPerSecondPerIp: number, maxBytesPerSecondPerIp: number}} settings */
  constructor(settings) {
    this.#settings = settings;
  }

  /** A session of `key` starts: its limit (call release(key) when it ends). */
  acquire(key) {
    const s = this.#settings;
    let shared = this.#perKey.get(key);
    if (!shared) {
      shared = { messages: new TokenBucket(s.maxMessagesPerSecondPerIp), bytes: new TokenBucket(s.maxBytesPerSecondPerIp), users: 0 };
      this.#perKey.set(key, shared);
    }
    shared.users++;
    return new RateLimit([new TokenBucket(s.maxMessagesPerSecond), new TokenBucket(s.maxBytesPerSecond), shared.messages, shared.bytes]);
  }

  release(key) {
    const shared = this.#perKey.get(key);
    if (shared && --shared.users <= 0) this.#perKey.delete(key);
  }
}
