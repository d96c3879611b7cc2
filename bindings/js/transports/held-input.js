/**
 * What every transport does with input that arrives before the client has attached its
 * listeners: it holds the bytes (and the end of the connection) and hands them over, in order, on
 * the microtask after `ondata` is set. Without it, a greeting can be lost: Deno ends a TLS
 * handshake and delivers the first bytes in the same task, and the `ws` package emits `open` and
 * a first message from one TCP read, both before the client that awaited `open()` has attached.
 */
export class HeldInput {
  #ondata = null;
  #onclose = () => {};
  #held = [];
  #ended = false;
  #endError;

  /** Called with each Uint8Array received. */
  get ondata() {
    return this.#ondata ?? (() => {});
  }

  set ondata(listener) {
    this.#ondata = listener;
    if (this.#held.length > 0 || this.#ended) queueMicrotask(() => this.#handOver());
  }

  /** Called once when the connection ends; `error` is set if it ended abnormally. */
  get onclose() {
    return this.#onclose;
  }

  set onclose(listener) {
    this.#onclose = listener;
  }

  /** For the transport: bytes received. */
  deliverInput(bytes) {
    if (this.#ondata && this.#held.length === 0) this.#ondata(bytes);
    else this.#held.push(bytes);  // before the listener, or behind bytes still held: keep order
  }

  /** For the transport: the connection ended (once). */
  endInput(error) {
    if (this.#ondata && this.#held.length === 0) {
      this.#onclose(error);
    } else {
      this.#ended = true;
      this.#endError = error;
    }
  }

  #handOver() {
    while (this.#ondata && this.#held.length > 0) this.#ondata(this.#held.shift());
    if (this.#ondata && this.#ended) {
      this.#ended = false;
      this.#onclose(this.#endError);
    }
  }
}
