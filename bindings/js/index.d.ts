import type { ErrorCodeName, SessionState } from './generated/contract.js';
export type { ErrorCodeName, SessionState };

export declare const ErrorCode: Readonly<{ [K in ErrorCodeName]: K }>;

/** Every failure of the library. Never contains a password. */
export declare class Pop3Error extends Error {
  constructor(code: ErrorCodeName, message: string, details?: Pop3ErrorDetails);
  readonly name: 'Pop3Error';
  readonly code: ErrorCodeName;
  /** The server's RFC 2449 response code, e.g. 'IN-USE', 'LOGIN-DELAY', 'SYS/TEMP', 'AUTH'. */
  readonly responseCode?: string;
  /** The server's text after -ERR and the response code. */
  readonly serverText?: string;
  /** More from the server: for OAuth logins, the JSON error it sent. */
  readonly details?: string;
  /** `details` parsed when it is an OAuth JSON error, e.g. `{ status: 'invalid_token' }`. */
  readonly oauth?: Record<string, unknown>;
  /** The command this error answers, e.g. 'RETR'. */
  readonly command?: string;
  /** Protocol errors: byte offset in the server's stream where the bad data starts. */
  readonly offset?: number;
  /** WASM_LOAD_FAILED: the URL (or file) the module was loaded from. */
  readonly url?: string;
  /**
   * True when the server answered the command with -ERR and the client had no objection of its
   * own; unset when the client refused the server (e.g. a SCRAM signature that does not match).
   */
  readonly serverRefused?: boolean;
  /**
   * AUTH_FAILED after more than one method: every method tried, in order. login() moves on to
   * the next method the caller allows when the server refuses one (-ERR or -ERR [AUTH]).
   */
  readonly attempts?: LoginAttempt[];
}

export interface LoginAttempt {
  /** A SASL mechanism, 'APOP' or 'USER'. */
  mechanism: string;
  code: ErrorCodeName;
  responseCode?: string;
  serverText?: string;
}

export interface Pop3ErrorDetails {
  details?: string;
  responseCode?: string;
  serverText?: string;
  command?: string;
  offset?: number;
  url?: string;
  serverRefused?: boolean;
  cause?: unknown;
}

/** Moves bytes; the protocol lives in the WASM core. */
export interface Transport {
  /**
   * Called with each chunk received. The chunk belongs to the client from then on: message
   * bytes are handed to the caller as views of it, so a transport must not reuse its memory
   * unless the client gives it back (`release`).
   */
  ondata: (bytes: Uint8Array) => void;
  /** Called once when the connection ends; `error` is set if it ended abnormally. */
  onclose: (error?: Error) => void;
  readonly secure: boolean;
  open(options?: { signal?: AbortSignal }): Promise<void>;
  write(bytes: Uint8Array): void;
  pause(): void;
  resume(): void;
  /** Graceful close after pending writes. */
  close(): void;
  /** Immediate close. */
  destroy(): void;
  /** For tlsEngine 'node' only: upgrade the open connection to TLS. */
  startTls?(options: object): Promise<void>;
  /**
   * Optional: the client gives back a chunk of which it keeps no view; a transport that reads
   * into reused buffers may read into its memory again.
   */
  release?(bytes: Uint8Array): void;
}

export interface TlsInfo {
  /** 'TLSv1.3' or 'TLSv1.2'. */
  protocol: string;
  cipher: string;
  engine: 'wasm' | 'node';
}

export interface Limits {
  /** Longest status line accepted from the server (default 4096 octets). */
  maxStatusLine?: number;
  /** Longest line of a CAPA/LIST/UIDL listing (default 4096 octets). */
  maxListingLine?: number;
  /** Largest buffered listing (default 96 MiB). */
  maxListingBytes?: number;
  /** Most commands on the wire unanswered when pipelining (default 1000). */
  maxPipelinedCommands?: number;
  /** Most command bytes on the wire unanswered when pipelining (default 32 KiB). */
  maxPipelinedBytes?: number;
  /**
   * Most octets of one message (RETR, TOP) for which the server declared no size (default
   * 256 MiB; REPLY_TOO_LARGE beyond). A RETR whose size LIST or "+OK n octets" declared stops
   * at twice that size plus 64 KiB instead, with PROTOCOL_VIOLATION naming both numbers.
   */
  maxMessageBytes?: number;
}

