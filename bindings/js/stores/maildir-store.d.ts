import type { MessageContent, MessageStore, PutItem, PutRecord, StoreState, StoredMessage } from './store-types.js';

/** A message of a MaildirStore, as list() returns it. */
export interface StoredMaildirMessage extends StoredMessage {
  /** The file as last seen (a mail client may move it; read() and stream() find it again). */
  readonly path: string;
}

/**
 * A MessageStore in a real Maildir (tmp/, new/, cur/), readable by any mail client, with the POP3
 * bookkeeping per account under `<dir>/pop3-wasm-state/` (a snapshot and an append-only journal,
 * docs/sync.md). Messages are stored byte for byte, CRLF line ends as POP3 delivers them, named
 * `<unique>,S=<size>,K=<tag>[,P=1]` (K: 128 bits of SHA-256(account NUL key), P=1: headers only).
 * Each account is locked by one store object at a time: another one gets STORE_LOCKED until
 * close().
 */
export declare class MaildirStore implements MessageStore {
  /** Nothing touches the disk before the first call. */
  constructor(dir: string);
  /** Creates the Maildir if needed and removes tmp/ files older than 36 hours. */
  static open(dir: string): Promise<MaildirStore>;
  /** The Maildir's absolute path. */
  readonly directory: string;
  load(account: string, serverKeys: string[]): Promise<StoreState>;
  put(account: string, record: PutRecord, content: MessageContent): Promise<void>;
  putBatch(account: string, items: PutItem[]): Promise<void>;
  forget(account: string, keys: string[]): Promise<void>;
  setLastLogin(account: string, unixMs: number): Promise<void>;
  list(account?: string): Promise<StoredMaildirMessage[]>;
  /** Waits for running operations and releases the accounts' locks. */
  close(): Promise<void>;
}
