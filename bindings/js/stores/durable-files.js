/**
 * Writes that survive a crash or a power cut. POSIX makes a write durable only after fsync of
 * the file, and a rename or a new name durable only after fsync of the directory holding it;
 * skipping the second is the classic way to lose a "saved" file.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Makes the entries of `dir` (new names, renames, removals) durable.
 * Windows cannot open a directory for fsync; NTFS journals its metadata itself.
 * @param {string} dir
 */
export async function syncDirectory(dir) {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `chunks` to a new file `file` (which must not exist) and fsyncs it. Each chunk is
 * written before the next is asked for, so memory holds one chunk whatever the message's size.
 * @param {string} file
 * @param {AsyncIterable<Uint8Array>} chunks
 * @returns {Promise<number>} the bytes written
 */
export async function writeNewFile(file, chunks) {
  const handle = await open(file, 'wx', 0o600);
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
      bytes += chunk.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return bytes;
}

/**
 * writeNewFile() for a message already in memory, with blocking calls: for a small file the
 * round trips through the thread pool cost several times the system calls themselves, and group
 * commit bounds how long a batch blocks (docs/sync.md).
 * @param {string} file
 * @param {Uint8Array} bytes
 * @returns {number} the bytes written
 */
export function writeNewFileSync(file, bytes) {
  const fd = openSync(file, 'wx', 0o600);
  try {
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return bytes.length;
}

/**
 * Replaces `file` with `text` atomically and durably: a reader (or a crash) sees the old
 * content or the new one, never a mix or an empty file.
 * @param {string} file
 * @param {string} text
 */
export async function replaceFile(file, text) {
  const dir = path.dirname(file);
  const temporary = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeNewFile(temporary, [new TextEncoder().encode(text)]);
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}
