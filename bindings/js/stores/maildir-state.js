/**
 * The bookkeeping of one account in a Maildir store, under `<maildir>/pop3-wasm-state/accounts/`:
 * a snapshot plus an append-only journal, so that recording a message costs one appended line
 * and not a rewrite of the whole state (which made a sync's bookkeeping grow with the square of
 * the mailbox). docs/sync.md describes the files.
 *
 *   <stem>.json     the snapshot, replaced atomically:
 *     { "format": 2, "account": "alice@pop.example.com:995", "seq": 12, "lastLogin": 1700000000000,
 *       "messages": [ { "key": "uid1", "storedAt": 1700000000, "size": 1234,
 *                       "partial": false, "forgotten": false } ] }
 *   <stem>.journal  one line per commit, appended and fsync'd:
 *     <json> SP <first 16 hex digits of SHA-256(json)> LF
 *     json: { "seq": 13, "set": [ { "key", "storedAt", "size", "partial", "forgotten" } ],
 *             "drop": [ "uid7" ], "lastLogin": 1700000000000 }   (each field but seq optional)
 *
 * Loading applies the journal's entries whose seq is above the snapshot's: after a crash between
 * writing a new snapshot and emptying the journal, the old entries are still there and would
 * otherwise undo later changes the snapshot holds. A crash in the middle of an append leaves a
 * torn last line: the line fails its checksum or lacks its LF, is ignored, and the lock holder
 * cuts it off before appending again. An invalid line followed by a valid one is not a torn
 * append but damage, reported as STORE_CORRUPT and left as found.
 *
 * When the journal outgrows the snapshot (and 1 MiB), the state is compacted: a new snapshot is
 * written atomically and the journal emptied. A snapshot is written only after at least as many
 * journal bytes, so the bookkeeping's total cost stays linear in the number of messages.
 *
 * Format 1 (before the journal) was the snapshot alone; it is read as a snapshot with seq 0 and
 * rewritten as format 2 on the first change, so that an older version of the package, which
 * would not read the journal, refuses the state instead of missing records.
 *
 * `forgotten` marks a message the server no longer has (forget()): sync no longer sees it, but
 * the store still knows its key, so list() can name the local copy.
 */
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';

import { Pop3Error } from '../errors.js';
import { StoreErrorCode } from './store-errors.js';
import { replaceFile, syncDirectory } from './durable-files.js';

const FORMAT = 2;
const LEGACY_FORMAT = 1;
const COMPACT_MIN_BYTES = 1 << 20;

/**
 * The file name (without extension) for an account: readable where the account is made of
 * safe characters, percent-encoded UTF-8 for the others, a hash if that would be too long.
 * @param {string} account
 */
export function accountFileStem(account) {
  const safe = Array.from(new TextEncoder().encode(account), (byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9@._-]/.test(c) && byte < 0x80 ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  return safe.length <= 150 ? safe : `sha256-${createHash('sha256').update(account, 'utf8').digest('hex')}`;
}

/**
 * @typedef {object} StateEntry
 * @property {number} storedAt
 * @property {number} size
 * @property {boolean} partial
 * @property {boolean} forgotten
 */

const checksum = (json) => createHash('sha256').update(json, 'utf8').digest('hex').slice(0, 16);

const corrupt = (file, reason, cause) =>
  new Pop3Error(
    StoreErrorCode.STORE_CORRUPT,
    `the store's bookkeeping ${file} cannot be read (${reason}); move it aside to let the store ` +
      'rebuild it from the messages the server still lists',
    cause ? { cause } : undefined,
  );

async function readText(file, account) {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT' || account === undefined) throw error;
    return undefined;
  }
}

const entryOf = (m) => ({ storedAt: m.storedAt, size: m.size, partial: m.partial === true, forgotten: m.forgotten === true });

/**
 * Splits a journal into its valid entries and the byte length they span. A torn tail (invalid
 * lines with no valid line after them) is left out; an invalid line before a valid one throws.
 * @param {Buffer} bytes
 * @param {string} file for messages
 * @returns {{ entries: object[], validBytes: number }}
 */
