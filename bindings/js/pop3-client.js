/**
 * Pop3Client: the async API over the WASM session. JS moves bytes and keeps promises; the core
 * decides what is valid, what goes on the wire and when (pipelining), and parses every reply.
 */
import { BodyStream } from './body-stream.js';
import { Emitter } from './emitter.js';
import { Pop3Error, fromCoreError } from './errors.js';
import { platform } from './platform.js';
import { defaultTransport } from './transports/default-transport.js';
import { tlsSettings } from './tls-settings.js';
import { pipelinedMessages } from './message-iterator.js';
import { loadCore } from './wasm-module.js';

const DEFAULT_TIMEOUT_MS = 30_000;
// A command also times out when less than this many bytes a second arrive for a whole time-out
// window: a server that drips one byte a second must not hold a client forever.
const DEFAULT_MIN_BYTES_PER_SECOND = 16;
// Largest message body accepted by default (retrieve() holds it whole; streams may raise it).
const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
const DEFAULT_STREAM_HIGH_WATER_MARK = 1 << 20;

function concat(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

const isAscii = (text) => !/[^\x00-\x7f]/.test(text);

// A refusal of the credentials by the server (-ERR, or -ERR [AUTH]): another method may work.
function worthAnotherMethod(error) {
  return error.code === 'AUTH_FAILED' && error.serverRefused === true && (error.responseCode === undefined || error.responseCode === 'AUTH');
}

const publicAttempt = ({ mechanism, code, responseCode, serverText }) => ({ mechanism, code, responseCode, serverText });

// `remaining`: why the core had no further method (e.g. INSECURE_AUTH: only clear-text ones left).
function allMethodsFailed(attempts, remaining) {
  const last = attempts.at(-1).error;
  if (attempts.length === 1) {
    last.attempts = attempts.map(publicAttempt);
    return last;  // one method, one refusal: the server's own error says it best
  }
  const tried = attempts.map((a) => `${a.mechanism} (${a.responseCode ? `[${a.responseCode}] ` : ''}${a.serverText || 'refused'})`).join(', ');
  const rest = remaining.code === 'INSECURE_AUTH' ? `; ${remaining.message}` : '';
  const error = new Pop3Error('AUTH_FAILED', `the server refused every login method tried: ${tried}${rest}`, {
    responseCode: last.responseCode,
    serverText: last.serverText,
    details: last.details,
    serverRefused: true,
    command: last.command,
    cause: last,
  });
  error.attempts = attempts.map(publicAttempt);
  return error;
}

export class Pop3Client {
  #core;
  #session;
  #transport;
  #options;
  #emitter = new Emitter();
  /** id -> { command, resolve, reject, map, chunks, size, stream, timeoutMs, settled } */
  #pending = new Map();
  #greetingWaiter = null;
  #tlsWaiter = null;
  #tlsInfo = null;
  #failure = null;
  #closed = false;
  #timer = null;
  #windowBytes = 0;
  #readingPaused = 0;  // streams holding reading paused (backpressure); time-outs wait meanwhile
  #flowControl = {
    pause: () => {
      if (this.#readingPaused++ === 0) this.#transport.pause();
    },
    resume: () => {
      if (--this.#readingPaused === 0) this.#transport.resume();
    },
  };
  #flushQueued = false;
  #greeting = null;
  #capabilities = null;
  #authenticated = false;
  #loginMechanism = null;
  #account = null;
  #utf8 = false;

  /**
   * Connects, reads the greeting and asks for the server's capabilities.
   * @param {import('./index.js').ConnectOptions} options
   * @returns {Promise<Pop3Client>}
   */
  static async connect(options) {
    const tls = options.tls ?? (options.port === 995 ? 'implicit' : 'starttls');
    if (!['implicit', 'starttls', 'none'].includes(tls)) {
      throw new Pop3Error('INVALID_ARGUMENT', `tls must be 'implicit', 'starttls' or 'none', not '${tls}'`);
    }
    // Node's own TLS for direct TCP in Node; the WASM engine everywhere else (and on request).
    const tlsEngine = options.tlsEngine ?? (options.transport || options.bridge || !platform.connectTcp ? 'wasm' : 'node');
    if (!['node', 'wasm'].includes(tlsEngine)) {
      throw new Pop3Error('INVALID_ARGUMENT', `tlsEngine must be 'node' or 'wasm', not '${tlsEngine}'`);
    }
    if (tlsEngine === 'node' && tls !== 'none' && (options.bridge || (options.transport && !options.transport.startTls))) {
      throw new Pop3Error('INVALID_ARGUMENT', "tlsEngine 'node' needs a direct TCP connection; through a bridge or a custom transport TLS runs in the WASM engine");
    }
    if (options.signal?.aborted) throw new Pop3Error('ABORTED', 'connect aborted', { cause: options.signal.reason });
    // The lite protocol module unless TLS runs in WASM (docs/architecture.md, "Module flavours").
    const core = await loadCore(options, { wasmTls: tls !== 'none' && tlsEngine === 'wasm' });
    const transport = options.transport ?? (await defaultTransport(options));
    await transport.open({ signal: options.signal });
    if (tls === 'implicit' && tlsEngine === 'node') {
      try {
        await transport.startTls(tlsSettings(options));
      } catch (err) {
        transport.destroy();
        throw err;
      }
    }
    const client = new Pop3Client(core, transport, { ...options, tls, tlsEngine });
    const onAbort = () => client.#fatal(new Pop3Error('ABORTED', 'connect aborted', { cause: options.signal.reason }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await client.#start();
    } catch (err) {
      client.close();
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    return client;
  }

  constructor(core, transport, options) {
    this.#core = core;
    this.#transport = transport;
    this.#options = { timeoutMs: DEFAULT_TIMEOUT_MS, ...options };
    const settings = tlsSettings(options);
    let tls = { mode: 'none' };
    if (options.tls !== 'none' && options.tlsEngine === 'wasm') {
      tls = {
        mode: options.tls,
        inCore: true,
        serverName: settings.servername,
        ca: settings.ca,
        defaultRoots: settings.defaultRoots,
        pins: settings.pins,
        minVersion: settings.minVersion,
        maxVersion: settings.maxVersion,
        verificationTime: Math.floor(Date.now() / 1000),  // the core reads no clock
      };
    } else if (options.tls === 'starttls') {
      tls = { mode: 'starttls', inCore: false };  // Node's TLS after STLS
    }
    this.#session = new core.ClientConnection({
      transcript: Boolean(options.onTranscript),
      allowPipelining: options.pipelining !== false,
      limits: { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, ...options.limits },
      tls,
    });
    const creationError = this.#session.creationError();
    if (creationError) {
      this.#session.delete();
      transport.destroy();
      throw fromCoreError(creationError);
    }
    if (options.tls === 'implicit' && options.tlsEngine === 'node') {
      this.#session.tlsStarted();  // Node's TLS is up already
      this.#tlsInfo = { ...transport.tlsInfo, engine: 'node' };
    }
    if (options.onTranscript) this.#emitter.on('transcript', options.onTranscript);
    transport.ondata = (bytes) => this.#receive(bytes);
    transport.onclose = (error) => this.#transportClosed(error);
    this.#flush();  // implicit TLS in the core: the ClientHello is ready before any byte arrives
  }

  // ---- public API ---------------------------------------------------------------------------

  /** The greeting: its text and the APOP timestamp, if any. */
  get greeting() {
    return this.#greeting;
  }

  /** The capabilities from the last CAPA, or null if the server does not support CAPA. */
  get capabilities() {
    return this.#capabilities;
  }

  /** True once USER/PASS or APOP succeeded. */
  get authenticated() {
    return this.#authenticated;
  }

  /** The session state as the core sees it, e.g. 'AUTHORIZATION', 'TRANSACTION'. */
  get state() {
    if (this.#failure) return 'FAILED';
    return this.#session ? this.#session.state() : 'CLOSED';
  }

  /** Whether the link is encrypted (by the WASM engine or by Node's TLS). */
  get secure() {
    return !this.#failure && Boolean(this.#session?.secure());
  }

  /** TLS details once encrypted: { protocol, cipher, engine: 'wasm' | 'node' }. */
  get tls() {
    return this.#tlsInfo;
  }

  on(event, listener) {
    if (event === 'transcript') this.#session?.setTranscript(true);
    this.#emitter.on(event, listener);
    return this;
  }

  off(event, listener) {
    this.#emitter.off(event, listener);
    if (event === 'transcript' && this.#emitter.listenerCount('transcript') === 0) {
      this.#session?.setTranscript(false);
    }
    return this;
  }

  /** Asks CAPA again (capabilities can change after login). */
  async refreshCapabilities(options) {
    this.#capabilities = await this.#command({ command: 'CAPA' }, options);
    return this.#capabilities;
  }

  /**
   * Logs in with the strongest method both sides support: SASL (SCRAM-SHA-256, SCRAM-SHA-1,
   * CRAM-MD5, PLAIN, LOGIN; OAUTHBEARER or XOAUTH2 with an access token), APOP, or USER/PASS.
   * The choice is the core's (see docs/authentication.md); `mechanisms` restricts and orders it,
   * `forbid` excludes methods. A secret is never sent over a clear connection unless
   * `allowInsecureAuth` was set at connect.
   */
  async login(credentials, options) {
    const { password, accessToken, authzid, sdps } = credentials;
    let { user } = credentials;
    // SDPS-style hosts take "user@domain" or "user+domain": a user name, not another code path.
    if (sdps) user = `${user}${sdps.separator ?? '@'}${sdps.domain}`;
    let only = credentials.mechanisms ?? [];
    if (credentials.method === 'apop') only = ['APOP'];
    if (credentials.method === 'user') only = ['USER'];
    if (this.#failure) throw this.#failure;
    if (this.#closed || !this.#session) throw new Pop3Error('SESSION_CLOSED', 'the connection is closed');
    // Servers announce methods their password store cannot check (APOP or CRAM-MD5 without a
    // plain-text secret): a method the server refused goes on the forbid list and the core's
    // table picks the next one the caller allows. Never past a refusal that is not about the
    // credentials (IN-USE, LOGIN-DELAY, SYS/...), nor past a failure the client itself detected
    // (a SCRAM server that could not prove it knows the password must not get it in PLAIN).
    const attempts = [];
    let plan;
    for (;;) {
      plan = this.#session.planLogin({
        havePassword: password !== undefined,
        haveToken: accessToken !== undefined,
        allowInsecure: Boolean(this.#options.allowInsecureAuth),
        only,
        forbid: [...(credentials.forbid ?? []), ...attempts.map((a) => a.mechanism)],
      });
      if (plan.error) throw attempts.length ? allMethodsFailed(attempts, plan.error) : fromCoreError(plan.error);
      // USER/PASS and APOP carry a non-ASCII name or password only in UTF8 mode (RFC 6856), which
      // the server must announce as "UTF8 USER"; SASL carries UTF-8 by design.
      if ((plan.method === 'user' || plan.method === 'apop') && !this.#utf8 && !isAscii(`${user}${password ?? ''}`)) {
        if (this.#capabilities?.utf8User) {
          await this.utf8(options);
        } else {
          const error = new Pop3Error('UNSUPPORTED', `${plan.mechanism} cannot carry a non-ASCII user name or password to this server: it does not announce UTF8 USER (RFC 6856); use a SASL mechanism it offers`);
          attempts.push({ mechanism: plan.mechanism, code: error.code, error });  // nothing was sent
          continue;
        }
      }
      try {
        await this.#attemptLogin(plan, { user, password, accessToken, authzid }, options);
        break;
      } catch (error) {
        const attempt = { mechanism: plan.mechanism, code: error.code, responseCode: error.responseCode, serverText: error.serverText, error };
        if (!worthAnotherMethod(error) || this.#failure || this.#closed) {
          if (attempts.length) error.attempts = [...attempts, attempt].map(publicAttempt);
          throw error;
        }
        attempts.push(attempt);
      }
    }
    this.#authenticated = true;
    this.#loginMechanism = plan.mechanism;
    this.#account = `${user}@${this.#options.host}:${this.#options.port}`;
    // Per-user LOGIN-DELAY or EXPIRE values are only known after login (RFC 2449 6.5, 6.7).
    const caps = this.#capabilities;
    if (caps && (caps.loginDelayPerUser || caps.expirePerUser)) await this.refreshCapabilities(options);
  }

  // One login method, as the core planned it.
  async #attemptLogin(plan, { user, password, accessToken, authzid }, options) {
    if (plan.method === 'apop') {
      await this.#track(this.#session.submitApop(String(user), String(password)), 'APOP', undefined, options);
    } else if (plan.method === 'user') {
      const userReply = this.#command({ command: 'USER', arg: String(user) }, options);
      const passReply = this.#command({ command: 'PASS', arg: String(password) }, options);
      await Promise.all([userReply, passReply.catch(() => {})]);
      await passReply;
    } else {
      const submitted = this.#session.submitAuth(plan.mechanism, {
        user: String(user),
        password: password === undefined ? undefined : String(password),
        accessToken: accessToken === undefined ? undefined : String(accessToken),
        authzid,
        host: this.#options.servername ?? this.#options.host,
        port: this.#options.port,
      });
      await this.#track(submitted, 'AUTH', undefined, options);
    }
  }

  /**
   * UTF8 (RFC 6856): from now on the server takes and sends UTF-8 (user names, passwords and
   * texts). login() sends it by itself when a non-ASCII name or password needs it.
   */
  async utf8(options) {
    await this.#command({ command: 'UTF8' }, options);
    this.#utf8 = true;
  }

  /** LANG (RFC 6856): the languages the server's texts come in, `[{ tag, description }]`. */
  async languages(options) {
    const lines = await this.#command({ command: 'LANG' }, options);
    return lines.map((line) => {
      const space = line.indexOf(' ');
      return space < 0 ? { tag: line, description: '' } : { tag: line.slice(0, space), description: line.slice(space + 1) };
    });
  }

  /** LANG tag (RFC 6856): the server's texts in this language from now on ('*': its default). */
  setLanguage(tag, options) {
    return this.#command({ command: 'LANG', arg: String(tag) }, options);
  }

  /** "user@host:port" once logged in: the account's identity in a message store. */
  get account() {
    return this.#account;
  }

  /** The login method used: a SASL mechanism name, 'APOP' or 'USER'. */
  get loginMechanism() {
    return this.#loginMechanism;
  }

  /** STAT: the number of messages and their total size in octets. */
  stat(options) {
    return this.#command({ command: 'STAT' }, options);
  }

  /**
   * LIST (and UIDL, when available, in the same round trip): every message with its size and
   * unique id. With a number, that message's size only.
   */
  async list(number, options) {
    if (typeof number === 'object') [number, options] = [undefined, number];
    if (number !== undefined) return this.#command({ command: 'LIST', number }, options);
    const scans = this.#command({ command: 'LIST' }, options);
    const wantUids = this.#capabilities ? this.#capabilities.uidl : true;
    const uids = wantUids
      ? this.#command({ command: 'UIDL' }, options).catch((err) => {
          if (err.code === 'SERVER_ERROR') return null;  // server without UIDL
          throw err;
        })
      : Promise.resolve(null);
    const [list, uidList] = await Promise.all([scans, uids.catch((err) => err)]);
    if (uidList instanceof Error) throw uidList;
    const byNumber = new Map((uidList ?? []).map((u) => [u.number, u.uid]));
    return list.map(({ number: n, size }) => ({ number: n, size, uid: byNumber.get(n) }));
  }

  /** UIDL: unique ids of every message, or of one. */
  uidl(number, options) {
    if (typeof number === 'object') [number, options] = [undefined, number];
    return this.#command({ command: 'UIDL', number }, options);
  }

  /** RETR: the whole message as bytes, CRLF line ends, dot-unstuffed. */
  retrieve(number, options) {
    return this.#command({ command: 'RETR', number }, options);
  }

  /**
   * RETR as an async iterable of chunks, with bounded memory: reading pauses while more than
   * `highWaterMark` bytes (default 1 MiB) wait unread. Breaking out of the loop drops the rest.
   */
  retrieveStream(number, options = {}) {
    const stream = new BodyStream(this.#flowControl, options.highWaterMark ?? DEFAULT_STREAM_HIGH_WATER_MARK);
    this.#command({ command: 'RETR', number }, options, stream).then(
      () => stream.end(),
      (err) => stream.fail(err),
    );
    return stream;
  }

  /**
   * Every message (or those of `numbers`), in listing order, as `{ number, size, uid, bytes }`,
   * with RETRs pipelined ahead of the loop within `windowBytes` (default 4 MiB) and
   * `windowMessages` (default 1,000): `for await (const m of client.messages())` runs at pipelined
   * speed in bounded memory. Leaving the loop early cancels what is still queued.
   */
  messages(options) {
    return pipelinedMessages(this, options);
  }

  /** TOP: the headers and the first `lines` lines of the body. */
  top(number, lines, options) {
    return this.#command({ command: 'TOP', number, lines }, options);
  }

  /** DELE: marks a message for deletion at QUIT. */
  async delete(number, options) {
    await this.#command({ command: 'DELE', number }, options);
  }

  /** RSET: unmarks every message marked for deletion. */
  async reset(options) {
    await this.#command({ command: 'RSET' }, options);
  }

  async noop(options) {
    await this.#command({ command: 'NOOP' }, options);
  }

  /** QUIT: applies deletions (UPDATE state) and closes. Returns the server's farewell text. */
  async quit(options) {
    try {
      return await this.#command({ command: 'QUIT' }, options);
    } finally {
      // TLS in the WASM engine ends with close_notify, so the server sees an orderly end rather
      // than a truncation (Node's TLS sends its own when the socket ends).
      if (!this.#failure && this.#session) {
        this.#session.closeTls();
        this.#flush();
      }
      this.#closed = true;
      this.#transport.close();
    }
  }

  /** Drops the connection without QUIT: messages marked for deletion stay on the server. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.destroy();
    this.#failAll(new Pop3Error('CONNECTION_CLOSED', 'the client closed the connection'));
  }

  // ---- commands -----------------------------------------------------------------------------

  #command(spec, options, stream) {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed || !this.#session) return Promise.reject(new Pop3Error('SESSION_CLOSED', 'the connection is closed'));
    return this.#track(this.#session.submit(spec), spec.command, stream, options);
  }

  #track(submitted, command, stream, options = {}) {
    if (submitted.error) return Promise.reject(fromCoreError(submitted.error, command));
    const id = submitted.id;
    const signal = options.signal;
    return new Promise((resolve, reject) => {
      const entry = {
        command,
        resolve,
        reject,
        chunks: [],
        size: 0,
        stream,
        timeoutMs: options.timeoutMs ?? this.#options.timeoutMs,
        settled: false,
        onAbort: null,
      };
      this.#pending.set(id, entry);
      if (signal) {
        entry.onAbort = () => this.#abortCommand(id, entry, signal.reason);
        if (signal.aborted) entry.onAbort();
        else signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.#scheduleFlush();
      this.#armTimer();
    });
  }

  #abortCommand(id, entry, reason) {
    // Not yet on the wire: the core withdraws it. Already sent: its reply is read and dropped.
    this.#session?.cancel(id);
    this.#settle(entry, new Pop3Error('ABORTED', `${entry.command} aborted`, { cause: reason, command: entry.command }));
    entry.stream?.discard();
    this.#drainEvents();
  }

  #settle(entry, error, value) {
    if (entry.settled) return;
    entry.settled = true;
    entry.stream && !error ? entry.stream.end() : entry.stream?.fail(error);
    error ? entry.reject(error) : entry.resolve(value);
  }

  // ---- I/O ----------------------------------------------------------------------------------

  async #start() {
    await new Promise((resolve, reject) => {
      this.#greetingWaiter = { resolve, reject };
      this.#armGreetingTimer();
    });
    if (this.#options.tls === 'implicit' && this.#options.tlsEngine === 'wasm' && !this.#tlsInfo) {
      throw new Pop3Error('TLS_HANDSHAKE_FAILED', 'the greeting arrived without TLS');
    }
    if (this.#options.capa !== false || this.#options.tls === 'starttls') await this.#askCapabilities();
    if (this.#options.tls !== 'starttls') return;
    // RFC 2595: STLS only when announced; never fall back to plain text.
    if (!this.#capabilities?.stls) {
      throw this.#fatal(new Pop3Error('TLS_UNAVAILABLE', `${this.#options.host} does not offer STLS; refusing to continue without TLS (tls: 'starttls')`));
    }
    const established = new Promise((resolve, reject) => (this.#tlsWaiter = { resolve, reject }));
    established.catch(() => {});  // awaited below; a failure before that is reported by STLS itself
    try {
      await this.#command({ command: 'STLS' });
    } catch (err) {
      this.#tlsWaiter = null;
      if (err.code !== 'SERVER_ERROR') throw err;
      throw this.#fatal(new Pop3Error('TLS_UNAVAILABLE', `${this.#options.host} refused STLS (${err.serverText ?? err.message}); refusing to continue without TLS`, { responseCode: err.responseCode, serverText: err.serverText }));
    }
    await established;
    await this.#askCapabilities();  // capabilities learnt before TLS are void (RFC 2595 section 4)
  }

  async #askCapabilities() {
    try {
      this.#capabilities = await this.#command({ command: 'CAPA' });
    } catch (err) {
      if (err.code !== 'SERVER_ERROR') throw err;
      this.#capabilities = null;  // an RFC 1939-only server
    }
  }

  // STLS with Node's TLS: the core stops at the +OK; the socket is upgraded here.
  async #upgradeWithNodeTls() {
    try {
      await this.#transport.startTls(tlsSettings(this.#options));
    } catch (err) {
      this.#fatal(err);
      return;
    }
    if (!this.#session || this.#failure) return;
    this.#session.tlsStarted();
    this.#tlsInfo = { ...this.#transport.tlsInfo, engine: 'node' };
    this.#tlsWaiter?.resolve();
    this.#tlsWaiter = null;
    this.#flush();
  }

  #armGreetingTimer() {
    const timeoutMs = this.#options.timeoutMs;
    this.#timer = setTimeout(() => {
      this.#fatal(new Pop3Error('TIMEOUT', `no greeting from the server within ${timeoutMs} ms`));
    }, timeoutMs);
  }

  #receive(bytes) {
    if (!this.#session || this.#failure || (this.#closed && this.#pending.size === 0)) return;
    this.#windowBytes += bytes.length;
    const core = this.#core;
    let offset = 0;
    // One copy into WASM memory per chunk (HEAPU8 is re-read: memory may have grown).
    const ptr = this.#session.inputBuffer(bytes.length);
    core.HEAPU8.set(bytes, ptr);
    this.#session.receive(bytes.length);
    this.#drainEvents();
    this.#flush();
  }

  #transportClosed(error) {
    // A transport that knows why it closed (a bridge's refusal) says more than "closed".
    if (error instanceof Pop3Error && !this.#failure) this.#fatal(error);
    if (this.#session && !this.#failure) {
      this.#session.receiveEof();
      this.#drainEvents();
      if (error && !this.#failure && this.#pending.size > 0) {
        this.#fatal(new Pop3Error('CONNECTION_CLOSED', `the connection failed: ${error.message}`, { cause: error }));
      }
    }
    this.#closed = true;
    this.#clearTimer();
    this.#release();
  }

  // Frees the WASM-side connection (Embind objects are not garbage-collected).
  #release() {
    if (!this.#session) return;
    this.#session.delete();
    this.#session = null;
  }

  #drainEvents() {
    for (let event = this.#session?.nextEvent(); event; event = this.#session?.nextEvent()) {
      switch (event.type) {
        case 'greeting':
          this.#clearTimer();
          this.#greeting = { text: event.status.text, apopTimestamp: event.apopTimestamp };
          this.#greetingWaiter?.resolve();
          this.#greetingWaiter = null;
          this.#armTimer();
          break;
        case 'body': {
          const entry = this.#pending.get(event.id);
          if (!entry || entry.settled) break;
          if (entry.stream) entry.stream.push(event.data);
          else entry.chunks.push(event.data);
          entry.size += event.data.length;
          break;
        }
        case 'reply':
          this.#onReply(event);
          break;
        case 'transcript':
          this.#emitter.emit('transcript', { direction: event.direction, line: event.line });
          break;
        case 'tlsEstablished':
          this.#tlsInfo = { protocol: event.protocol, cipher: event.cipher, engine: 'wasm' };
          this.#tlsWaiter?.resolve();
          this.#tlsWaiter = null;
          break;
        case 'tlsRequested':
          this.#upgradeWithNodeTls();
          break;
        case 'sessionError':
          this.#fatal(fromCoreError(event.error));
          break;
        default:
          break;
      }
    }
  }

  #onReply(event) {
    const entry = this.#pending.get(event.id);
    if (!entry) return;
    this.#pending.delete(event.id);
    if (entry.onAbort) entry.onAbort = null;
    if (event.error) {
      this.#settle(entry, fromCoreError(event.error, event.command));
    } else {
      this.#settle(entry, null, this.#replyValue(event, entry));
    }
    this.#armTimer();
  }

  #replyValue(event, entry) {
    switch (event.command) {
      case 'RETR':
      case 'TOP':
        return entry.stream ? undefined : concat(entry.chunks, entry.size);
      case 'STAT':
      case 'LIST':
      case 'UIDL':
      case 'CAPA':
        return event.data;
      case 'QUIT':
        return event.status.text;
      case 'LANG':
        return event.data ?? event.status.text;  // the list, or the answer to LANG tag
      default:
        return undefined;
    }
  }

  #scheduleFlush() {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    // Commands submitted in the same tick leave in one write (and one TCP segment).
    queueMicrotask(() => {
      this.#flushQueued = false;
      this.#flush();
    });
  }

  #flush() {
    if (this.#failure || !this.#session) return;
    const out = this.#session.takeOutput();
    if (out.length > 0) this.#transport.write(out);
  }

  // The command being answered times out when, over a whole window of `timeoutMs`, nothing
  // completes and fewer than minBytesPerSecond bytes a second arrive (nothing at all, or a drip).
  #armTimer() {
    this.#clearTimer();
    const head = this.#pending.values().next().value;
    if (!head || this.#failure || !this.#greeting) return;
    const minRate = this.#options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND;
    this.#windowBytes = 0;
    const check = () => {
      const current = this.#pending.values().next().value;
      if (!current) return;
      const needed = Math.max(1, (minRate * current.timeoutMs) / 1000);
      // While a slow consumer holds reading paused, the server is not the one to blame.
      if (current === head && this.#windowBytes < needed && this.#readingPaused === 0) {
        const what = this.#windowBytes === 0 ? 'no reply' : `only ${this.#windowBytes} bytes`;
        const error = new Pop3Error('TIMEOUT', `${what} to ${current.command} within ${current.timeoutMs} ms`, { command: current.command });
        this.#settle(current, error);
        this.#fatal(error);
        return;
      }
      this.#windowBytes = 0;
      this.#timer = setTimeout(check, current.timeoutMs);
    };
    this.#timer = setTimeout(check, head.timeoutMs);
  }

  #clearTimer() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  // The session cannot continue: reject everything and drop the connection. Returns the error
  // that ended the session (the first one, if it had already failed).
  #fatal(error) {
    if (this.#failure) return this.#failure;
    this.#failure = error;
    this.#clearTimer();
    this.#greetingWaiter?.reject(error);
    this.#greetingWaiter = null;
    this.#tlsWaiter?.reject(error);
    this.#tlsWaiter = null;
    this.#failAll(error);
    this.#closed = true;
    this.#transport.destroy();
    queueMicrotask(() => this.#release());  // not now: events may still be being drained
    this.#emitter.emit('error', error);
    return error;
  }

  #failAll(error) {
    for (const [id, entry] of this.#pending) {
      this.#pending.delete(id);
      this.#settle(
        entry,
        entry.settled ? null : new Pop3Error(error.code, `${entry.command} was not answered: ${error.message}`, { cause: error, command: entry.command }),
      );
    }
  }
}
