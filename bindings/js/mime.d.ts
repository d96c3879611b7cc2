/**
 * `pop3-wasm/mime`: messages parsed by the MIME module (GMime compiled to WASM), an entry of its
 * own that the root entry never references, so apps that never parse mail do not bundle it. The
 * .wasm is fetched and compiled on the first parse.
 */
import type { Pop3Client, StreamOptions, WasmSource } from './index.js';

/** A mailbox of an address header; groups are flattened into their members. */
export interface MailAddress {
  /** The display name, unfolded and decoded, or null when there is none. */
  name: string | null;
  address: string;
}

/** A leaf part that is not the message's main text or HTML. */
export interface Attachment {
  /** IMAP section number: "2", "1.3". */
  partId: string;
  filename: string | null;
  /** Lower-case type/subtype. */
  contentType: string;
  /**
   * Decoded size in bytes. Computed on first read, by decoding the part in the MIME module (not
   * at parse time): read it before close(), after which a first read throws INVALID_STATE.
   */
  readonly size: number;
  /** Content-ID without angle brackets. */
  contentId: string | null;
  disposition: 'attachment' | 'inline' | string | null;
  /** Part of a multipart/related (an inline image referenced by cid:). */
  related: boolean;
  /** Hex SHA-256 of the decoded bytes; computed on first read, like `size`. */
  readonly sha256: string;
  /** The decoded bytes, read from the MIME module on demand. Not enumerable. */
  content(): Uint8Array;
}

/** A node of the MIME tree. */
export interface MimePart {
  /** IMAP section number; "" for a multipart root. */
  partId: string;
  contentType: string;
  charset: string | null;
  transferEncoding: string | null;
  disposition: string | null;
  filename: string | null;
  contentId: string | null;
  /** Encoded octets of a leaf; null for a multipart. */
  size: number | null;
  children: MimePart[];
}

/** What kind of damage: GMime's parser warnings, and the module's own last three. */
export type MimeDamageKind =
  | 'duplicated-header'
  | 'duplicated-parameter'
  | 'unencoded-8bit-header'
  | 'invalid-content-type'
  | 'invalid-rfc2047-header-value'
  | 'malformed-multipart'
  | 'truncated-message'
  | 'malformed-message'
  | 'invalid-header-name'
  | 'conflicting-header'
  | 'conflicting-parameter'
  | 'multipart-without-boundary'
  | 'invalid-parameter'
  | 'invalid-address-list'
  | 'nesting-overflow'
  | 'part-without-content'
  | 'part-without-headers-or-content'
  | 'undecodable-text'
  | 'not-a-message'
  | 'unknown';

/** Something the parser found wrong; parsing goes on regardless (docs/mime.md lists the kinds). */
export interface MimeDamage {
  partId: string;
  kind: MimeDamageKind;
  message: string;
  /** Byte offset in the message where it was found, when known. */
  offset: number | null;
}

/** The plain data of a parsed message (what JSON.stringify writes). */
export interface ParsedMessageData {
  /** Every header in order, values unfolded and RFC 2047-decoded. */
  headers: { name: string; value: string }[];
  subject: string | null;
  from: MailAddress[];
  sender: MailAddress[];
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  /** ISO 8601 in UTC, or null if missing or unreadable. */
  date: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** The first text/plain part that is not an attachment, as UTF-8 text. */
  text: string | null;
  /** The first text/html part that is not an attachment. */
  html: string | null;
  attachments: Attachment[];
  parts: MimePart;
  damage: MimeDamage[];
}

/** A message parsed by the MIME module (GMime in WASM): the fields of ParsedMessageData. Call close() when done. */
export interface ParsedMessage extends ParsedMessageData {}
export declare class ParsedMessage {
  /** The decoded bytes of part `partId`; throws INVALID_ARGUMENT for an unknown part. */
  content(partId: string): Uint8Array;
  /** The attachment with Content-ID `cid` ("cid:" and angle brackets optional), or null. */
  resolveCid(cid: string): Attachment | null;
  /** Frees the message's memory in the MIME module; content() throws INVALID_STATE after it. */
  close(): void;
  toJSON(): ParsedMessageData;
}

/** Where the MIME module comes from, for one call; see configureWasm(). */
export interface MimeLoadOptions {
  wasm?: { mime?: WasmSource };
}

/**
 * Parses a message: bytes, a string, or chunks (as retrieveStream() yields them). Never throws for
 * bad MIME: what was wrong is listed in `damage`. Loads the MIME module on first use.
 */
export declare function parseMessage(
  input: Uint8Array | ArrayBuffer | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options?: MimeLoadOptions,
): Promise<ParsedMessage>;

/** RETR streamed into the MIME module: the message is never joined in JS. */
export declare function retrieveMessage(
  client: Pop3Client,
  number: number,
  options?: StreamOptions & MimeLoadOptions,
): Promise<ParsedMessage>;

/** The MIME module (GMime, Emscripten) as loadMime() returns it; its other exports are internal. */
export interface Pop3MimeModule {
  /** true: decode only the charsets the module carries itself, not the platform's TextDecoder. */
  setBuiltinCharsetsOnly(on: boolean): void;
  readonly HEAPU8: Uint8Array;
}

/** Loads (once) and returns the MIME WASM module; rejects with WASM_LOAD_FAILED. */
export declare function loadMime(options?: MimeLoadOptions): Promise<Pop3MimeModule>;
