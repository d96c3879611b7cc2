/**
 * A message's content as the stores take it: one Uint8Array, or an async iterable of chunks
 * (Pop3Client.retrieveStream) that is consumed chunk by chunk and never joined into one buffer.
 */

/**
 * The chunks of `content`, each a Uint8Array. A store must finish with each chunk before it asks
 * for the next: producers may reuse their buffers.
 * @param {Uint8Array | AsyncIterable<Uint8Array>} content
 * @returns {AsyncIterable<Uint8Array>}
 */
export async function* chunksOf(content) {
  if (content instanceof Uint8Array) {
    yield content;
    return;
  }
  for await (const chunk of content) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('a content stream must yield Uint8Array chunks');
    yield chunk;
  }
}

/**
 * Tells a stream the store will not read it (a put that is a no-op). For Pop3Client's streams
 * this drops the rest of the reply off the wire instead of leaving the session stalled on it.
 * @param {Uint8Array | AsyncIterable<Uint8Array>} content
 */
export async function cancelContent(content) {
  if (content instanceof Uint8Array) return;
  const iterator = content[Symbol.asyncIterator]();
  await iterator.return?.();
}
