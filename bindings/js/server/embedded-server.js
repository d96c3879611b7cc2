/**
 * The server's state shared by its sessions, whatever carries the bytes: accounts, the mailbox
 * store, maildrop locks, TLS identity, capabilities, faults and the event emitter. The Node TCP
 * server and the in-memory transport both start sessions here. Browser-safe.
 */
import { Emitter } from '../emitter.js';
import { Pop3Error } from '../errors.js';
import { loadCore } from '../wasm-module.js';
import { MemoryMailboxStore } from './mailbox-store.js';
import { SessionDriver } from './session-driver.js';

const CAPABILITY_OPTIONS = [
  'userPass', 'apop', 'sasl', 'requireTlsForLogin', 'allowCleartextWithoutTls', 'utf8', 'loginDelay',
  'expire', 'implementation',
];

/** Embedded POP3 server without a network listener: sessions are started by `accept()`. */
export class EmbeddedServer extends Emitter {
  #core = null;
  #options;
  #locks = new Set();
  #sessions = new Set();
  #nextId = 1;

  /**
   * @param {import('../server.js').EmbeddedServerOptions} options
   */
  constructor(options = {}) {
    super();
    if (options.mailboxes && options.store) throw new Pop3Error('INVALID_ARGUMENT', 'give either mailboxes or store, not both');
    const store = options.store ?? new MemoryMailboxStore(options.mailboxes ?? {});
    if (typeof store.open !== 'function') throw new Pop3Error('INVALID_ARGUMENT', 'store must have open(user)');
    if (options.tls && (!options.tls.cert || !options.tls.key)) {
      throw new Pop3Error('INVALID_ARGUMENT', 'tls needs { cert, key } as PEM text');
    }
    for (const name of Object.keys(options.capabilities ?? {})) {
      if (!CAPABILITY_OPTIONS.includes(name)) throw new Pop3Error('INVALID_ARGUMENT', `unknown capability option '${name}'`);
    }
    this.#options = { ...options, store };
    /** Faults applied to sessions started from now on; see ServerFaults. */
    this.faults = { ...(options.faults ?? {}) };
  }

  /** The mailbox store the server reads. */
  get store() {
    return this.#options.store;
  }

  /** Whether a TLS identity was given (STLS on plain connections, implicit TLS possible). */
  get tlsEnabled() {
    return Boolean(this.#options.tls);
  }

  /** Loads the WASM protocol module (once); accept() needs it loaded. */
  async ready() {
    this.#core ??= await loadCore(this.#options, { server: true });
    return this;
  }

  /** Sessions running now. */
  get sessionCount() {
    return this.#sessions.size;
  }

  /**
   * Starts a session on a connection. `tls`: 'implicit' for POP3S, otherwise STLS is offered when
   * the server has a TLS identity.
   * @param {import('./session-driver.js').Link} link
   * @param {{ tls?: 'implicit' | 'starttls' | 'none', remote?: string }} [how]
   * @returns {SessionDriver}
   */
  accept(link, how = {}) {
    if (!this.#core) throw new Pop3Error('INVALID_STATE', 'call ready() before accept()');
    const mode = how.tls ?? (this.tlsEnabled ? 'starttls' : 'none');
    if (mode !== 'none' && !this.tlsEnabled) throw new Pop3Error('INVALID_ARGUMENT', `tls '${mode}' needs the server's tls: { cert, key }`);
    const o = this.#options;
    const connectionOptions = {
      ...o.capabilities,
      hostName: o.hostName,
      greeting: o.greeting,
      idleTimeoutSeconds: o.idleTimeoutSeconds,
      limits: o.limits,
      tls: mode === 'none' ? { mode: 'none' } : { mode, certificateChain: o.tls.cert, privateKey: o.tls.key, minVersion: o.tls.minVersion },
    };
    for (const key of Object.keys(connectionOptions)) if (connectionOptions[key] === undefined) delete connectionOptions[key];
    const id = this.#nextId++;
    const info = { id, remote: how.remote, tls: mode };
    let driver;
    const host = {
      users: o.users ?? {},
      store: o.store,
      locks: this.#locks,
      faults: this.faults,
      idleTimeoutMs: o.idleTimeoutMs,
      onEvent: (type, detail) => {
        if (type === 'close') this.#sessions.delete(driver);
        this.emit(type, { session: info, ...detail });
      },
    };
    driver = new SessionDriver(this.#core, connectionOptions, link, host);
    this.#sessions.add(driver);
    this.emit('session', info);
    return driver;
  }

  /** Ends every session at once (no UPDATE: nothing is deleted). */
  closeSessions() {
    for (const driver of [...this.#sessions]) driver.dispose('the server closed');
    this.#sessions.clear();
  }
}

/**
 * An embedded server for in-memory connections (browsers, tests): see connectInMemory().
 * @param {import('../server.js').EmbeddedServerOptions} [options]
 * @returns {Promise<EmbeddedServer>}
 */
export async function createEmbeddedServer(options) {
  return new EmbeddedServer(options).ready();
}
