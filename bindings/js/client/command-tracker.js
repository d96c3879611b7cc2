/**
 * The promise side of commands: one entry per command the core accepted, settled by its reply
 * (or by an abort, a time-out or the end of the session), with the body bytes of RETR and TOP
 * collected or streamed. The time-out rule lives here too, since it is about waiting.
 */
import { Pop3Error } from '../errors.js';
import { isPackedListing, unpackListing } from './listing.js';

// A command also times out when less than this many bytes a second arrive for a whole time-out
// window: a server that drips one byte a second must not hold a client forever.
const DEFAULT_MIN_BYTES_PER_SECOND = 16;

// The message as one Uint8Array of its own. Chunks are views of the transport's buffers, which
// may hold other replies too: one chunk that is its whole buffer is kept as it is; anything else
// is copied, so that a small message does not keep a whole network read alive.
function concat(chunks, total) {
  if (chunks.length === 1 && chunks[0].byteOffset === 0 && chunks[0].byteLength === chunks[0].buffer.byteLength) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

// What a successful reply resolves to, by command.
function replyValue(event, entry) {
  switch (event.command) {
    case 'RETR':
    case 'TOP':
      return entry.stream ? undefined : concat(entry.chunks, entry.size);
    case 'LIST':
    case 'UIDL':
      return isPackedListing(event.data) ? unpackListing(event.data) : event.data;
    case 'STAT':
    case 'CAPA':
      return event.data;
    case 'QUIT':
      return event.status.text;
    case 'LANG':
      return event.data ?? event.status.text;  // the list, or the answer to LANG tag
    default:
      return undefined;
  }
}

export class CommandTracker {
  /** id -> { command, resolve, reject, chunks, size, stream, timeoutMs, settled, onAbort } */
  #pending = new Map();
  #timer = null;
  #windowBytes = 0;
  #options;

  /**
   * @param {{ timeoutMs: number, minBytesPerSecond?: number, cancel: (id: number) => void,
   *   readingPaused: () => boolean, onTimeout: (error: Pop3Error) => void }} options
   */
  constructor(options) {
    this.#options = options;
  }

  get size() {
    return this.#pending.size;
  }

  /** Whether command `id` still waits for its reply. */
  has(id) {
    return this.#pending.has(id);
  }

  /** A promise for the command the core accepted as `submitted` ({ id } or { error }). */
  track(submitted, command, stream, options = {}, fromCoreError) {
    if (submitted.error) return Promise.reject(fromCoreError(submitted.error, command));
    const id = submitted.id;
    const signal = options.signal;
    return new Promise((resolve, reject) => {
      const entry = {
        command,
        resolve,
        reject,
        chunks: [],
        size: 0,
        stream,
        timeoutMs: options.timeoutMs ?? this.#options.timeoutMs,
        settled: false,
        onAbort: null,
      };
      this.#pending.set(id, entry);
      if (signal) {
        entry.onAbort = () => this.#abort(id, entry, signal.reason);
        if (signal.aborted) entry.onAbort();
        else signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.arm();
    });
  }

  /**
   * Message bytes of a RETR or TOP; `lease`, when `data` is a view of a network read
   * (client/body-spans.js): a stream of borrowed chunks holds it, anything else keeps the view.
   */
  body(id, data, lease) {
    const entry = this.#pending.get(id);
    if (!entry || entry.settled) return;
    if (entry.stream?.borrowed) entry.stream.push(data, lease?.hold());
    else {
      lease?.escape();
      if (entry.stream) entry.stream.push(data);
      else entry.chunks.push(data);
    }
    entry.size += data.length;
  }

  /** The reply that ends a command; `error` is the Pop3Error of a failed one. */
  reply(event, error) {
    const entry = this.#pending.get(event.id);
    if (!entry) return;
    this.#pending.delete(event.id);
    entry.onAbort = null;
    if (error) this.#settle(entry, error);
    else this.#settle(entry, null, replyValue(event, entry));
    this.arm();
  }

  /** Bytes arrived from the server: progress for the time-out window. */
  received(n) {
    this.#windowBytes += n;
  }

  /** The session ended: every command still waiting fails with `error`. */
  failAll(error) {
    this.clearTimer();
    for (const [id, entry] of this.#pending) {
      this.#pending.delete(id);
      this.#settle(
        entry,
        entry.settled ? null : new Pop3Error(error.code, `${entry.command} was not answered: ${error.message}`, { cause: error, command: entry.command }),
      );
    }
  }

  // Not yet on the wire: the core withdraws it. Already sent: its reply is read and dropped.
  #abort(id, entry, reason) {
    this.#settle(entry, new Pop3Error('ABORTED', `${entry.command} aborted`, { cause: reason, command: entry.command }));
    entry.stream?.discard();
    this.#options.cancel(id);
  }

  #settle(entry, error, value) {
    if (entry.settled) return;
    entry.settled = true;
    entry.stream && !error ? entry.stream.end() : entry.stream?.fail(error);
    error ? entry.reject(error) : entry.resolve(value);
  }

  // The command being answered times out when, over a whole window of `timeoutMs`, nothing
  // completes and fewer than minBytesPerSecond bytes a second arrive (nothing at all, or a drip).
  arm() {
    this.clearTimer();
    const head = this.#pending.values().next().value;
    if (!head) return;
    const minRate = this.#options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND;
    this.#windowBytes = 0;
    const check = () => {
      const current = this.#pending.values().next().value;
      if (!current) return;
      const needed = Math.max(1, (minRate * current.timeoutMs) / 1000);
      // While a slow consumer holds reading paused, the server is not the one to blame.
      if (current === head && this.#windowBytes < needed && !this.#options.readingPaused()) {
        const what = this.#windowBytes === 0 ? 'no reply' : `only ${this.#windowBytes} bytes`;
        const error = new Pop3Error('TIMEOUT', `${what} to ${current.command} within ${current.timeoutMs} ms`, { command: current.command });
        this.#settle(current, error);
        this.#options.onTimeout(error);
        return;
      }
      this.#windowBytes = 0;
      this.#timer = setTimeout(check, current.timeoutMs);
    };
    this.#timer = setTimeout(check, head.timeoutMs);
  }

  clearTimer() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
