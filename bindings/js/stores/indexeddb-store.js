/**
 * IndexedDbStore: the sync engine's store in browsers. One IndexedDB transaction writes a
 * message's bytes and its record together, so after any crash, closed tab or reload both are
 * there or neither is; put() resolves when that transaction has completed with 'strict'
 * durability (flushed to disk where the browser supports the hint), and only then may the sync
 * engine delete the message on the server.
 *
 * putBatch() writes a whole batch of messages and their records in one such transaction, so the
 * browser flushes once per batch rather than once per message (group commit).
 *
 * Object stores (database version 1):
 *   records   [account, key] -> { account, key, storedAt, size, partial, bytes, deletedLocally, forgotten }
 *   contents  [account, key] -> { account, key, blob }   the message, byte for byte (CRLF as POP3 sends)
 *   accounts  account        -> { account, lastLogin }
 *
 * A transaction cannot stay open while a network stream is read (IndexedDB commits it as soon as
 * the script stops issuing requests), so a streamed message is first gathered into a Blob, built
 * from 1 MiB parts: the script holds at most one part, the browser keeps the rest in its blob
 * storage (which spills to disk). The Blob and the record are then written in one transaction.
 * `forgotten` marks a record the server no longer lists (forget()): the copy stays in list().
 */
import { Pop3Error } from '../errors.js';
import { listOrder } from './list-order.js';
import { cancelContent, chunksOf } from './message-content.js';
import { covers, forgetting, reloading, reported } from './record-rules.js';
import { checkAccount, checkBatch, checkContent, checkKeys, checkPutRecord, checkTime } from './store-arguments.js';
import { storeFailure } from './store-errors.js';

const VERSION = 1;
const RECORDS = 'records';
const CONTENTS = 'contents';
const ACCOUNTS = 'accounts';
const BLOB_PART_BYTES = 1 << 20;

/** @template T @param {IDBRequest<T>} request @returns {Promise<T>} */
function requested(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Runs `work` in one transaction and resolves with its result once the transaction has
 * committed; `work` may await only requests of this transaction.
 * @template T
 * @param {IDBDatabase} db
 * @param {string[]} stores
 * @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function inTransaction(db, stores, mode, work) {
  // 'strict': complete means flushed to disk, not merely handed to the OS. Older browsers ignore it.
  const tx = db.transaction(stores, mode, { durability: mode === 'readwrite' ? 'strict' : 'default' });
  const committed = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
  });
  let result;
  try {
    result = await work(tx);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    await committed.catch(() => {});
    throw error;
  }
  await committed;
  return result;
}

/**
 * Gathers `content` into a Blob without keeping the chunks: each 1 MiB is copied into a Blob
 * part as it fills, so producers may reuse their buffers and the script heap stays small.
 * @param {Uint8Array | AsyncIterable<Uint8Array>} content
 */
async function gather(content) {
  if (content instanceof Uint8Array) {
    return { blob: new Blob([content], { type: 'message/rfc822' }), bytes: content.length };
  }
  const parts = [];
  const staging = new Uint8Array(BLOB_PART_BYTES);
  let filled = 0;
  let bytes = 0;
  for await (const chunk of chunksOf(content)) {
    bytes += chunk.length;
    for (let offset = 0; offset < chunk.length; ) {
      const n = Math.min(chunk.length - offset, staging.length - filled);
      staging.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === staging.length) {
        parts.push(new Blob([staging]));  // copies: staging is reused
        filled = 0;
      }
    }
  }
  if (filled > 0) parts.push(new Blob([staging.subarray(0, filled)]));
  return { blob: new Blob(parts, { type: 'message/rfc822' }), bytes };
}

export class IndexedDbStore {
  /** @type {IDBDatabase} */
  #db;
  #closed = false;

  /** @param {IDBDatabase} db */
  constructor(db) {
    this.#db = db;
  }

