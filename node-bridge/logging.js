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