export interface ConnectOptions {
  host: string;
  port: number;
  /**
   * 'implicit' (POP3S, 995), 'starttls' (STLS on 110; never falls back to clear text) or 'none'.
   * Default: 'implicit' on port 995, else 'starttls'.
   */
  tls?: 'implicit' | 'starttls' | 'none';
  /**
   * Who runs TLS: 'wasm' (OpenSSL inside the WASM module; the only choice in browsers and through
   * a bridge) or 'node' (Node's tls). Default: 'node' for direct TCP in Node, else 'wasm'.
   */
  tlsEngine?: 'wasm' | 'node';
  /** The name the certificate must match (and SNI); default: `host`. */
  servername?: string;
  /** Extra trust anchors, PEM (e.g. the CA of a self-signed server). */
  ca?: string | string[];
  /** Trust the built-in Mozilla roots too (default true). */
  defaultRoots?: boolean;
  /** SHA-256 public-key pins, 'sha256//<base64>': one certificate of the chain must match. */
  pins?: string[];
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Must be true to send a password (USER/PASS) over an unencrypted connection. */
  allowInsecureAuth?: boolean;
  /** Time without progress after which a command fails with TIMEOUT (default 30000). */
  timeoutMs?: number;
  /**
   * Slowest transfer rate counted as progress while a reply arrives, in bytes a second: a
   * server dripping less than this for `timeoutMs` times out (default 16).
   */
  minBytesPerSecond?: number;
  signal?: AbortSignal;
  /** Use this transport instead of the default (Node TCP). */
  transport?: Transport;
  /** A pop3-wasm bridge URL (ws:// or wss://): required in browsers, optional in Node. */
  bridge?: string;
  /** The bridge's access token, if it requires one. */
  bridgeToken?: string;
  /** Node only: options for the `ws` WebSocket (e.g. `{ ca }` for a wss:// bridge with a private CA). */
  bridgeWsOptions?: object;
  /** false: never pipeline, even if the server supports it. */
  pipelining?: boolean;
  /** false: skip CAPA after the greeting. */
  capa?: boolean;
  limits?: Limits;
  /** Receives protocol lines from the start of the session (passwords redacted). */
  onTranscript?: (entry: TranscriptEntry) => void;
  /**
   * Where the protocol module's .wasm comes from, if not from configureWasm() or the package:
   * `core` is the full module (pop3-core.wasm, with the TLS engine and the server), `coreLite`
   * the client without a TLS engine (pop3-core-lite.wasm), used when TLS does not run in WASM. Naming `core` alone makes it serve
   * every connection.
   */
  wasm?: { core?: WasmSource; coreLite?: WasmSource };
}

export interface CommandOptions {
  /** Overrides the connection's timeoutMs for this command. */
  timeoutMs?: number;
  /** Aborting rejects the command with ABORTED; if it was already sent its reply is discarded. */
  signal?: AbortSignal;
}

export interface StreamOptions extends CommandOptions {
  /** Bytes buffered unread before the connection is paused (default 1 MiB). */
  highWaterMark?: number;
  /**
   * Each chunk is valid only until the next one is asked for (or the loop ends): its memory is
   * then read into again. Copy what you keep. Spares an allocation per network read, so a large
   * message streams through a few reused buffers (direct TCP without Node's TLS; elsewhere the
   * chunks are simply the caller's, as without this option).
   */
  borrowChunks?: boolean;
}

export interface MessagesOptions extends CommandOptions {
  /** Only these message numbers (default: all). */
  numbers?: number[];
  /** Listed bytes fetched ahead of the loop (default 4 MiB); a larger message is fetched alone. */
  windowBytes?: number;
  /** Messages fetched ahead of the loop (default 1,000, the most the core pipelines). */
  windowMessages?: number;
}

export interface RetrievedMessage extends MessageInfo {
  /** The message, CRLF as on the wire, dot-unstuffed. */
  bytes: Uint8Array;
}

export interface TranscriptEntry {
  direction: 'client' | 'server';
  line: string;
}

export interface Capabilities {
  top: boolean;
  user: boolean;
  respCodes: boolean;
  authRespCode: boolean;
  pipelining: boolean;
  uidl: boolean;
  stls: boolean;
  utf8: boolean;
  utf8User: boolean;
  lang: boolean;
  /** SASL mechanisms, upper-case. */
  sasl: string[];
  /** LOGIN-DELAY in seconds. */
  loginDelay?: number;
  loginDelayPerUser: boolean;
  /** EXPIRE: days retrieved mail is kept, or 'never'. */
  expire?: number | 'never';
  expirePerUser: boolean;
  implementation?: string;
  /** Capability lines the library does not interpret. */
  unknown: string[];
  /** Every CAPA line as received. */
  lines: string[];
}

