/**
 * Mailboxes read from Maildirs, for Node: the messages of new/ and cur/, oldest first (by file
 * name, which starts with the delivery time), each message's unique id being its file name
 * without the ":2,flags" suffix. QUIT removes the files of deleted messages.
 */
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

import { Pop3Error } from '../errors.js';
import { toWireForm } from './mailbox-store.js';

function uidOf(name) {
  // RFC 1939: 1 to 70 characters in 0x21-0x7E.
  return name.replace(/:2,.*$/, '').replace(/[^\x21-\x7e]/g, '_').slice(0, 70);
}

/** A store serving one Maildir to every user, or `{ user: directory }`. */
export class MaildirMailboxStore {
  #directories;

  /** @param {string | Record<string, string>} directories */
  constructor(directories) {
    if (typeof directories !== 'string' && (directories === null || typeof directories !== 'object')) {
      throw new Pop3Error('INVALID_ARGUMENT', 'MaildirMailboxStore takes a directory or { user: directory }');
    }
    this.#directories = directories;
  }

  #directoryOf(user) {
    if (typeof this.#directories === 'string') return this.#directories;
    if (!Object.hasOwn(this.#directories, user)) throw new Pop3Error('INVALID_ARGUMENT', `no Maildir for ${user}`);
    return this.#directories[user];
  }

  /** The maildrop lock's name: the directory, so that users sharing one Maildir share its lock. */
  lockKey(user) {
    return `maildir:${path.resolve(this.#directoryOf(user))}`;
  }

  /** For the server: the maildrop's messages at login, their bytes (wire form) and removal. */
  async open(user) {
    const root = this.#directoryOf(user);
    const files = [];
    for (const sub of ['cur', 'new']) {
      const names = await readdir(path.join(root, sub)).catch((error) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      for (const name of names) if (!name.startsWith('.')) files.push({ name, file: path.join(root, sub, name) });
    }
    files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const messages = [];
    const byUid = new Map();
    for (const { name, file } of files) {
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) continue;
      const uid = uidOf(name);
      if (byUid.has(uid)) continue;
      // Sizes are of the wire form (CRLF), which Maildir files (LF) are not: read to count.
      const bytes = toWireForm(new Uint8Array(await readFile(file)));
      byUid.set(uid, { file, size: bytes.length });
      messages.push({ uid, size: bytes.length });
    }
    return {
      messages,
      read: async (uid) => toWireForm(new Uint8Array(await readFile(byUid.get(uid).file))),
      remove: async (uids) => {
        for (const uid of uids) {
          await unlink(byUid.get(uid).file).catch((error) => {
            if (error.code !== 'ENOENT') throw error;
          });
        }
      },
    };
  }
}