  /**
   * Opens (creating if needed) the database `name`.
   * @param {string} [name] default 'pop3-wasm'
   * @param {{ indexedDB?: IDBFactory }} [options] another IDBFactory (e.g. fake-indexeddb in Node)
   * @returns {Promise<IndexedDbStore>}
   */
  static async open(name = 'pop3-wasm', options = {}) {
    const factory = options.indexedDB ?? globalThis.indexedDB;
    if (!factory) {
      throw new Pop3Error('UNSUPPORTED', 'IndexedDB is not available here; in Node, use MaildirStore');
    }
    try {
      const request = factory.open(name, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(RECORDS)) {
          db.createObjectStore(RECORDS, { keyPath: ['account', 'key'] }).createIndex('account', 'account');
        }
        if (!db.objectStoreNames.contains(CONTENTS)) db.createObjectStore(CONTENTS, { keyPath: ['account', 'key'] });
        if (!db.objectStoreNames.contains(ACCOUNTS)) db.createObjectStore(ACCOUNTS, { keyPath: 'account' });
      };
      const db = await requested(request);
      // Another tab upgrading or deleting the database must not wait for this one forever.
      db.onversionchange = () => db.close();
      return new IndexedDbStore(db);
    } catch (error) {
      throw storeFailure(error, `opening the IndexedDB database "${name}"`);
    }
  }

  /**
   * What the store knows of `account`.
   * @param {string} account
   * @param {string[]} serverKeys the keys the server lists now
   */
  async load(account, serverKeys) {
    checkAccount(account);
    checkKeys(serverKeys, 'serverKeys');
    return this.#operation(`loading the store's records of "${account}"`, () =>
      inTransaction(this.#db, [RECORDS, ACCOUNTS], 'readwrite', async (tx) => {
        const listed = new Set(serverKeys);
        const records = tx.objectStore(RECORDS);
        const rows = await requested(records.index('account').getAll(account));
        const result = [];
        for (const row of rows) {
          const rule = reloading(row, listed.has(row.key), row.deletedLocally);
          if (rule === 'revive') {
            row.forgotten = false;  // the server lists it again; it is still stored
            records.put(row);
          } else if (rule === 'drop') records.delete([account, row.key]);
          const record = reported(row.key, row, row.deletedLocally);
          if (record) result.push(record);
        }
        const login = await requested(tx.objectStore(ACCOUNTS).get(account));
        return { records: result, lastLogin: login?.lastLogin };
      }),
    );
  }

  /**
   * Commits one message and its record in one transaction; a no-op if it is already stored as
   * completely (the stream is then cancelled, not read).
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
   * Commits several messages and their records in one transaction (group commit: one flush for
   * the batch); items already stored as completely are no-ops.
   * @param {string} account
   * @param {{ record: { key: string, storedAt: number, partial: boolean, size: number }, content: Uint8Array | AsyncIterable<Uint8Array> }[]} items
   */
  async putBatch(account, items) {
    checkAccount(account);
    checkBatch(items);
    return this.#operation(`storing ${items.length} messages of "${account}"`, () => this.#commitBatch(account, items));
  }

  async #commitBatch(account, items) {
    const stored = await this.#alreadyStored(account, items.map((i) => i.record));
    const gathered = [];
    for (const [i, item] of items.entries()) {
      if (stored[i]) await cancelContent(item.content);
      else gathered.push({ record: item.record, ...(await gather(item.content)) });
    }
    if (gathered.length === 0) return;
    await inTransaction(this.#db, [RECORDS, CONTENTS], 'readwrite', async (tx) => {
      const records = tx.objectStore(RECORDS);
      const existing = await Promise.all(gathered.map(({ record }) => requested(records.get([account, record.key]))));
      const written = new Map();
      for (const [i, { record, blob, bytes }] of gathered.entries()) {
        // A concurrent put of the same key (or a twin in this batch) may have won.
        if (covers(written.get(record.key) ?? existing[i], record)) continue;
        written.set(record.key, record);
        records.put({
          account,
          key: record.key,
          storedAt: record.storedAt,
          size: record.size,
          partial: record.partial,
          bytes,
          deletedLocally: false,
          forgotten: false,
        });
        tx.objectStore(CONTENTS).put({ account, key: record.key, blob });
      }
    });
  }

  /**
   * For apps: the user deleted the message here. Its bytes are dropped; its record stays, marked
   * `deletedLocally`, so the sync engine can apply its policy (and will not download it again).
   * @param {string} account
   * @param {string} key
   * @returns {Promise<boolean>} false if the store has no such message
   */
  async deleteLocally(account, key) {
    checkAccount(account);
    checkKeys([key], 'key');
    return this.#operation(`deleting message "${key}" of "${account}" locally`, () =>
      inTransaction(this.#db, [RECORDS, CONTENTS], 'readwrite', async (tx) => {
        const records = tx.objectStore(RECORDS);
        const existing = await requested(records.get([account, key]));
        if (!existing || existing.deletedLocally) return false;
        if (existing.forgotten) records.delete([account, key]);  // nobody needs its record any more
        else records.put({ ...existing, deletedLocally: true });
        tx.objectStore(CONTENTS).delete([account, key]);
        return true;
      }),
    );
  }

  /**
   * Drops the records of messages the server no longer has; their local copies stay in list().
   * @param {string} account
   * @param {string[]} keys
   */
  async forget(account, keys) {
    checkAccount(account);
    checkKeys(keys);
    return this.#operation(`forgetting messages of "${account}"`, () =>
      inTransaction(this.#db, [RECORDS], 'readwrite', async (tx) => {
        const records = tx.objectStore(RECORDS);
        for (const key of keys) {
          const existing = await requested(records.get([account, key]));
          if (!existing) continue;
          const rule = forgetting(existing, existing.deletedLocally);
          if (rule === 'drop') records.delete([account, key]);
          else if (rule === 'mark') records.put({ ...existing, forgotten: true });
        }
      }),
    );
  }

  /**
   * @param {string} account
   * @param {number} unixMs
   */
  async setLastLogin(account, unixMs) {
    checkAccount(account);
    checkTime(unixMs);
    return this.#operation(`recording the last login of "${account}"`, () =>
      inTransaction(this.#db, [ACCOUNTS], 'readwrite', async (tx) => {
        tx.objectStore(ACCOUNTS).put({ account, lastLogin: unixMs });
      }),
    );
  }

  /**
   * Every stored message of `account`, or of every account; messages deleted locally are not
   * listed. Bytes are read on demand.
   * @param {string} [account]
   */
  async list(account) {
    if (account !== undefined) checkAccount(account);
    return this.#operation('listing the stored messages', async () => {
      const rows = await inTransaction(this.#db, [RECORDS], 'readonly', (tx) => {
        const records = tx.objectStore(RECORDS);
        return requested(account === undefined ? records.getAll() : records.index('account').getAll(account));
      });
      return rows
        .filter((row) => !row.deletedLocally)
        .sort(listOrder)
        .map((row) => this.#storedMessage(row));
    });
  }

  /** Closes the database connection. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #storedMessage(row) {
    const blobOf = async () => {
      const found = await inTransaction(this.#db, [CONTENTS], 'readonly', (tx) =>
        requested(tx.objectStore(CONTENTS).get([row.account, row.key])),
      );
      if (!found) throw new Pop3Error('STORE_FAILED', `message "${row.key}" of "${row.account}" is no longer stored`);
      return /** @type {Blob} */ (found.blob);
    };
    return {
      account: row.account,
      key: row.key,
      partial: row.partial,
      size: row.size,
      storedAt: row.storedAt,
      async read() {
        return new Uint8Array(await (await blobOf()).arrayBuffer());
      },
      async *stream() {
        const reader = (await blobOf()).stream().getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            yield value;
          }
        } finally {
          reader.releaseLock();
        }
      },
    };
  }

  // For each record: is it stored at least as completely already? Revives forgotten ones.
  async #alreadyStored(account, offered) {
    return inTransaction(this.#db, [RECORDS], 'readwrite', async (tx) => {
      const records = tx.objectStore(RECORDS);
      const existing = await Promise.all(offered.map((record) => requested(records.get([account, record.key]))));
      return existing.map((row, i) => {
        if (!covers(row, offered[i])) return false;
        if (row.forgotten) records.put({ ...row, forgotten: false });
        return true;
      });
    });
  }

  async #operation(doing, task) {
    if (this.#closed) throw new Pop3Error('INVALID_STATE', 'the store is closed');
    try {
      return await task();
    } catch (error) {
      throw storeFailure(error, doing);
    }
  }
}