export interface Greeting {
  text: string;
  /** The APOP timestamp, when the server offers APOP. */
  apopTimestamp?: string;
}

export interface MaildropStatus {
  count: number;
  size: number;
}

export interface MessageInfo {
  number: number;
  size: number;
  /** The UIDL unique id, when the server supports UIDL. */
  uid?: string;
}

export interface ScanListing {
  number: number;
  size: number;
}

export interface UidListing {
  number: number;
  uid: string;
}

/**
 * Login methods the negotiation table knows (docs/authentication.md), strongest first; other SASL
 * names are accepted too. The -PLUS ones bind the login to the TLS connection (tls-exporter on
 * TLS 1.3, tls-server-end-point on TLS 1.2) and are never used on a clear connection.
 */
export type LoginMethodName =
  | 'SCRAM-SHA-512-PLUS' | 'SCRAM-SHA-256-PLUS' | 'SCRAM-SHA-1-PLUS'
  | 'SCRAM-SHA-512' | 'SCRAM-SHA-256' | 'SCRAM-SHA-1'
  | 'CRAM-MD5' | 'APOP' | 'PLAIN' | 'LOGIN' | 'USER' | 'OAUTHBEARER' | 'XOAUTH2'
  | (string & {});

export interface LoginOptions {
  /** The user name. With GSSAPI it only names the account (`client.account`): the server takes the principal, or `authzid`. */
  user: string;
  /** A password (SCRAM, CRAM-MD5, APOP, PLAIN, LOGIN, USER/PASS)... */
  password?: string;
  /** ...or an OAuth 2.0 access token (OAUTHBEARER, XOAUTH2). */
  accessToken?: string;
  /** Authorization identity, when it differs from the user. */
  authzid?: string;
  /**
   * Kerberos (SASL GSSAPI, RFC 4752) with the ticket of the system's credentials cache (kinit;
   * KRB5CCNAME): no password. Node only, with the optional `kerberos` package, or with your own
   * `provider`; in browsers, UNSUPPORTED_IN_BROWSER. `mechanisms: ['GSSAPI']` implies `{}`.
   */
  gssapi?: GssapiOptions;
  /** Only these methods, in this order: SASL names, 'APOP' or 'USER'. Default: the negotiation table. */
  mechanisms?: LoginMethodName[];
  /** Never these methods. */
  forbid?: LoginMethodName[];
  /** Shorthand: 'apop' = mechanisms ['APOP'], 'user' = mechanisms ['USER']; 'auto' = negotiate. */
  method?: 'auto' | 'apop' | 'user';
  /** Hosts serving several domains: logs in as `${user}${separator}${domain}` (separator '@' by default). */
  sdps?: { domain: string; separator?: '@' | '+' };
}

export interface GssapiOptions {
  /** The service of the server's principal: `service/hostname@REALM`. Default 'pop'. */
  service?: string;
  /** The host name in the server's principal. Default: `servername`, else the connected host. */
  hostname?: string;
  /** The client principal to use from the credentials cache. Default: the cache's own. */
  principal?: string;
  /** The `kerberos` package's module, for apps that load it themselves. */
  kerberos?: unknown;
  /** Makes the GSS-API calls instead of the `kerberos` package (any runtime). */
  provider?: GssapiProvider;
}

/** The GSS-API calls of a GSSAPI login (RFC 2743 names), on Kerberos V5. */
export interface GssapiProvider {
  /** GSS_Init_sec_context with the server's token (empty at first). */
  initSecContext(input: Uint8Array): Promise<{ token: Uint8Array | null; complete: boolean }>;
  /** GSS_Unwrap: the server's security-layer offer. */
  unwrap(message: Uint8Array): Promise<Uint8Array>;
  /** GSS_Wrap without confidentiality: the client's security-layer answer. */
  wrap(message: Uint8Array): Promise<Uint8Array>;
}


