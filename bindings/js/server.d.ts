/**
 * `pop3-wasm/server`: an embedded POP3 server whose sessions run in the WASM core. In browsers
 * (and bundles) it runs without a network: `connectInMemory()` links a Pop3Client to it. In Node
 * the same entry also has `createServer()` (TCP, STLS and implicit TLS) and Maildir mailboxes.
 */
import type { Transport, WasmSource } from './index.js';

/** An account's secrets: its password, or stored SCRAM keys (then only SCRAM logins work). */
export type AccountSecret =
  | string
  | { password?: string; scramSha1?: ScramKeys; scramSha256?: ScramKeys; scramSha512?: ScramKeys };

/** Stored SCRAM keys (RFC 5802), base64 byte strings; see deriveScramKeys(). */
export interface ScramKeys {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

/** A message given to a mailbox: its text or bytes (line ends become CRLF), and optionally its unique id. */
export type MailboxMessage = string | Uint8Array | { uid?: string; bytes: string | Uint8Array };

/** What a store gives the server when a user logs in (a snapshot; the maildrop is locked meanwhile). */
export interface OpenMaildrop {
  /** The messages, numbered from 1 in this order; sizes in octets of the wire form (CRLF). */
  messages: { uid: string; size: number }[];
  /** The bytes of a message, CRLF line ends, not dot-stuffed. */
  read(uid: string): Promise<Uint8Array> | Uint8Array;
  /** Removes messages deleted in the session, at QUIT. */
  remove(uids: string[]): Promise<void>;
  close?(): void;
}

/** Anything that opens a user's maildrop: MemoryMailboxStore, MaildirMailboxStore, or your own. */
export interface MailboxStore {
  open(user: string): Promise<OpenMaildrop>;
  /** The name of the lock a session takes on `user`'s maildrop (default: the user name). */
  lockKey?(user: string): string;
}

/** What a session needs of a connection, for accept(). */
export interface ServerLink {
  /** false: the connection is full; call drained() on the session when it can take more. */
  write(bytes: Uint8Array): boolean;
  /** Stop delivering input (the session is full) / deliver it again. */
  pause(): void;
  resume(): void;
  /** Close after what was written is sent. */
  end(): void;
  /** Drop the connection now. */
  destroy(): void;
}

/** One session, as accept() returns it: feed it the connection's events. */
export interface ServerSessionDriver {
  readonly user: string | undefined;
  readonly secure: boolean;
  /** Bytes from the client. */
  input(bytes: Uint8Array): void;
  /** The client closed its side. */
  inputEnded(): void;
  /** The link takes output again after write() returned false. */
  drained(): void;
  /** The connection is gone: release the maildrop and the WASM session. */
  dispose(reason?: string): void;
}

/** What the server announces and accepts. */
export interface ServerCapabilities {
  /** USER/PASS (default true). */
  userPass?: boolean;
  /** APOP, with a timestamp in the greeting (default true). */
  apop?: boolean;
  /**
   * SASL mechanisms offered, in CAPA's order (default SCRAM-SHA-512-PLUS, SCRAM-SHA-256-PLUS,
   * SCRAM-SHA-1-PLUS, SCRAM-SHA-512, SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN). The -PLUS
   * ones are announced only inside TLS (channel binding: tls-exporter on TLS 1.3,
   * tls-server-end-point on both).
   */
  sasl?: string[];
  /** Every login method needs TLS first (default false). */
  requireTlsForLogin?: boolean;
  /** USER/PASS, PLAIN and LOGIN before TLS (default false: not announced, not accepted). */
  allowCleartextWithoutTls?: boolean;
  utf8?: boolean;
  /** LOGIN-DELAY seconds announced. */
  loginDelay?: number;
  /** EXPIRE: 'never' or days. */
  expire?: 'never' | number;
  /** IMPLEMENTATION text. */
  implementation?: string;
}

/** Scripted faults for tests; applied to the sessions started after they are set. */
export interface ServerFaults {
  /** Drop the connection once this many bytes (TLS records included) were sent. */
  dropAfterBytes?: number;
  /** Wait this long before sending each batch of replies. */
  delayMs?: number;
  /** Answer every maildrop open with -ERR [IN-USE]. */
  inUse?: boolean;
  /** Drop the connection after this many message bytes of RETR/TOP, in the middle of a message. */
  cutRetrAfterBytes?: number;
}

export interface EmbeddedServerOptions {
  /** Accounts: `{ name: password }` or `{ name: { scramSha256: keys } }`. */
  users?: Record<string, AccountSecret>;
  /** In-memory mailboxes: `{ user: [message, ...] }`. Or give `store`. */
  mailboxes?: Record<string, MailboxMessage[]>;
  store?: MailboxStore;
  /** The server's certificate chain and key (PEM). Enables STLS and implicit TLS. */
  tls?: { cert: string; key: string; minVersion?: 'TLSv1.2' | 'TLSv1.3' };
  capabilities?: ServerCapabilities;
  faults?: ServerFaults;
  /** Used in the APOP timestamp (default 'localhost'). */
  hostName?: string;
  greeting?: string;
  /** RFC 1939 auto-logout (at least 600 s). */
  idleTimeoutSeconds?: number;
  /** For tests: the idle timer in milliseconds, below RFC 1939's 10 minutes. */
  idleTimeoutMs?: number;
  limits?: { maxCommandLine?: number; maxSaslLine?: number; maxInputBuffered?: number; maxOutputBuffered?: number; maxBadCommands?: number; maxFailedLogins?: number };
  /** Where the protocol module comes from (the server always uses the full one, `core`); see configureWasm(). */
  wasm?: { core?: WasmSource };
}

/** Who a session is: its number, the peer, and how TLS is done. */
export interface SessionInfo {
  id: number;
  remote?: string;
  tls: 'none' | 'starttls' | 'implicit';
}

export interface ServerEvents {
  session: SessionInfo;
  /** A login attempt (never the secret). */
  login: { session: SessionInfo; user: string; method: 'user' | 'apop' | 'sasl'; mechanism?: string };
  maildrop: { session: SessionInfo; user: string; messages: number };
  update: { session: SessionInfo; user: string; deleted: string[]; failure?: string };
  /** `bytesSent`: what the session handed to the connection (TLS records included). */
  close: { session: SessionInfo; reason: string; updated: boolean; bytesSent: number };
  error: { session?: SessionInfo; error: Error };
  listening: { host: string; port?: number; implicitTlsPort?: number };
}

/** The server without a listener: sessions come from connectInMemory() (or accept()). */
export declare class EmbeddedServer {
  constructor(options?: EmbeddedServerOptions);
  /** Faults for the sessions started from now on. */
  faults: ServerFaults;
  readonly store: MailboxStore;
  readonly tlsEnabled: boolean;
  readonly sessionCount: number;
  /** Loads the WASM protocol module. */
  ready(): Promise<this>;
  on<E extends keyof ServerEvents>(event: E, listener: (value: ServerEvents[E]) => void): this;
  off<E extends keyof ServerEvents>(event: E, listener: (value: ServerEvents[E]) => void): this;
  /** Ends every session (no UPDATE: nothing is deleted). */
  closeSessions(): void;
  /**
   * Starts a session on a connection of your own (a WebSocket, a worker port). `tls`: 'implicit'
   * for POP3S; otherwise STLS is offered when the server has a TLS identity. Call ready() first.
   */
  accept(link: ServerLink, how?: { tls?: 'none' | 'starttls' | 'implicit'; remote?: string }): ServerSessionDriver;
}

/** An EmbeddedServer, loaded and ready for connectInMemory(). */
export declare function createEmbeddedServer(options?: EmbeddedServerOptions): Promise<EmbeddedServer>;

/** A Transport whose other end is a session of `server`, in the same page or process. */
export declare class InMemoryTransport implements Transport {
  constructor(server: EmbeddedServer, options?: { tls?: 'none' | 'starttls' | 'implicit' });
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

/**
 * A transport to `server` for `Pop3Client.connect({ transport, host, port, tls })`; `tls` must be
 * the client's (TLS runs in the WASM engine on both sides).
 */
export declare function connectInMemory(server: EmbeddedServer, options?: { tls?: 'none' | 'starttls' | 'implicit' }): InMemoryTransport;

/** Mailboxes in memory. */
export declare class MemoryMailboxStore implements MailboxStore {
  constructor(mailboxes?: Record<string, MailboxMessage[]>);
  /** Adds a message; returns its unique id. */
  add(user: string, message: MailboxMessage): string;
  /** The mailbox now, wire form. */
  messages(user: string): { uid: string; size: number; bytes: Uint8Array }[];
  open(user: string): Promise<OpenMaildrop>;
}

/** A message with CRLF line ends. */
export declare function toWireForm(message: string | Uint8Array): Uint8Array;

/** The sample mailbox's messages (wire form), the same bytes everywhere. */
export declare function sampleMessages(): { uid: string; bytes: Uint8Array }[];
/** A MemoryMailboxStore holding the sample mailbox for `user` (default 'sample'). */
export declare function sampleMailboxStore(user?: string): MemoryMailboxStore;
export declare const SAMPLE_USER: 'sample';
export declare const SAMPLE_PASSWORD: 'sample';

/** Stored SCRAM keys for a password (random salt unless given; 4096 iterations unless given). */
export declare function deriveScramKeys(
  mechanism: 'SCRAM-SHA-1' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
  password: string,
  options?: { salt?: Uint8Array; iterations?: number; wasm?: { core?: WasmSource } },
): Promise<ScramKeys>;

/** Node only: options of createServer(). */
export interface ServerOptions extends EmbeddedServerOptions {
  /** Address to listen on (default '127.0.0.1'). */
  host?: string;
  /** The plain port, with STLS when `tls` is given (default 0: any free port; null: none). */
  port?: number | null;
  /** The implicit-TLS (POP3S) port, if any (0: any free port). Needs `tls`. */
  implicitTlsPort?: number | null;
  /** Shorthand for faults.delayMs. */
  delays?: { replyMs?: number };
}

/** Node only: the server on TCP. */
export declare class Pop3Server extends EmbeddedServer {
  constructor(options?: ServerOptions);
  /** Starts listening; resolves with the ports. */
  listen(): Promise<{ host: string; port?: number; implicitTlsPort?: number }>;
  readonly addresses: { host: string; port?: number; implicitTlsPort?: number } | null;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** Node only: a POP3 server on TCP (call listen()). */
export declare function createServer(options?: ServerOptions): Pop3Server;

/** Node only: Maildirs as mailboxes (one for every user, or `{ user: directory }`); uid = file name. */
export declare class MaildirMailboxStore implements MailboxStore {
  constructor(directories: string | Record<string, string>);
  open(user: string): Promise<OpenMaildrop>;
  /** The directory: users sharing a Maildir share its lock. */
  lockKey(user: string): string;
}
