/**
 * Memory `ws` holds for a WebSocket before the relay gets its messages, which the relay's own
 * counts cannot see: reads of the socket not parsed yet (a paused WebSocket's socket goes on
 * reading until its readable buffer passes 16 KiB, so up to one 64 KiB read more), the bytes of
 * a frame not complete yet, and the fragments of a message not complete yet. The last two are
 * views into socket reads, so they count at the size of the reads they keep alive: a 3-byte
 * partial frame header at the end of a 64 KiB read keeps the whole read.
 *
 * The receiver's fields are ws internals (ws 8); a layout that lacks them counts as nothing held
 * there, and tests/js/bridge-hardening.test.mjs ("40 throttled sessions ...") fails.
 */

/**
 * @param {import('ws').WebSocket} ws
 * @param {import('node:net').Socket} [socket] the WebSocket's socket (the upgrade request's)
 * @returns {number} bytes
 */
export function heldByWs(ws, socket) {
  let bytes = socket?.readableLength ?? 0;  // Node's reads are buffers of their own, sized to what was read
  const receiver = ws._receiver;
  if (!receiver) return bytes;
  const stores = new Set();
  for (const view of receiver._buffers ?? []) stores.add(view.buffer);
  for (const view of receiver._fragments ?? []) stores.add(view.buffer);
  for (const store of stores) bytes += store.byteLength;
  return bytes;
}
