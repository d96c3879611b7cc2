/**
 * The message bytes of a body event, without copying what need not be copied. The core reports
 * where they are (docs/architecture.md, "The life of a RETR"): `spans` of [offset, length] pairs
 * into the input of the last receive(), after one CR when `leadingCr`. On a plain link that input
 * is the transport's own chunk, which belongs to the client from then on: the pieces are views of
 * it. With TLS in the core it is the plaintext in WASM memory, valid only until the next call
 * into WASM: one copy out, shared by the event's pieces.
 */
const CR = 13;

/**
 * @param {{ spans: Uint32Array, leadingCr: boolean, inputPointer?: number }} event
 * @param {Uint8Array} input the bytes handed to receive()
 * @param {Uint8Array} heap the WASM memory (HEAPU8, read now: memory may have grown)
 * @returns {Uint8Array[]} the pieces, in order
 */
export function bodyPieces(event, input, heap) {
  const { spans } = event;
  const pieces = event.leadingCr ? [Uint8Array.of(CR)] : [];
  if (spans.length === 0) return pieces;
  let source = input;
  let base = 0;
  if (event.inputPointer !== undefined) {
    // One copy from the first span's start to the last one's end (the dropped dots ride along).
    base = spans[0];
    const end = spans[spans.length - 2] + spans[spans.length - 1];
    source = heap.slice(event.inputPointer + base, event.inputPointer + end);
  }
  for (let i = 0; i < spans.length; i += 2) {
    const start = spans[i] - base;
    pieces.push(source.subarray(start, start + spans[i + 1]));
  }
  return pieces;
}