export function parseJournal(bytes, file) {
  const entries = [];
  let validBytes = 0;
  let damagedAt = -1;
  for (let start = 0; start < bytes.length; ) {
    const end = bytes.indexOf(0x0a, start);
    const line = bytes.toString('utf8', start, end < 0 ? bytes.length : end);
    const next = end < 0 ? bytes.length : end + 1;
    let entry = null;
    const space = line.lastIndexOf(' ');
    if (end >= 0 && space > 0 && checksum(line.slice(0, space)) === line.slice(space + 1)) {
      try {
        entry = JSON.parse(line.slice(0, space));
      } catch {
        entry = null;
      }
    }
    if (entry && Number.isSafeInteger(entry.seq)) {
      if (damagedAt >= 0) throw corrupt(file, `damaged journal line at byte ${damagedAt} before valid ones`);
      entries.push(entry);
      validBytes = next;
    } else if (damagedAt < 0) {
      damagedAt = start;
    }
    start = next;
  }
  return { entries, validBytes };
}

export class AccountState {
  /** @type {Map<string, StateEntry>} key -> entry */
  messages = new Map();
  /** @type {number | undefined} */
  lastLogin = undefined;
  /** The journal size below which it is never compacted (lowered by tests). */
  compactBytes = COMPACT_MIN_BYTES;
  /** The seq of the last entry applied. */
  seq = 0;
  #format = FORMAT;
  #snapshotBytes = 0;
  #journalBytes = 0;
  #tornBytes = 0;
  /** @type {import('node:fs/promises').FileHandle | null} */
  #journal = null;
  /** Changes not yet committed: key -> entry, or null for a dropped key. */
  #changes = new Map();
  #loginChanged = false;

  /**
   * @param {string} file the snapshot; the journal is beside it
   * @param {string} account
   */
  constructor(file, account) {
    this.file = file;
    this.journalFile = file.replace(/\.json$/, '.journal');
    this.account = account;
  }

  /**
   * Reads the account's state: the snapshot (missing: empty) and the journal after it. A file
   * that cannot be parsed is never replaced silently: that would forget which messages were
   * stored.
   * @param {string} file the snapshot
   * @param {string} [account] if given, the state must belong to it
   * @returns {Promise<AccountState>}
   */
  static async read(file, account) {
    // Another process may compact between our two reads (new snapshot, then empty journal):
    // reading the snapshot again tells, and the read is then repeated.
    for (;;) {
      const text = await readText(file, account);
      const state = await AccountState.#read(file, account, text);
      if ((await readText(file, account)) === text) return state;
    }
  }

