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
export const loadMime = loadOncePerSource('mime', (source) =>
  instantiate(createPop3Mime, new URL('./wasm/pop3-mime.wasm', import.meta.url), source),
);

// The WASM-side document is freed by close(); this frees it if an app forgets.
const registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((doc) => doc.delete()) : null;

async function* chunksOf(input) {
  if (typeof input === 'string') yield new TextEncoder().encode(input);
  else if (input instanceof Uint8Array) yield input;
  else if (input instanceof ArrayBuffer) yield new Uint8Array(input);
  else if (input && typeof input[Symbol.asyncIterator] === 'function') yield* input;
  else if (input && typeof input[Symbol.iterator] === 'function') yield* input;
  else throw new Pop3Error('INVALID_ARGUMENT', 'parseMessage takes a Uint8Array, an ArrayBuffer, a string or an (async) iterable of Uint8Array');
}

/** A parsed message. Fields are those of docs/mime.md; attachment bytes are decoded on demand. */
export class ParsedMessage {
  #doc;

  constructor(summary, doc) {
    Object.assign(this, summary);
    this.#doc = doc;
    registry?.register(this, doc, this);
    for (const attachment of this.attachments) {
      Object.defineProperty(attachment, 'content', {
        enumerable: false,
        value: () => this.content(attachment.partId),
      });
    }
  }

  /** The decoded bytes of part `partId` (e.g. "2", "1.3"). */
  content(partId) {
    if (!this.#doc) throw new Pop3Error('INVALID_STATE', 'the message was closed');
    const bytes = this.#doc.partContent(String(partId));
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
    this.#doc.delete();
    this.#doc = null;
  }

  /** The summary as plain data (what JSON.stringify writes). */
  toJSON() {
    const { headers, subject, from, sender, replyTo, to, cc, bcc, date, messageId, inReplyTo, references, text, html, attachments, parts, damage } = this;
    return { headers, subject, from, sender, replyTo, to, cc, bcc, date, messageId, inReplyTo, references, text, html, attachments, parts, damage };
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
  const mime = await loadMime(options);
  const doc = new mime.MimeDocument();
  try {
    for await (const chunk of chunksOf(input)) {
      if (chunk.length === 0) continue;
      const ptr = doc.inputBuffer(chunk.length);
      mime.HEAPU8.set(chunk, ptr);  // HEAPU8 re-read after the call: memory may have grown
      doc.append(chunk.length);
    }
    doc.finish();
    return new ParsedMessage(JSON.parse(doc.json()), doc);
  } catch (error) {
    doc.delete();
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
