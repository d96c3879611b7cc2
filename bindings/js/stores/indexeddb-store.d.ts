import type { MessageContent, MessageStore, PutItem, PutRecord, StoreState, StoredMessage } from './store-types.js';

/**
 * A MessageStore in IndexedDB (browsers). One transaction, with 'strict' durability, writes a
 * message's bytes (a Blob, byte for byte, CRLF as POP3 delivers it) and its record together.
 */
export declare class IndexedDbStore implements MessageStore {
  /**
   * Opens, creating if needed, the database `name` (default 'pop3-wasm').
   * `options.indexedDB`: another IDBFactory, e.g. fake-indexeddb in Node.
   */
  static open(name?: string, options?: { indexedDB?: IDBFactory }): Promise<IndexedDbStore>;
  private constructor(db: IDBDatabase);
  load(account: string, serverKeys: string[]): Promise<StoreState>;
  put(account: string, record: PutRecord, content: MessageContent): Promise<void>;
  putBatch(account: string, items: PutItem[]): Promise<void>;
  /**
   * For apps: the user deleted the message here. Its bytes are dropped; its record stays, marked
   * `deletedLocally`. Resolves false if the store has no such message.
   */
  deleteLocally(account: string, key: string): Promise<boolean>;
  forget(account: string, keys: string[]): Promise<void>;
  setLastLogin(account: string, unixMs: number): Promise<void>;
  list(account?: string): Promise<StoredMessage[]>;
  close(): Promise<void>;
}
