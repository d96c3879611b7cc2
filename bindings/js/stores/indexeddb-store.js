/**
 * IndexedDbStore: the sync engine's store in browsers. One IndexedDB transaction writes a
 * message's bytes and its record together, so after any crash, closed tab or reload both are
 * there or neither is; put() resolves when that transaction has completed with 'strict'
 * durability (flushed to disk where the browser supports the hint), and only then may the sync
 * engine delete the message on the server.
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
import { checkAccount, checkContent, checkKeys, checkPutRecord, checkTime } from './store-arguments.js';
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

/** Covered: the stored copy is at least as complete as the one offered. */
const covers = (existing, record) => Boolean(existing) && (!existing.partial || record.partial);

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
          if (row.forgotten) {
            if (!listed.has(row.key) || row.deletedLocally) continue;
            records.put({ ...row, forgotten: false });  // the server lists it again; it is still stored
          }
          result.push({
            key: row.key,
            storedAt: row.storedAt,
            partial: row.partial,
            deletedLocally: row.deletedLocally,
            size: row.size,
          });
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
    return this.#operation(`storing message "${record.key}" of "${account}"`, async () => {
      if (await this.#alreadyStored(account, record)) {
        await cancelContent(content);
        return;
      }
      const { blob, bytes } = await gather(content);
      await inTransaction(this.#db, [RECORDS, CONTENTS], 'readwrite', async (tx) => {
        const records = tx.objectStore(RECORDS);
        const existing = await requested(records.get([account, record.key]));
        if (covers(existing, record)) return;  // a concurrent put of the same key won
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
      });
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
          if (!existing || existing.forgotten) continue;
          if (existing.deletedLocally) records.delete([account, key]);
          else records.put({ ...existing, forgotten: true });
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

  async #alreadyStored(account, record) {
    return inTransaction(this.#db, [RECORDS], 'readwrite', async (tx) => {
      const records = tx.objectStore(RECORDS);
      const existing = await requested(records.get([account, record.key]));
      if (!covers(existing, record)) return false;
      if (existing.forgotten) records.put({ ...existing, forgotten: false });
      return true;
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
