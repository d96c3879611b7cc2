/**
 * MaildirStore: the sync engine's store for Node. Messages go into a real Maildir that any mail
 * client (mutt, Thunderbird via a Maildir account, Dovecot) can read; the POP3 bookkeeping goes
 * beside them, per account, under `<maildir>/pop3-wasm-state/` (not dot-prefixed: Maildir++
 * readers such as Dovecot list dot-directories as mail folders).
 *
 * Theory of operation ("nothing lost": the server deletes a message only after put() or
 * putBatch() resolves). put() is a batch of one; a batch (group commit):
 *   1. writes each message into tmp/<unique>, fsync each;
 *   2. renames them to new/<unique>,S=<size>,K=<tag>, fsync new/ once  -> the messages are durable;
 *   3. appends one line recording them to the account's journal, fsync (maildir-state.js)
 *      -> putBatch() resolves;
 *   4. removes the partial copies they replaced, if any.
 *   A crash after 1 leaves an orphan in tmp/ (removed after 36 hours, the Maildir convention);
 *   the message was not stored and put() never resolved, so the server still has it. A crash
 *   after 2 leaves a delivered file without its record: load() finds it again by its K tag (a
 *   hash of account and key, see maildir-names.js) for every key the server lists, so it is
 *   neither downloaded twice nor lost. A crash after 3 leaves the partial copy beside the full
 *   one; load() removes it.
 *   Mail clients move files from new/ to cur/ and append ':2,<flags>': the K tag survives that.
 *   A record whose file is gone from new/ and cur/, or flagged T (trashed), is `deletedLocally`.
 *
 * Messages are stored byte for byte as given: as POP3 delivers them, with CRLF line ends (most
 * Maildir readers accept CRLF; Dovecot counts it in S= as the physical size, which is what we
 * write). Each account is locked by one store object at a time (STORE_LOCKED otherwise).
 */
import { renameSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, unlink, open } from 'node:fs/promises';
import path from 'node:path';

import { Pop3Error } from '../errors.js';
import { acquireLock } from './maildir-lock.js';
import { AccountState, lockPath, statePath } from './maildir-state.js';
import { deliveredName, keyTag, parseName, uniqueName } from './maildir-names.js';
import { syncDirectory, writeNewFile, writeNewFileSync } from './durable-files.js';
import { listOrder } from './list-order.js';
import { cancelContent, chunksOf } from './message-content.js';
import { covers, forgetting, reloading, reported } from './record-rules.js';
import { checkAccount, checkBatch, checkContent, checkKeys, checkPutRecord, checkTime } from './store-arguments.js';
import { storeFailure } from './store-errors.js';

/** Maildir: "a file in tmp/ not accessed for 36 hours" is a failed delivery, to be removed. */
const STALE_TMP_MS = 36 * 60 * 60 * 1000;

/** Runs tasks one after another: one account's state is changed by one task at a time. */
class SerialQueue {
  #tail = Promise.resolve();
  /** @template T @param {() => Promise<T>} task @returns {Promise<T>} */
  run(task) {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => {});
    return result;
  }
}

/**
 * @typedef {object} MaildirFile one of our files in new/ or cur/
 * @property {string} path
 * @property {string} tag
 * @property {number} bytes
 * @property {boolean} partial
 * @property {number} seconds
 * @property {boolean} trashed  flagged T by a mail client
 */

const ignoreMissing = (error) => {
  if (error.code !== 'ENOENT') throw error;
};

/** The copy to report for a key: a full one before a partial one, untrashed before trashed. */
function bestCopy(files) {
  const rank = (f) => (f.partial ? 2 : 0) + (f.trashed ? 1 : 0);
  return files?.length ? files.reduce((a, b) => (rank(b) < rank(a) ? b : a)) : undefined;
}
const present = (files) => Boolean(files?.some((f) => !f.trashed));

