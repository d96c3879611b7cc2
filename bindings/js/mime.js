/**
 * `pop3-wasm/mime`: e-mail as a plain object (subject, addresses, text, HTML, attachments), by
 * the MIME module: GMime compiled to WASM, a module of its own. An entry of its own too: the
 * root entry never references it, so apps that never parse messages neither bundle nor download
 * GMime. The .wasm itself is fetched and compiled on the first parse.
 */
import { Pop3Error } from './errors.js';
import { instantiate, loadOncePerSource } from './wasm-module.js';
import createPop3Mime from './wasm/pop3-mime.mjs';

/** Loads (once per source) the MIME WASM module. `options.wasm.mime` overrides where it comes from. */
export const loadMime = loadOncePerSource('mime', async (source) => {
  const mime = await instantiate(createPop3Mime, new URL('./wasm/pop3-mime.wasm', import.meta.url), source);
  mime.setBuiltinCharsetsOnly = (on) => mime._pop3_mime_set_builtin_charsets_only(on ? 1 : 0);
  return mime;
});

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * One message inside the MIME module (core/src/mime through bindings/embind/mime_bindings.cpp):
 * the module's exported functions on a document handle. Results are read from the module's
 * memory and copied at once, as the next call may reuse or move them.
 */
class MimeDocument {
  constructor(mime) {
    this.mime = mime;
    this.handle = mime._pop3_mime_open();
  }

  write(chunk) {
    if (chunk.length === 0) return;
    const at = this.mime._pop3_mime_input(this.handle, chunk.length);
    this.mime.HEAPU8.set(chunk, at);  // HEAPU8 read after the call: memory may have grown
  }

  /** Parses what was written; the summary as plain data. */
  finish() {
    const at = this.mime._pop3_mime_finish(this.handle);
    const summary = JSON.parse(utf8.decode(this.#output(at)));
    this.mime._pop3_mime_release_output(this.handle);
    return summary;
  }

  /** Decoded bytes of a part (a copy), or null. */
  partContent(partId) {
    return this.#withPartId(partId, (id) => {
      const at = this.mime._pop3_mime_part_content(this.handle, id);
      return at ? this.#output(at).slice() : null;
    });
  }

  partSize(partId) {
    return this.#withPartId(partId, (id) => this.mime._pop3_mime_part_size(this.handle, id));
  }

  partSha256(partId) {
    return this.#withPartId(partId, (id) => {
      const at = this.mime._pop3_mime_part_sha256(this.handle, id);
      return at ? utf8.decode(this.#output(at)) : null;
    });
  }

  close() {
    this.mime._pop3_mime_close(this.handle);
  }

  #output(at) {
    return this.mime.HEAPU8.subarray(at, at + this.mime._pop3_mime_output_length(this.handle));
  }

  #withPartId(partId, call) {
    const bytes = utf8Encoder.encode(`${partId}\0`);
    const id = this.mime._malloc(bytes.length);
    try {
      this.mime.HEAPU8.set(bytes, id);
      return call(id);
    } finally {
      this.mime._free(id);
    }
  }
}

// The WASM-side document is freed by close(); this frees it if an app forgets.
const registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((doc) => doc.close()) : null;

// Input other than bytes in hand: a string, or chunks.
async function* chunksOf(input) {
  if (typeof input === 'string') yield new TextEncoder().encode(input);
  else if (input && typeof input[Symbol.asyncIterator] === 'function') yield* input;
  else if (input && typeof input[Symbol.iterator] === 'function') yield* input;
  else throw new Pop3Error('INVALID_ARGUMENT', 'parseMessage takes a Uint8Array, an ArrayBuffer, a string or an (async) iterable of Uint8Array');
}

/**
 * A parsed message: the summary's fields (docs/mime.md), as the module wrote them. An
 * attachment's `size` and `sha256` need its bytes decoded, so they are computed on first read
 * (and kept); its bytes themselves come from content().
 */
export class ParsedMessage {
  #doc;

  constructor(summary, doc) {
    Object.assign(this, summary);
    this.#doc = doc;
    registry?.register(this, doc, this);
    for (const attachment of this.attachments) this.#decodeOnDemand(attachment);
  }

  // Replaces the attachment's null size and sha256 by getters (in place, so the fields keep
  // their order) that ask the module once.
  #decodeOnDemand(attachment) {
    const lazy = (compute) => {
      let value;
      return { enumerable: true, get: () => (value ??= compute()) };
    };
    Object.defineProperties(attachment, {
      size: lazy(() => this.#open().partSize(attachment.partId)),
      sha256: lazy(() => this.#open().partSha256(attachment.partId)),
      content: { enumerable: false, value: () => this.content(attachment.partId) },
    });
  }

  #open() {
    if (!this.#doc) throw new Pop3Error('INVALID_STATE', 'the message was closed');
    return this.#doc;
  }

  /** The decoded bytes of part `partId` (e.g. "2", "1.3"). */
  content(partId) {
    const id = String(partId);
    const bytes = id.includes('\0') ? null : this.#open().partContent(id);  // ids are C strings inside
    if (bytes === null) throw new Pop3Error('INVALID_ARGUMENT', `no part ${partId} in this message`);
    return bytes;
  }

  /** The attachment with Content-ID `cid` (with or without "cid:" and angle brackets). */
  resolveCid(cid) {
    const wanted = String(cid).replace(/^cid:/i, '').replace(/^<|>$/g, '');
    return this.attachments.find((a) => a.contentId === wanted) ?? null;
  }

  /** Frees the message's memory in the MIME module (done automatically when it is collected). */
  close() {
    if (!this.#doc) return;
    registry?.unregister(this);
    this.#doc.close();
    this.#doc = null;
  }

  /** The summary as plain data (what JSON.stringify writes): the fields as the module wrote them. */
  toJSON() {
    return { ...this };
  }
}

/**
 * Parses a message: bytes, a string, or chunks as Pop3Client.retrieveStream() yields them (they
 * go into the MIME module as they come; nothing is joined in JS). Never throws for bad MIME: the
 * result lists what was damaged in `damage`.
 * @param {{ wasm?: { mime?: import('./index.js').WasmSource } }} [options]
 * @returns {Promise<ParsedMessage>}
 */
export async function parseMessage(input, options) {
  const doc = new MimeDocument(await loadMime(options));
  try {
    // Bytes in hand go straight in, without a trip through an async generator.
    if (input instanceof Uint8Array) doc.write(input);
    else if (input instanceof ArrayBuffer) doc.write(new Uint8Array(input));
    else for await (const chunk of chunksOf(input)) doc.write(chunk);
    return new ParsedMessage(doc.finish(), doc);
  } catch (error) {
    doc.close();
    throw error;
  }
}

/**
 * RETR streamed into the MIME module: subject, addresses, text, HTML, attachments. The message is
 * never joined in JS.
 * @param {import('./pop3-client.js').Pop3Client} client logged in
 * @param {number} number
 * @param {import('./index.js').StreamOptions & { wasm?: { mime?: import('./index.js').WasmSource } }} [options]
 * @returns {Promise<ParsedMessage>}
 */
export async function retrieveMessage(client, number, options) {
  // Loaded before RETR is sent, so that a module that cannot load costs no download.
  await loadMime(options);
  return parseMessage(client.retrieveStream(number, options), options);
}