  static async #read(file, account, text) {
    const state = new AccountState(file, account ?? '');
    state.#format = 0;  // no snapshot yet: the first commit writes one
    if (text !== undefined) {
      let data;
      try {
        data = JSON.parse(text);
        if ((data?.format !== FORMAT && data?.format !== LEGACY_FORMAT) || typeof data.account !== 'string' || !Array.isArray(data.messages)) {
          throw new Error(`not a format ${FORMAT} account state`);
        }
        if (account !== undefined && data.account !== account) throw new Error(`it belongs to account "${data.account}"`);
      } catch (error) {
        throw corrupt(file, error.message, error);
      }
      state.account = data.account;
      state.#format = data.format;
      state.#snapshotBytes = Buffer.byteLength(text);
      state.seq = Number.isSafeInteger(data.seq) ? data.seq : 0;
      state.lastLogin = Number.isFinite(data.lastLogin) ? data.lastLogin : undefined;
      for (const m of data.messages) state.messages.set(m.key, entryOf(m));
    }
    let journal;
    try {
      journal = await readFile(state.journalFile);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      return state;
    }
    const { entries, validBytes } = parseJournal(journal, state.journalFile);
    state.#journalBytes = validBytes;
    state.#tornBytes = journal.length - validBytes;
    for (const entry of entries) if (entry.seq > state.seq) state.#apply(entry);
    return state;
  }

  /** @param {string} key @param {StateEntry} entry recorded by the next commit() */
  set(key, entry) {
    const copy = entryOf(entry);
    this.messages.set(key, copy);
    this.#changes.set(key, copy);
  }

  /** @param {string} key dropped by the next commit() */
  drop(key) {
    if (!this.messages.delete(key)) return;
    this.#changes.set(key, null);
  }

  /** @param {number} unixMs recorded by the next commit() */
  setLastLogin(unixMs) {
    this.lastLogin = unixMs;
    this.#loginChanged = true;
  }

  /**
   * Makes the changes since the last commit durable: one journal line, one fsync (or, now and
   * then, a new snapshot). Nothing to commit: nothing written.
   */
  async commit() {
    if (this.#changes.size === 0 && !this.#loginChanged) return;
    const entry = { seq: this.seq + 1 };
    const set = [];
    const drop = [];
    for (const [key, value] of this.#changes) {
      if (value) set.push({ key, ...value });
      else drop.push(key);
    }
    if (set.length) entry.set = set;
    if (drop.length) entry.drop = drop;
    if (this.#loginChanged) entry.lastLogin = this.lastLogin;
    this.#changes.clear();
    this.#loginChanged = false;
    this.seq = entry.seq;
    if (this.#format !== FORMAT || this.#journalBytes > Math.max(this.#snapshotBytes, this.compactBytes)) {
      await this.#compact();
      return;
    }
    const json = JSON.stringify(entry);
    await this.#append(`${json} ${checksum(json)}\n`);
  }

  /** Closes the journal. */
  async close() {
    const handle = this.#journal;
    this.#journal = null;
    await handle?.close();
  }

  #apply(entry) {
    for (const m of entry.set ?? []) this.messages.set(m.key, entryOf(m));
    for (const key of entry.drop ?? []) this.messages.delete(key);
    if (Number.isFinite(entry.lastLogin)) this.lastLogin = entry.lastLogin;
    this.seq = entry.seq;
  }

  async #append(line) {
    if (!this.#journal) {
      this.#journal = await open(this.journalFile, 'a+', 0o600);
      await this.#journal.sync();
      await syncDirectory(path.dirname(this.journalFile));
    }
    if (this.#tornBytes > 0) {
      // A crash (or a failed append) cut the last line short: cut it off, or the next line would
      // join it and read as damage.
      await this.#journal.truncate(this.#journalBytes);
      this.#tornBytes = 0;
    }
    const bytes = Buffer.from(line, 'utf8');
    try {
      for (let offset = 0; offset < bytes.length; ) offset += (await this.#journal.write(bytes, offset, bytes.length - offset)).bytesWritten;
      await this.#journal.datasync();
    } catch (error) {
      this.#tornBytes = bytes.length;  // some of it may be there
      throw error;
    }
    this.#journalBytes += bytes.length;
  }

  // Snapshot first (atomic), then empty the journal: a crash between the two leaves entries whose
  // seq the snapshot already covers, which read() skips.
  async #compact() {
    const messages = Array.from(this.messages, ([key, e]) => ({ key, ...e }));
    const text = JSON.stringify({ format: FORMAT, account: this.account, seq: this.seq, lastLogin: this.lastLogin, messages });
    await replaceFile(this.file, text);
    this.#format = FORMAT;
    this.#snapshotBytes = Buffer.byteLength(text);
    if (this.#journalBytes > 0 || this.#tornBytes > 0) {
      this.#journal ??= await open(this.journalFile, 'a+', 0o600);
      await this.#journal.truncate(0);
      await this.#journal.sync();
    }
    this.#journalBytes = 0;
    this.#tornBytes = 0;
  }
}

/** @param {string} stateDir `<maildir>/pop3-wasm-state/accounts` */
export const statePath = (stateDir, account) => path.join(stateDir, `${accountFileStem(account)}.json`);
/** @param {string} stateDir `<maildir>/pop3-wasm-state/accounts` */
export const lockPath = (stateDir, account) => path.join(stateDir, `${accountFileStem(account)}.lock`);