export class MaildirStore {
  #dir;
  #stateDir;
  #onCheckpoint;
  #compactBytes;
  /** @type {Promise<void> | null} */
  #ready = null;
  /** @type {Map<string, Promise<{ state: AccountState, lock: { release(): Promise<void> }, queue: SerialQueue }>>} */
  #accounts = new Map();
  /** @type {Map<string, MaildirFile[]> | null} tag -> our files, as last scanned plus our deliveries */
  #index = null;
  #pending = new Set();
  #closed = false;

  /**
   * @param {string} dir the Maildir (tmp/, new/ and cur/ are created if missing)
   * @param {{ onCheckpoint?: (name: string) => void, compactBytes?: number }} [options] for tests
   *   only: `onCheckpoint` is called at 'file-written', 'file-committed' and 'state-written' in
   *   put() and putBatch(); `compactBytes` lowers the journal size that triggers a compaction.
   */
  constructor(dir, options = {}) {
    if (typeof dir !== 'string' || dir === '') throw new Pop3Error('INVALID_ARGUMENT', 'dir must be a directory path');
    this.#dir = path.resolve(dir);
    this.#stateDir = path.join(this.#dir, 'pop3-wasm-state', 'accounts');
    this.#onCheckpoint = options.onCheckpoint;
    this.#compactBytes = options.compactBytes;
  }

  /**
   * Creates the Maildir if needed and clears stale tmp/ files now rather than on first use.
   * @param {string} dir
   * @returns {Promise<MaildirStore>}
   */
  static async open(dir, options) {
    const store = new MaildirStore(dir, options);
    await store.#operation('opening the Maildir', () => store.#init());
    return store;
  }

  /** The Maildir's absolute path. */
  get directory() {
    return this.#dir;
  }

