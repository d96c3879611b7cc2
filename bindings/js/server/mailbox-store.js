/**
 * Mailboxes held in memory, one list of messages per user. Browser-safe. Messages are kept in
 * their wire form (CRLF line ends), so the sizes the server announces are the sizes it sends.
 */
import { Pop3Error } from '../errors.js';

const encoder = new TextEncoder();

/**
 * A message's bytes with every line ending in CRLF (bare LF and bare CR become CRLF).
 * @param {string | Uint8Array} message
 * @returns {Uint8Array}
 */
export function toWireForm(message) {
  const bytes = typeof message === 'string' ? encoder.encode(message) : message;
  if (!(bytes instanceof Uint8Array)) throw new Pop3Error('INVALID_ARGUMENT', 'a message is a string or a Uint8Array');
  let extra = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) extra++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) extra++;
  }
  if (extra === 0) return bytes;
  const out = new Uint8Array(bytes.length + extra);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) {
      out[j++] = 0x0d;
      out[j++] = 0x0a;
    } else if (b === 0x0d && bytes[i + 1] !== 0x0a) {
      out[j++] = 0x0d;
      out[j++] = 0x0a;
    } else {
      out[j++] = b;
    }
  }
  return out;
}

/**
 * In-memory mailboxes: `{ user: [message, ...] }`, a message being a string, a Uint8Array or
 * `{ uid, bytes }`. A session that logs in sees the mailbox as it was at login; QUIT removes the
 * messages it deleted.
 */
export class MemoryMailboxStore {
  /** @type {Map<string, { uid: string, bytes: Uint8Array }[]>} */
  #boxes = new Map();
  #nextUid = 1;

  /** @param {Record<string, Array<string | Uint8Array | { uid?: string, bytes: string | Uint8Array }>>} [mailboxes] */
  constructor(mailboxes = {}) {
    for (const [user, messages] of Object.entries(mailboxes)) {
      for (const message of messages) this.add(user, message);
    }
  }

  /**
   * Adds a message to a user's mailbox (created if needed) and returns its unique id.
   * @param {string} user
   * @param {string | Uint8Array | { uid?: string, bytes: string | Uint8Array }} message
   */
  add(user, message) {
    const { uid, bytes } = typeof message === 'string' || message instanceof Uint8Array ? { bytes: message } : message;
    const id = uid ?? `m${String(this.#nextUid++).padStart(6, '0')}`;
    if (!/^[\x21-\x7e]{1,70}$/.test(id)) {
      throw new Pop3Error('INVALID_ARGUMENT', `a unique id is 1 to 70 printable ASCII characters (RFC 1939): ${JSON.stringify(id)}`);
    }
    const box = this.#boxes.get(user) ?? [];
    if (box.some((m) => m.uid === id)) throw new Pop3Error('INVALID_ARGUMENT', `${user} already has a message with unique id ${id}`);
    box.push({ uid: id, bytes: toWireForm(bytes) });
    this.#boxes.set(user, box);
    return id;
  }

  /** The messages of a user's mailbox now: `[{ uid, size, bytes }]` (wire form). */
  messages(user) {
    return (this.#boxes.get(user) ?? []).map(({ uid, bytes }) => ({ uid, size: bytes.length, bytes }));
  }

  /** For the server: a snapshot of the mailbox, its bytes and a way to remove messages. */
  async open(user) {
    const snapshot = this.messages(user);
    const byUid = new Map(snapshot.map((m) => [m.uid, m.bytes]));
    return {
      messages: snapshot.map(({ uid, size }) => ({ uid, size })),
      read: async (uid) => byUid.get(uid),
      remove: async (uids) => {
        const gone = new Set(uids);
        this.#boxes.set(user, (this.#boxes.get(user) ?? []).filter((m) => !gone.has(m.uid)));
      },
    };
  }
}