export declare class Pop3Client {
  static connect(options: ConnectOptions): Promise<Pop3Client>;
  readonly greeting: Greeting | null;
  readonly capabilities: Capabilities | null;
  readonly authenticated: boolean;
  /** The login method used: a SASL mechanism, 'APOP' or 'USER'. */
  readonly loginMechanism: string | null;
  /** "user@host:port" once logged in. */
  readonly account: string | null;
  readonly state: SessionState;
  /** Whether the connection is encrypted. */
  readonly secure: boolean;
  /** TLS details once encrypted. */
  readonly tls: TlsInfo | null;
  on(event: 'transcript', listener: (entry: TranscriptEntry) => void): this;
  on(event: 'error', listener: (error: Pop3Error) => void): this;
  off(event: 'transcript' | 'error', listener: (...args: any[]) => void): this;
  refreshCapabilities(options?: CommandOptions): Promise<Capabilities>;
  login(credentials: LoginOptions, options?: CommandOptions): Promise<void>;
  stat(options?: CommandOptions): Promise<MaildropStatus>;
  list(options?: CommandOptions): Promise<MessageInfo[]>;
  list(number: number, options?: CommandOptions): Promise<ScanListing>;
  uidl(options?: CommandOptions): Promise<UidListing[]>;
  uidl(number: number, options?: CommandOptions): Promise<UidListing>;
  retrieve(number: number, options?: CommandOptions): Promise<Uint8Array>;
  /**
   * RETR as chunks, in bounded memory: reading pauses while more than `highWaterMark` bytes wait
   * unread. Each chunk is the caller's to keep (unless `borrowChunks`); it may be a view of a
   * larger network buffer (check `byteOffset`/`byteLength` before using `chunk.buffer`).
   */
  retrieveStream(number: number, options?: StreamOptions): AsyncIterable<Uint8Array>;
  /**
   * Every message (or those of `numbers`), in listing order, with RETRs pipelined ahead of the
   * loop within a window: `for await (const m of client.messages())` at pipelined speed in
   * bounded memory. Leaving the loop early cancels what is still queued.
   */
  messages(options?: MessagesOptions): AsyncGenerator<RetrievedMessage, void, undefined>;
  top(number: number, lines: number, options?: CommandOptions): Promise<Uint8Array>;
  delete(number: number, options?: CommandOptions): Promise<void>;
  reset(options?: CommandOptions): Promise<void>;
  /** UTF8 (RFC 6856); login() sends it by itself when a non-ASCII name or password needs it. */
  utf8(options?: CommandOptions): Promise<void>;
  /** LANG (RFC 6856): the languages the server's texts come in. */
  languages(options?: CommandOptions): Promise<{ tag: string; description: string }[]>;
  /** LANG tag: the server's texts in this language from now on ('*': its default); its answer. */
  setLanguage(tag: string, options?: CommandOptions): Promise<string>;
  noop(options?: CommandOptions): Promise<void>;
  quit(options?: CommandOptions): Promise<string>;
  close(): void;
}

/** Bytes through the pop3-wasm WebSocket bridge (browsers: native WebSocket; Node: `ws`). */
export declare class WebSocketTransport implements Transport {
  constructor(options: { bridge: string; host: string; port: number; token?: string; connectTimeoutMs?: number; wsOptions?: object });
  ondata: (bytes: Uint8Array) => void;
  onclose: (error?: Error) => void;
  readonly secure: boolean;
  open(options?: { signal?: AbortSignal }): Promise<void>;
  write(bytes: Uint8Array): void;
  pause(): void;
  resume(): void;
  close(): void;
  destroy(): void;
}

// WebAssembly's types come from the DOM lib or @types/node's web globals; this empty
// declaration merges with either, and keeps a project with neither compiling.
declare global {
  namespace WebAssembly {
    interface Module {}
  }
}

/**
 * Where a WASM module comes from: a URL (absolute, or relative to the page), its bytes, a
 * compiled module, or a function given the package's default URL that returns one of these.
 */
export type WasmSource =
  | string
  | URL
  | ArrayBuffer
  | ArrayBufferView
  | WebAssembly.Module
  | ((defaultUrl: URL) => WasmSourceValue | Promise<WasmSourceValue>);
export type WasmSourceValue = string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/**
 * Sets where the WASM modules are loaded from when a call does not say (a CDN, a folder your
 * build copies them to, a replacement MIME module). Takes effect for modules not yet loaded.
 */
export declare function configureWasm(sources: { core?: WasmSource; coreLite?: WasmSource; mime?: WasmSource }): void;

/** The protocol module (Emscripten) as loadCore() returns it; its classes are internal. */
export interface Pop3CoreModule {
  /** Bytes of the module's heap in use (for leak checks). */
  heapInUse(): number;
  readonly HEAPU8: Uint8Array;
  /** true for the full module (pop3-core.wasm), false for the lite one (pop3-core-lite.wasm). */
  readonly hasTlsEngine: boolean;
}

