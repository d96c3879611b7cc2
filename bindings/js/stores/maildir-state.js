/**
 * The bookkeeping of one account in a Maildir store: a JSON file per account under
 * `<maildir>/pop3-wasm-state/accounts/`, replaced atomically and durably on every change.
 *
 *   { "format": 1, "account": "alice@pop.example.com:995", "lastLogin": 1700000000000,
 *     "messages": [ { "key": "uid1", "storedAt": 1700000000, "size": 1234,
 *                     "partial": false, "forgotten": false } ] }
 *
 * `forgotten` marks a message the server no longer has (forget()): sync no longer sees it, but
 * the store still knows its key, so list() can name the local copy.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';

import { Pop3Error } from '../errors.js';
import { StoreErrorCode } from './store-errors.js';
import { replaceFile } from './durable-files.js';

const FORMAT = 1;

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

export class AccountState {
  /** @type {Map<string, StateEntry>} key -> entry */
  messages = new Map();
  /** @type {number | undefined} */
  lastLogin = undefined;

  /**
   * @param {string} file
   * @param {string} account
   */
  constructor(file, account) {
    this.file = file;
    this.account = account;
  }

  /**
   * Reads the account's state; a missing file is an empty state. A file that cannot be parsed
   * is never replaced silently: that would forget which messages were stored.
   * @param {string} file
   * @param {string} [account] if given, the file must belong to it
   * @returns {Promise<AccountState>}
   */
  static async read(file, account) {
    let text;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (error.code === 'ENOENT' && account !== undefined) return new AccountState(file, account);
      throw error;
    }
    let data;
    try {
      data = JSON.parse(text);
      if (data?.format !== FORMAT || typeof data.account !== 'string' || !Array.isArray(data.messages)) {
        throw new Error(`not a format ${FORMAT} account state`);
      }
      if (account !== undefined && data.account !== account) {
        throw new Error(`it belongs to account "${data.account}"`);
      }
    } catch (error) {
      throw new Pop3Error(
        StoreErrorCode.STORE_CORRUPT,
        `the store's bookkeeping ${file} cannot be read (${error.message}); move it aside to let the store ` +
          'rebuild it from the messages the server still lists',
        { cause: error },
      );
    }
    const state = new AccountState(file, data.account);
    state.lastLogin = Number.isFinite(data.lastLogin) ? data.lastLogin : undefined;
    for (const m of data.messages) {
      state.messages.set(m.key, {
        storedAt: m.storedAt,
        size: m.size,
        partial: m.partial === true,
        forgotten: m.forgotten === true,
      });
    }
    return state;
  }

  /** Writes the state atomically and durably. */
  async write() {
    const messages = Array.from(this.messages, ([key, e]) => ({
      key,
      storedAt: e.storedAt,
      size: e.size,
      partial: e.partial,
      forgotten: e.forgotten,
    }));
    const data = { format: FORMAT, account: this.account, lastLogin: this.lastLogin, messages };
    await replaceFile(this.file, JSON.stringify(data));
  }
}

/** @param {string} stateDir `<maildir>/pop3-wasm-state/accounts` */
export const statePath = (stateDir, account) => path.join(stateDir, `${accountFileStem(account)}.json`);
/** @param {string} stateDir `<maildir>/pop3-wasm-state/accounts` */
export const lockPath = (stateDir, account) => path.join(stateDir, `${accountFileStem(account)}.lock`);
