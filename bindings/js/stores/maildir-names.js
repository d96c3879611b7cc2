/**
 * Maildir file names: making unique ones and reading what ours carry.
 *
 * A delivered file is named `<unique>,S=<size>,K=<tag>[,P=1]`, and a mail client that reads it
 * moves it to cur/ and appends `:2,<flags>`. The unique part follows the modern Maildir
 * convention (https://cr.yp.to/proto/maildir.html, Dovecot's and Courier's form):
 * `<seconds>.M<microseconds>P<pid>Q<count>R<random>.<host>`. The fields after it:
 *   S=<size>  the file's size in bytes (Dovecot and Courier read it; it must be exact),
 *   K=<tag>   ours: 32 hex digits = the first 128 bits of SHA-256(UTF-8 account, NUL, UTF-8 key).
 *             It ties the file to its POP3 message without the store's bookkeeping, so a crash
 *             between delivering a file and recording it loses nothing: the key is recognised
 *             again from the server's listing. A hash, because UIDs may hold `/` and `:`.
 *   P=1       ours: the file holds the headers only (a partial copy, TOP n 0).
 */
import crypto from 'node:crypto';
import os from 'node:os';

// crypto.hash() (Node 20.12) is the one-shot form: about half the cost of a Hash object for a
// short input, paid once per message stored and per key loaded.
const sha256Hex = crypto.hash
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * @param {string} account
 * @param {string} key
 * @returns {string} 32 lower-case hex digits
 */
export function keyTag(account, key) {
  return sha256Hex(`${account}\0${key}`).slice(0, 32);
}

// Maildir readers split names on '/' and ':'; Dovecot also escapes ',' (it starts the fields).
const hostPart = os
  .hostname()
  .replaceAll('/', '\\057')
  .replaceAll(':', '\\072')
  .replaceAll(',', '\\054');

let deliveries = 0;
// Drawn once: with the pid and the delivery count it keeps names unique across processes that
// reuse a pid, without asking the random source for every message.
const processRandom = crypto.randomBytes(8).toString('hex');

/** A name no other delivery (this process, another process, another host) will pick. */
export function uniqueName() {
  // Microseconds since 1970 stay below 2^53 until the year 2255: exact in a double.
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  deliveries += 1;
  return `${Math.floor(micros / 1_000_000)}.M${micros % 1_000_000}P${process.pid}Q${deliveries}R${processRandom}.${hostPart}`;
}

/**
 * @param {string} unique from uniqueName()
 * @param {{ bytes: number, tag: string, partial: boolean }} fields
 */
export function deliveredName(unique, { bytes, tag, partial }) {
  return `${unique},S=${bytes},K=${tag}${partial ? ',P=1' : ''}`;
}

/**
 * @typedef {object} ParsedName
 * @property {string} tag     the K tag
 * @property {number} bytes   the S field (NaN if missing)
 * @property {boolean} partial
 * @property {number} seconds the delivery time in the unique part (NaN if not ours)
 * @property {string} flags   Maildir flags after ':2,' (cur/ only), e.g. 'RS'
 */

const TAG = /^[0-9a-f]{32}$/;

/**
 * Reads one of our names; anything else in the Maildir (other deliveries, dot files) is null.
 * @param {string} name
 * @returns {ParsedName | null}
 */
export function parseName(name) {
  if (name.startsWith('.')) return null;
  const colon = name.indexOf(':');
  const base = colon < 0 ? name : name.slice(0, colon);
  const info = colon < 0 ? '' : name.slice(colon + 1);
  const [unique, ...fields] = base.split(',');
  let tag = null;
  let bytes = NaN;
  let partial = false;
  for (const field of fields) {
    if (field.startsWith('K=')) tag = field.slice(2);
    else if (field.startsWith('S=')) bytes = Number(field.slice(2));
    else if (field === 'P=1') partial = true;
  }
  if (tag === null || !TAG.test(tag)) return null;
  return {
    tag,
    bytes,
    partial,
    seconds: Number(/^(\d+)\./.exec(unique)?.[1] ?? NaN),
    flags: info.startsWith('2,') ? info.slice(2) : '',
  };
}