  /**
   * What the store knows of `account`; recovers records of files committed without them.
   * @param {string} account
   * @param {string[]} serverKeys the keys the server lists now
   */
  async load(account, serverKeys) {
    checkAccount(account);
    checkKeys(serverKeys, 'serverKeys');
    return this.#operation(`loading the store's records of "${account}"`, async () => {
      const { state, queue } = await this.#account(account);
      return queue.run(async () => {
        const index = await this.#scan();
        // Each key's tag is asked for up to three times below: hashed once. An empty Maildir
        // (the first sync) holds no copies: nothing to hash.
        const tags = new Map();
        const copies = (key) => {
          if (index.size === 0) return undefined;
          let tag = tags.get(key);
          if (tag === undefined) tags.set(key, (tag = keyTag(account, key)));
          return index.get(tag);
        };
        const listed = new Set(serverKeys);
        for (const key of serverKeys) {
          const best = bestCopy(copies(key));
          if (!state.messages.has(key) && best) {
            // Delivered, then a crash before the bookkeeping: the file is the record.
            const storedAt = Number.isFinite(best.seconds) ? best.seconds : Math.floor(Date.now() / 1000);
            state.set(key, { storedAt, size: best.bytes, partial: best.partial, forgotten: false });
          }
        }
        const leftovers = [];
        for (const [key, entry] of state.messages) {
          const files = copies(key);
          if (files?.some((f) => !f.partial)) {
            // A crash cut short the replacement of a partial copy: the full one counts.
            if (entry.partial) state.set(key, { ...entry, partial: false });
            leftovers.push(...files.filter((f) => f.partial));
          }
          const rule = reloading(entry, listed.has(key), !present(files));
          if (rule === 'revive') state.set(key, { ...state.messages.get(key), forgotten: false });
          else if (rule === 'drop') state.drop(key);
        }
        await state.commit();
        await this.#removeCopies(leftovers);
        const records = [];
        for (const [key, entry] of state.messages) {
          const record = reported(key, entry, !present(copies(key)));
          if (record) records.push(record);
        }
        return { records, lastLogin: state.lastLogin };
      });
    });
  }

  /**
   * Commits one message and its record durably; a no-op if it is already stored as completely.
   * @param {string} account
   * @param {{ key: string, storedAt: number, partial: boolean, size: number }} record
   * @param {Uint8Array | AsyncIterable<Uint8Array>} content
   */
  async put(account, record, content) {
    checkAccount(account);
    checkPutRecord(record);
    checkContent(content);
    return this.#operation(`storing message "${record.key}" of "${account}"`, () => this.#commitBatch(account, [{ record, content }]));
  }

  /**
   * Commits several messages as one group: each file is written and fsync'd in tmp/, all are
   * renamed into new/ and new/ is fsync'd once, then their records are journaled with one fsync.
   * Resolves once all of them are durable; items already stored as completely are no-ops.
   * @param {string} account
   * @param {{ record: { key: string, storedAt: number, partial: boolean, size: number }, content: Uint8Array | AsyncIterable<Uint8Array> }[]} items
   */
  async putBatch(account, items) {
    checkAccount(account);
    checkBatch(items);
    return this.#operation(`storing ${items.length} messages of "${account}"`, () => this.#commitBatch(account, items));
  }

  async #commitBatch(account, items) {
    const acct = await this.#account(account);
    const { state } = acct;
    // Names are joined by hand, not with path.join(): per message, the normalisation showed in
    // profiles, and a unique name holds no separator to normalise.
    const tmpDir = path.join(this.#dir, 'tmp') + path.sep;
    const newDir = path.join(this.#dir, 'new');
    const todo = await acct.queue.run(async () => {
      /** @type {Map<string, object>} key -> the item to write (the most complete of twins) */
      const chosen = new Map();
      for (const item of items) {
        const tag = keyTag(account, item.record.key);
        const twin = chosen.get(item.record.key);
        if ((twin && covers(twin.record, item.record)) || this.#alreadyStored(state, item.record, tag)) {
          await cancelContent(item.content);
          continue;
        }
        if (twin) await cancelContent(twin.content);
        const unique = uniqueName();
        chosen.set(item.record.key, { ...item, tag, unique, temporary: tmpDir + unique, bytes: 0, committed: false });
      }
      await state.commit();  // repairs #alreadyStored made
      return [...chosen.values()];
    });
    if (todo.length === 0) return;
    try {
      // Outside the queue: several batches of one account may be written at once. Messages in
      // memory are written with blocking calls (durable-files.js says why); streams in order.
      for (const t of todo) {
        if (t.content instanceof Uint8Array) t.bytes = writeNewFileSync(t.temporary, t.content);
        else t.bytes = await writeNewFile(t.temporary, chunksOf(t.content));
      }
      this.#checkpoint('file-written');
      await acct.queue.run(async () => {
        const fresh = [];
        for (const t of todo) {
          if (this.#alreadyStored(state, t.record, t.tag)) await unlink(t.temporary);  // a concurrent put of the same key won
          else fresh.push(t);
        }
        if (fresh.length === 0) return state.commit();
        const rescan = fresh.some((t) => state.messages.get(t.record.key)?.partial || this.#index?.get(t.tag)?.length);
        const index = rescan ? await this.#scan() : this.#index;
        const previous = fresh.map((t) => (index?.get(t.tag) ?? []).filter((f) => f.partial));
        for (const t of fresh) {
          const file = newDir + path.sep + deliveredName(t.unique, { bytes: t.bytes, tag: t.tag, partial: t.record.partial });
          renameSync(t.temporary, file);
          t.committed = true;
          // The unique name starts with the delivery's seconds (maildir-names.js).
          this.#remember({ path: file, tag: t.tag, bytes: t.bytes, partial: t.record.partial, seconds: Number.parseInt(t.unique, 10), trashed: false });
        }
        await syncDirectory(newDir);
        this.#checkpoint('file-committed');
        for (const { record } of fresh) {
          state.set(record.key, { storedAt: record.storedAt, size: record.size, partial: record.partial, forgotten: false });
        }
        await state.commit();
        this.#checkpoint('state-written');
        for (const [i, t] of fresh.entries()) if (!t.record.partial && previous[i].length > 0) await this.#removeCopies(previous[i]);
      });
    } catch (error) {
      await Promise.all(todo.filter((t) => !t.committed).map((t) => unlink(t.temporary).catch(() => {})));
      throw error;
    }
  }

  /**
   * Drops the records of messages the server no longer has; their local copies stay (and stay
   * in list()).
   * @param {string} account
   * @param {string[]} keys
   */
  async forget(account, keys) {
    checkAccount(account);
    checkKeys(keys);
    return this.#operation(`forgetting messages of "${account}"`, async () => {
      const { state, queue } = await this.#account(account);
      await queue.run(async () => {
        const known = keys.filter((key) => state.messages.has(key));
        if (known.length === 0) return;  // nothing to forget: no need to read a large Maildir
        const index = await this.#scan();
        for (const key of known) {
          const entry = state.messages.get(key);
          if (!entry) continue;  // listed twice, dropped the first time
          const rule = forgetting(entry, !present(index.get(keyTag(account, key))));
          if (rule === 'mark') state.set(key, { ...entry, forgotten: true });
          else if (rule === 'drop') state.drop(key);
        }
        await state.commit();
      });
    });
  }

  /**
   * @param {string} account
   * @param {number} unixMs
   */
  async setLastLogin(account, unixMs) {
    checkAccount(account);
    checkTime(unixMs);
    return this.#operation(`recording the last login of "${account}"`, async () => {
      const { state, queue } = await this.#account(account);
      await queue.run(async () => {
        state.setLastLogin(unixMs);
        await state.commit();
      });
    });
  }

  /**
   * Every stored message of `account`, or of every account in the store; messages deleted
   * locally are not listed. Accounts held by another store are read (not locked).
   * @param {string} [account]
   */
  async list(account) {
    if (account !== undefined) checkAccount(account);
    return this.#operation('listing the stored messages', async () => {
      await this.#init();
      const states = [];
      if (account !== undefined) {
        states.push(await AccountState.read(statePath(this.#stateDir, account), account));
      } else {
        for (const name of (await readdir(this.#stateDir)).sort()) {
          if (name.endsWith('.json') && !name.startsWith('.')) {
            states.push(await AccountState.read(path.join(this.#stateDir, name)));
          }
        }
      }
      const index = await this.#scan();
      const messages = [];
      for (const state of states) {
        for (const [key, entry] of state.messages) {
          const tag = keyTag(state.account, key);
          const copy = bestCopy(index.get(tag)?.filter((f) => !f.trashed));
          if (!copy) continue;
          messages.push(this.#storedMessage(state.account, key, entry, copy));
        }
      }
      return messages.sort(listOrder);
    });
  }

  /** Waits for running operations and releases the accounts' locks. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled(this.#pending);
    const accounts = await Promise.allSettled(this.#accounts.values());
    this.#accounts.clear();
    for (const a of accounts) {
      if (a.status !== 'fulfilled') continue;
      await a.value.state.close();
      await a.value.lock.release();
    }
  }

  #storedMessage(account, key, entry, copy) {
    const store = this;
    let file = copy.path;
    // Mail clients move files (new/ -> cur/, flag changes): find it again by its tag.
    const locate = async () => {
      try {
        await stat(file);
      } catch (error) {
        ignoreMissing(error);
        const again = bestCopy((await store.#scan()).get(copy.tag)?.filter((f) => !f.trashed));
        if (!again) throw new Pop3Error('STORE_FAILED', `message "${key}" of "${account}" is no longer in the Maildir`);
        file = again.path;
      }
      return file;
    };
    return {
      account,
      key,
      partial: entry.partial,
      size: entry.size,
      storedAt: entry.storedAt,
      get path() {
        return file;
      },
      async read() {
        const buffer = await readFile(await locate());
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      },
      async *stream() {
        const handle = await open(await locate(), 'r');
        try {
          for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 16, autoClose: false })) {
            yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          }
        } finally {
          await handle.close();
        }
      },
    };
  }

  // Already stored at least as completely as `record` asks? Repairs the bookkeeping on the way
  // (the caller commits the repair).
  #alreadyStored(state, record, tag) {
    const entry = state.messages.get(record.key);
    if (covers(entry, record)) {
      if (entry.forgotten) state.set(record.key, { ...entry, forgotten: false });
      return true;
    }
    // A copy delivered before a crash that its bookkeeping never recorded.
    const files = this.#index?.get(tag) ?? [];
    const copy = files.find((f) => !f.partial) ?? (record.partial ? files[0] : undefined);
    if (!copy) return false;
    state.set(record.key, {
      storedAt: entry?.storedAt ?? record.storedAt,
      size: entry?.size ?? record.size,
      partial: copy.partial,
      forgotten: false,
    });
    return true;
  }

  async #removeCopies(files) {
    for (const f of files) {
      await unlink(f.path).catch(ignoreMissing);
      const list = this.#index?.get(f.tag);
      if (list) this.#index.set(f.tag, list.filter((g) => g.path !== f.path));
    }
  }

  #checkpoint(name) {
    this.#onCheckpoint?.(name);
  }

  // Reads new/ and cur/ afresh: mail clients move and delete files behind our back.
  async #scan() {
    /** @type {Map<string, MaildirFile[]>} */
    const index = new Map();
    for (const sub of ['new', 'cur']) {
      const dir = path.join(this.#dir, sub);
      for (const name of await readdir(dir)) {
        const parsed = parseName(name);
        if (!parsed) continue;
        const file = {
          path: path.join(dir, name),
          tag: parsed.tag,
          bytes: parsed.bytes,
          partial: parsed.partial,
          seconds: parsed.seconds,
          trashed: parsed.flags.includes('T'),
        };
        const list = index.get(parsed.tag);
        if (list) list.push(file);
        else index.set(parsed.tag, [file]);
      }
    }
    this.#index = index;
    return index;
  }

  /** @param {MaildirFile} file one we just delivered */
  #remember(file) {
    if (!this.#index) return;
    const list = this.#index.get(file.tag);
    if (list) list.push(file);
    else this.#index.set(file.tag, [file]);
  }

  #init() {
    this.#ready ??= (async () => {
      for (const sub of ['tmp', 'new', 'cur']) await mkdir(path.join(this.#dir, sub), { recursive: true, mode: 0o700 });
      await mkdir(this.#stateDir, { recursive: true, mode: 0o700 });
      const tmp = path.join(this.#dir, 'tmp');
      const now = Date.now();
      for (const name of await readdir(tmp)) {
        const file = path.join(tmp, name);
        const info = await stat(file).catch(() => null);
        if (info?.isFile() && now - Math.max(info.mtimeMs, info.atimeMs) > STALE_TMP_MS) {
          await unlink(file).catch(() => {});
        }
      }
      await this.#scan();
    })().catch((error) => {
      this.#ready = null;
      throw error;
    });
    return this.#ready;
  }

  #account(account) {
    let held = this.#accounts.get(account);
    if (!held) {
      held = (async () => {
        await this.#init();
        const lock = await acquireLock(lockPath(this.#stateDir, account), account);
        try {
          const state = await AccountState.read(statePath(this.#stateDir, account), account);
          state.compactBytes = this.#compactBytes ?? state.compactBytes;
          return { state, lock, queue: new SerialQueue() };
        } catch (error) {
          await lock.release();
          throw error;
        }
      })();
      this.#accounts.set(account, held);
      held.catch(() => {
        if (this.#accounts.get(account) === held) this.#accounts.delete(account);
      });
    }
    return held;
  }

  async #operation(doing, task) {
    if (this.#closed) throw new Pop3Error('INVALID_STATE', 'the store is closed');
    const running = task().catch((error) => {
      throw storeFailure(error, doing);
    });
    this.#pending.add(running);
    try {
      return await running;
    } finally {
      this.#pending.delete(running);
    }
  }
}
