/**
 * The interface between the sync engine and a local message store (MaildirStore in Node,
 * IndexedDbStore in browsers). The sync engine deletes a message on the server only after the
 * store's put() has resolved, so put() must resolve only once a crash can no longer lose the
 * message; and since keys are the POP3 UIDs, a store never holds two copies of one key.
 */

/** What the store knows of one message of an account. */
export interface StoreRecord {
  /** The POP3 UIDL unique id, `uid#2` for a repeated UID, or `hdr:<hex>` without UIDL (made by the core). */
  key: string;
  /** When it was stored, unix seconds. */
  storedAt: number;
  /** Only the headers are stored (TOP n 0). */
  partial: boolean;
  /** The user deleted the local copy (or, in a Maildir, flagged it T for trashed). */
  deletedLocally: boolean;
  /**
   * The size given to put() (the server's size of the message). For a record the store had to
   * recover from a copy committed without its bookkeeping (a crash), the copy's size in bytes.
   */
  size: number;
}

/** What load() returns. */
export interface StoreState {
  /** Every message of the account the store holds a record of (stored or deleted locally). */
  records: StoreRecord[];
  /** The last time setLastLogin() recorded, unix milliseconds. */
  lastLogin?: number;
}

/** The record put() takes. */
export interface PutRecord {
  key: string;
  /** Unix seconds. */
  storedAt: number;
  partial: boolean;
  size: number;
}

/**
 * A message's bytes as POP3 delivers them (CRLF line ends, dot-unstuffed): one buffer, or a
 * stream such as Pop3Client.retrieveStream(). Stores consume a stream chunk by chunk and never
 * join it into one buffer; a producer may reuse a chunk's buffer once the next one is asked for.
 */
export type MessageContent = Uint8Array | AsyncIterable<Uint8Array>;

/** One message of a putBatch(). */
export interface PutItem {
  record: PutRecord;
  content: MessageContent;
}

/** A stored message, as list() returns it; its bytes are read on demand. */
export interface StoredMessage {
  account: string;
  key: string;
  partial: boolean;
  /** As in StoreRecord. */
  size: number;
  /** Unix seconds. */
  storedAt: number;
  /** The whole message. */
  read(): Promise<Uint8Array>;
  /** The message in chunks, for large messages. */
  stream(): AsyncIterable<Uint8Array>;
}

export interface MessageStore {
  /**
   * What the store knows of `account`. `serverKeys` are the keys the server lists now: the store
   * reports a record for every one of them it holds, even one its bookkeeping missed (a crash
   * between committing a message and recording it). Records of keys the server no longer lists
   * are reported too, until forget() drops them.
   */
  load(account: string, serverKeys: string[]): Promise<StoreState>;
  /**
   * Commits one message and its record atomically and durably: resolves only once a crash can no
   * longer lose it. A no-op if the key is already stored at least as completely (a full copy, or
   * any copy when `record.partial`); the stream is then cancelled (its `return()` is called), not
   * read. A full copy replaces a partial one.
   */
  put(account: string, record: PutRecord, content: MessageContent): Promise<void>;
  /**
   * Commits several messages as one group, resolving once all are durable (what put() promises
   * for one). Optional: sync() uses it when a store has it (one fsync or transaction per batch
   * instead of per message) and calls put() per message otherwise.
   */
  putBatch?(account: string, items: PutItem[]): Promise<void>;
  /** Drops the records of messages no longer on the server; the local copies stay (in list()). */
  forget(account: string, keys: string[]): Promise<void>;
  /** Records the time of a successful login, unix milliseconds. */
  setLastLogin(account: string, unixMs: number): Promise<void>;
  /** Every stored message of `account`, or of every account; messages deleted locally are not listed. */
  list(account?: string): Promise<StoredMessage[]>;
  /** Waits for running operations and releases the store (locks, connections). */
  close?(): Promise<void>;
}

/**
 * Error codes the stores add to Pop3Error's (besides INVALID_ARGUMENT, INVALID_STATE for a closed
 * store, and UNSUPPORTED where IndexedDB is missing).
 *   STORE_LOCKED   another store object, here or in another process, holds the account
 *   STORE_CORRUPT  the bookkeeping cannot be read; it is left as found
 *   STORE_FULL     no space left (disk, quota)
 *   STORE_FAILED   any other read or write failure (the cause is attached)
 */
export type StoreErrorCodeName = 'STORE_LOCKED' | 'STORE_CORRUPT' | 'STORE_FULL' | 'STORE_FAILED';
