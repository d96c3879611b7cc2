/**
 * The consumer side of a streamed RETR/TOP: an async iterable of Uint8Array chunks with
 * backpressure. When more than `highWaterMark` bytes wait unread, the transport is paused (so
 * the socket's window closes and the server slows down); it resumes below half of that.
 *
 * Borrowed chunks (`borrowed`): each chunk is a view of a network read that goes back to the
 * transport when the consumer asks for the next one (or stops), so that a message streams through
 * a few reused buffers instead of a fresh one per read.
 */
export class BodyStream {
  #queue = [];  // { chunk, release }
  #queued = 0;
  #done = false;
  #error = null;
  #waiter = null;
  #paused = false;
  #discarded = false;
  #lent = null;  // borrowed: ends the loan of the chunk the consumer holds
  #flow;
  #highWaterMark;

  /**
   * @param {{pause(): void, resume(): void}} flow the transport to throttle
   * @param {number} highWaterMark bytes
   * @param {boolean} [borrowed] chunks are valid until the next one is asked for
   */
  constructor(flow, highWaterMark, borrowed = false) {
    this.#flow = flow;
    this.#highWaterMark = highWaterMark;
    this.borrowed = borrowed;
  }

  /** `release` (borrowed chunks): ends the chunk's loan once the consumer is past it. */
  push(chunk, release) {
    if (this.#discarded || this.#done) {
      release?.();
      return;
    }
    this.#queue.push({ chunk, release });
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

  #endLoan() {
    const release = this.#lent;
    this.#lent = null;
    release?.();
  }

  /** Stops reading: the rest of the reply is read off the wire and dropped. */
  discard() {
    this.#discarded = true;
    this.#endLoan();
    for (const { release } of this.#queue) release?.();
    this.#queue = [];
    this.#queued = 0;
    this.#resumeIfDrained();
  }

  async next() {
    this.#endLoan();
    for (;;) {
      if (this.#queue.length > 0) {
        const { chunk, release } = this.#queue.shift();
        this.#queued -= chunk.length;
        this.#lent = release ?? null;
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
