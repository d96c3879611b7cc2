/**
 * The consumer side of a streamed RETR/TOP: an async iterable of Uint8Array chunks with
 * backpressure. When more than `highWaterMark` bytes wait unread, the transport is paused (so
 * the socket's window closes and the server slows down); it resumes below half of that.
 */
export class BodyStream {
  #queue = [];
  #queued = 0;
  #done = false;
  #error = null;
  #waiter = null;
  #paused = false;
  #discarded = false;
  #flow;
  #highWaterMark;

  /**
   * @param {{pause(): void, resume(): void}} flow the transport to throttle
   * @param {number} highWaterMark bytes
   */
  constructor(flow, highWaterMark) {
    this.#flow = flow;
    this.#highWaterMark = highWaterMark;
  }

  push(chunk) {
    if (this.#discarded || this.#done) return;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (!this.#paused && this.#queued > this.#highWaterMark) {
      this.#paused = true;
      this.#flow.pause();
    }
    this.#wake();
  }

  end() {
    this.#done = true;
    this.#wake();
  }

  fail(error) {
    if (this.#done) return;
    this.#error = error;
    this.#done = true;
    this.#wake();
  }

  #wake() {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  #resumeIfDrained() {
    if (this.#paused && this.#queued <= this.#highWaterMark / 2) {
      this.#paused = false;
      this.#flow.resume();
    }
  }

  /** Stops reading: the rest of the reply is read off the wire and dropped. */
  discard() {
    this.#discarded = true;
    this.#queue = [];
    this.#queued = 0;
    this.#resumeIfDrained();
  }

  async next() {
    for (;;) {
      if (this.#queue.length > 0) {
        const chunk = this.#queue.shift();
        this.#queued -= chunk.length;
        this.#resumeIfDrained();
        return { value: chunk, done: false };
      }
      if (this.#error) throw this.#error;
      if (this.#done) return { value: undefined, done: true };
      await new Promise((resolve) => (this.#waiter = resolve));
    }
  }

  [Symbol.asyncIterator]() {
    return {
      next: () => this.next(),
      return: async () => {
        this.discard();
        return { value: undefined, done: true };
      },
    };
  }
}
