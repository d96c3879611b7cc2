// What each POP3 command does, in plain words, with the RFC section that defines it. Used to
// annotate the transcript; the keys are the command words as they appear on the wire.
export const COMMAND_NOTES = {
  CAPA: ['Asks the server which extensions it supports.', 'RFC 2449 §5'],
  STLS: ['Switches the plain connection to TLS before anything secret is sent.', 'RFC 2595 §4'],
  USER: ['Names the mailbox to log in to; the password follows with PASS.', 'RFC 1939 §7'],
  PASS: ['Sends the password (hidden here). Only safe inside TLS.', 'RFC 1939 §7'],
  APOP: ['Logs in with an MD5 digest of the greeting\'s timestamp and the password, so the password itself never crosses the wire.', 'RFC 1939 §7'],
  AUTH: ['Logs in with a SASL mechanism (SCRAM, PLAIN, ...).', 'RFC 5034 §4'],
  STAT: ['Asks how many messages there are and their total size.', 'RFC 1939 §5'],
  LIST: ['Lists each message\'s number and size in octets.', 'RFC 1939 §5'],
  UIDL: ['Lists each message\'s unique id, which stays the same across sessions.', 'RFC 1939 §7'],
  TOP: ['Fetches a message\'s headers and the first n body lines (here 0: headers only).', 'RFC 1939 §7'],
  RETR: ['Fetches a whole message, every MIME part included.', 'RFC 1939 §5'],
  DELE: ['Marks a message as deleted. Nothing is removed until QUIT.', 'RFC 1939 §5'],
  RSET: ['Unmarks every message marked as deleted in this session.', 'RFC 1939 §5'],
  NOOP: ['Does nothing; keeps the connection alive.', 'RFC 1939 §5'],
  QUIT: ['Ends the session. The server now enters UPDATE and removes the marked messages.', 'RFC 1939 §6'],
};

/** The note for a client line, or null. */
export function noteFor(line) {
  const word = line.trim().split(/\s+/, 1)[0].toUpperCase();
  const note = COMMAND_NOTES[word];
  return note ? { command: word, text: note[0], rfc: note[1] } : null;
}

/** The state a reply to `command` leads to (RFC 1939 §3), for the step explanations. */
export function stateAfter(command, ok, current) {
  if (!ok) return current;
  if (['USER'].includes(command)) return 'AUTHORIZATION';
  if (['PASS', 'APOP', 'AUTH'].includes(command)) return 'TRANSACTION';
  if (command === 'QUIT') return current === 'TRANSACTION' ? 'UPDATE' : 'closed';
  return current;
}