/**
 * Loads (once) and returns the protocol WASM module, e.g. to load it before the user connects.
 * `need.wasmTls` (TLS in WASM) or `need.server` loads the full module; `wasmTls: false` the lite
 * one unless the full one is already loaded; neither, whichever is loaded, else the full one.
 * Rejects with WASM_LOAD_FAILED, naming the URL and the likely fix, and with TLS_UNAVAILABLE if
 * TLS in WASM is asked of a lite module given as `core`.
 */
export declare function loadCore(
  options?: { wasm?: { core?: WasmSource; coreLite?: WasmSource } },
  need?: { wasmTls?: boolean; server?: boolean },
): Promise<Pop3CoreModule>;

export type {
  MessageStore, StoreRecord, StoreState, PutRecord, MessageContent, StoredMessage,
} from './stores/store-types.js';
import type { MessageStore } from './stores/store-types.js';

/** One way into the server that diagnose() tried. */
export interface DiagnosisProbe {
  name: string;
  port: number;
  tls: 'implicit' | 'starttls' | 'none';
  ok: boolean;
  secure: boolean;
  tlsInfo?: TlsInfo;
  greeting?: string;
  /** The capabilities that matter, in words. */
  capabilities?: string[];
  /** The login methods on offer, and whether each is safe on this link and why. */
  methods?: { name: string; offered: boolean; safe: boolean; why: string }[];
  error?: { code: ErrorCodeName; message: string };
}

export interface DiagnosisLogin {
  way: string;
  port: number;
  tls: 'implicit' | 'starttls' | 'none';
  mechanism: string;
  ok: boolean;
  error?: { code: ErrorCodeName; responseCode?: string; message: string };
}

export interface Diagnosis {
  host: string;
  probes: DiagnosisProbe[];
  /** With credentials: each method the best encrypted way offers, tried in turn. */
  logins: DiagnosisLogin[];
  /** The setting to use, or null when no encrypted way (or no login) worked. */
  recommendation: { port: number; tls: 'implicit' | 'starttls' | 'none'; mechanism?: string } | null;
  /** All of it in words, for people. */
  report: string;
}

/**
 * The connection doctor: tries POP3S (995), STLS (110) and plain POP3 (110), reports certificate
 * problems, capabilities and login methods in words, tries the credentials (if given) with each
 * method the best encrypted way offers, and recommends one setting.
 */
export declare function diagnose(options: {
  host: string;
  user?: string;
  password?: string;
  accessToken?: string;
  ca?: string | string[];
  ports?: { pop3?: number; pop3s?: number };
  timeoutMs?: number;
  bridge?: string;
  tlsEngine?: 'wasm' | 'node';
}): Promise<Diagnosis>;

/** What sync() does with messages on the server. */
export interface SyncPolicy {
  /** 'keep' (leave on server, default), 'delete' (after download), 'keep-days' (delete after keepDays). */
  retention?: 'keep' | 'delete' | 'keep-days';
  keepDays?: number;
  /** Delete on the server what the user deleted from the store. */
  deleteWhenDeletedLocally?: boolean;
  /** Messages larger than this are not downloaded in full (0: no limit). */
  maxMessageSize?: number;
  /** Oversized messages: keep their headers ('headers', default) or skip them. */
  oversize?: 'headers' | 'skip';
}

export interface SyncProgress {
  count: number;
  total: number;
  bytes: number;
  totalBytes: number;
  deleted: number;
  /** Bytes per second so far. */
  rate: number;
  etaSeconds?: number;
}

export interface SyncOptions {
  /** The account's identity in the store; default `client.account`. */
  account?: string;
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
  /** Clock in unix ms (tests). */
  now?: () => number;
}

export interface SyncResult {
  fetched: number;
  bytes: number;
  deleted: number;
  warnings: string[];
  forgotten: number;
}

/** Downloads a logged-in session's maildrop into `store` and applies `policy`; QUITs at the end. */
export declare function sync(client: Pop3Client, store: MessageStore, policy?: SyncPolicy, options?: SyncOptions): Promise<SyncResult>;

/** Connects, honours LOGIN-DELAY, logs in and syncs. */
export declare function syncAccount(
  connect: ConnectOptions, credentials: LoginOptions, store: MessageStore, policy?: SyncPolicy, options?: SyncOptions,
): Promise<SyncResult>;

