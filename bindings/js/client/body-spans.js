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

/**
 * One network read while views of it may be out: the transport may read into its memory again
 * (release) only when none is left. A view that leaves for good (a chunk the caller keeps, the
 * views retrieve() joins at the end) escapes and the read is never given back; a view lent to a
 * stream of borrowed chunks is held until the stream moves past it.
 */
export class ReadLease {
  #refs = 1;  // the client's own, until it has handled the read's events
  #escaped = false;
  #giveBack;

  /** @param {() => void} giveBack hands the read back to its transport */
  constructor(giveBack) {
    this.#giveBack = giveBack;
  }

  escape() {
    this.#escaped = true;
  }

  /** A view is lent out: returns the function that ends the loan (once). */
  hold() {
    this.#refs++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.end();
    };
  }

  /** Drops one reference (the client's own when it is done with the read). */
  end() {
    if (--this.#refs === 0 && !this.#escaped) this.#giveBack();
  }
}
