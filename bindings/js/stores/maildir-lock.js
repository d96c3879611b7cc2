/**
 * An exclusive lock on one account of a Maildir store, held by one store object at a time (in
 * this process or any other), so two syncs never rewrite the same bookkeeping at once.
 *
 * The lock is a file created with O_EXCL holding { pid, host, nonce, since }. A process killed
 * while holding it leaves the file behind; the next store takes it over if the owner is on this
 * host and no longer runs. The takeover renames the stale file away first and checks it renamed
 * the very file it judged stale, so two processes recovering at once cannot both win.
 */
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import { randomBytes } from 'node:crypto';

import { Pop3Error } from '../errors.js';
import { StoreErrorCode } from './store-errors.js';

const UNREADABLE_GRACE_MS = 10_000;

function runs(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';  // it runs, as another user
  }
}

async function readOwner(file) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    // Empty or torn: its creator died between create and write, or is writing right now.
    const since = await stat(file).then((s) => s.mtimeMs, () => 0);
    return { pid: 0, host: '(unknown)', nonce: '', since, unreadable: true };
  }
}

function lockedError(file, owner, account) {
  const who = owner.host === os.hostname() ? `process ${owner.pid}` : `process ${owner.pid} on ${owner.host}`;
  return new Pop3Error(
    StoreErrorCode.STORE_LOCKED,
    `the store's account "${account}" is in use by ${who} since ${new Date(owner.since).toISOString()} ` +
      `(lock file ${file}); close that store first, or delete the lock file if that process is surely gone`,
  );
}

/**
 * Takes the lock or throws STORE_LOCKED.
 * @param {string} file the lock file
 * @param {string} account for the error message
 * @returns {Promise<{ release(): Promise<void> }>}
 */
export async function acquireLock(file, account) {
  const mine = { pid: process.pid, host: os.hostname(), nonce: randomBytes(12).toString('hex'), since: Date.now() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(mine));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return {
        async release() {
          const owner = await readOwner(file);
          if (owner?.nonce === mine.nonce) await unlink(file).catch(() => {});
        },
      };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(file);
    if (owner === null) continue;  // released meanwhile
    // An unreadable lock is stale once its creator has had ample time to write it.
    const stale = owner.unreadable
      ? Date.now() - owner.since > UNREADABLE_GRACE_MS
      : owner.host === mine.host && owner.pid > 0 && !runs(owner.pid);
    if (!stale) {
      if (owner.unreadable && attempt < 4) {
        await new Promise((resolve) => setTimeout(resolve, 20));  // maybe being written: look again
        continue;
      }
      throw lockedError(file, owner, account);
    }
    const aside = `${file}.stale-${mine.nonce}`;
    try {
      await rename(file, aside);
    } catch (error) {
      if (error.code === 'ENOENT') continue;  // another process took it over first
      throw error;
    }
    const moved = await readOwner(aside);
    if (moved?.nonce !== owner.nonce) {
      // We moved a fresh lock of a process that won the takeover: put it back and give way.
      await link(aside, file).catch(() => {});
      await unlink(aside).catch(() => {});
      throw lockedError(file, moved ?? owner, account);
    }
    await unlink(aside);
  }
  throw new Pop3Error(
    StoreErrorCode.STORE_LOCKED,
    `could not take the lock ${file} of account "${account}"; try again`,
  );
}
