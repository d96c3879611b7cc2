// Helpers for tests/js/indexeddb-store.browser.test.mjs, on window.storeTest. They only make test
// data and look inside the database; the scenarios themselves are written in the Jest file.
import { IndexedDbStore } from '../../bindings/js/stores/indexeddb-store.js';

const toHex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

/** Raw reads of the store's database, bypassing the store: what really was committed. */
function rawDump(name) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('records')) {
        db.close();
        resolve({ records: [], contents: [] });
        return;
      }
      const tx = db.transaction(['records', 'contents'], 'readonly');
      const records = tx.objectStore('records').getAll();
      const contents = tx.objectStore('contents').getAll();
      tx.oncomplete = async () => {
        db.close();
        const described = [];
        for (const c of contents.result) {
          described.push({ account: c.account, key: c.key, size: c.blob.size, sha256: toHex(await crypto.subtle.digest('SHA-256', await c.blob.arrayBuffer())) });
        }
        resolve({ records: records.result, contents: described });
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

window.storeTest = {
  IndexedDbStore,
  rawDump,
  fromBase64: (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)),
  toBase64(bytes) {
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  },
  sha256: async (bytes) => toHex(await crypto.subtle.digest('SHA-256', bytes)),
  /** Same bytes for the same size and seed: CRLF lines of 8-bit data, as POP3 delivers a body. */
  message(size, seed = 1) {
    const bytes = new Uint8Array(size);
    let state = seed >>> 0 || 1;
    for (let i = 0; i < size; i++) {
      state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
      bytes[i] = i % 78 === 76 ? 13 : i % 78 === 77 ? 10 : 32 + (state % 224);
    }
    return bytes;
  },
  /**
   * Streams `bytes` in chunks through one reused buffer (as a network reader may), so a store
   * that kept chunks instead of copying them would store garbage. `onChunk(i)` runs before
   * chunk i is handed out; `onEnd()` once the store asked past the last chunk.
   */
  async *stream(bytes, { chunkSize = 64 * 1024, onChunk, onEnd } = {}) {
    const buffer = new Uint8Array(chunkSize);
    for (let i = 0, offset = 0; offset < bytes.length; i++, offset += chunkSize) {
      onChunk?.(i);
      const n = Math.min(chunkSize, bytes.length - offset);
      buffer.set(bytes.subarray(offset, offset + n));
      yield buffer.subarray(0, n);
      await new Promise((resolve) => setTimeout(resolve, 0));  // like chunks off a socket
    }
    onEnd?.();
  },
};
document.getElementById('status').textContent = 'ready';
