/**
 * Structured logs: one JSON object per line. A session logs one line when it ends, whatever
 * ended it (refusal, either side closing, time-out, shutdown): who, where to, how much, how
 * long and why it ended. Payload bytes and access tokens never appear: only the fields built in
 * sessionRecord() are written.
 */

/**
 * A logger writing JSON lines to a stream.
 * @param {{write(text: string): unknown}} stream e.g. process.stdout
 * @returns {(record: object) => void}
 */
export function jsonLines(stream) {
  return (record) => stream.write(`${JSON.stringify(record)}\n`);
}

/** The logger from the `log` option: a function, `false` for none, or JSON lines to stdout. */
export function loggerFrom(option) {
  if (option === false) return () => {};
  if (typeof option === 'function') return option;
  return jsonLines(process.stdout);
}

/**
 * The end-of-session record.
 * @param {object} s the session's facts (see session.js)
 */
export function sessionRecord(s) {
  return {
    time: new Date().toISOString(),
    event: 'session',
    id: s.id,
    client: s.client,
    origin: typeof s.origin === 'string' ? s.origin.slice(0, 200) : null,  // client-chosen text: bounded
    target: s.target ?? null,
    address: s.address ?? null,
    bytesClientToTarget: s.bytesClientToTarget,
    bytesTargetToClient: s.bytesTargetToClient,
    durationMs: Math.round(s.durationMs),
    closeCode: s.closeCode,
    closeReason: s.closeReason,
    closedBy: s.closedBy,
  };
}

/** A record of a bridge event that is not a session (listening, closing, configuration). */
export function eventRecord(event, fields = {}) {
  return { time: new Date().toISOString(), event, ...fields };
}

/**
 * Connections turned away before they became WebSockets (pending-connections.js, server.js) are
 * not logged one by one - a flood of connections would become a flood of log lines - but summed
 * up: at most one 'rejected' record per window, with the count per reason and the addresses
 * that were turned away most (at most 10; addresses are only tallied for the first 1,000
 * distinct ones of a window, so the tally stays small whatever arrives).
 */
export class RejectionLog {
  #log;
  #windowMs;
  #timer = null;
  #counts = {};
  #clients = new Map();

  /**
   * @param {(record: object) => void} log
   * @param {number} [windowMs]
   */
  constructor(log, windowMs = 1000) {
    this.#log = log;
    this.#windowMs = windowMs;
  }

  note(reason, client) {
    this.#counts[reason] = (this.#counts[reason] ?? 0) + 1;
    if (this.#clients.has(client) || this.#clients.size < 1000) this.#clients.set(client, (this.#clients.get(client) ?? 0) + 1);
    if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), this.#windowMs);
      this.#timer.unref?.();
    }
  }

  /** Writes the record of the current window, if anything was rejected in it. */
  flush() {
    clearTimeout(this.#timer);
    this.#timer = null;
    if (Object.keys(this.#counts).length === 0) return;
    const top = [...this.#clients].sort((a, b) => b[1] - a[1]).slice(0, 10);
    this.#log(eventRecord('rejected', { windowMs: this.#windowMs, counts: this.#counts, clients: Object.fromEntries(top) }));
    this.#counts = {};
    this.#clients = new Map();
  }
}
