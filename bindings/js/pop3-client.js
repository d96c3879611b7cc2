/**
 * Pop3Client: the async API over the core's ClientConnection. The core owns the session (state,
 * greeting, capabilities, the maildrop listing, the connect sequence with STLS) and decides what
 * goes on the wire and when; this class pumps bytes between it and a transport, turns its events
 * into settled promises (client/command-tracker.js) and keeps time, which the core cannot.
 */
import { BodyStream } from './body-stream.js';
import { Emitter } from './emitter.js';
import { Pop3Error, fromCoreError } from './errors.js';
import { defaultTransport } from './transports/default-transport.js';
import { tlsSettings } from './tls-settings.js';
import { pipelinedMessages } from './message-iterator.js';
import { loadCore } from './wasm-module.js';
import { CommandTracker } from './client/command-tracker.js';
import { ReadLease, bodyPieces } from './client/body-spans.js';
import { EventKind } from './generated/contract.js';
import { coreOf } from './client/internal.js';
import { coreConnectionOptions, resolveConnectOptions } from './client/connect-options.js';
import { allMethodsFailed, isAscii, publicAttempt, refusedMethods, worthAnotherMethod } from './client/login-attempts.js';
import { unpackListing } from './client/listing.js';
import { callGssapiProvider, checkGssapiAvailable, openGssapiProvider, wantsGssapi } from './auth/gssapi.js';

const DEFAULT_STREAM_HIGH_WATER_MARK = 1 << 20;

export class Pop3Client {
  #core;
  #session;
  #transport;
  #options;
  #emitter = new Emitter();
  #commands;
  #readyWaiter = null;
  #startTimer = null;
  #tlsInfo = null;
  // The error handed to callers once the session cannot go on (the core's, or the transport's,
  // a time-out or an abort, which the core never sees).
  #failure = null;
  #closed = false;
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
  // The chunk being fed to the core: body events point into it until the next one. Its lease
  // gives it back to the transport once no view of it is out.
  #input = null;
  #inputLease = null;
  // What the core knew when its connection was freed, for the getters after the end.
  #final = null;
  #loginMechanism = null;
  #gssapi = null;  // the GSS-API provider of a GSSAPI login
  #account = null;
  #utf8 = false;

  /**
   * Connects, reads the greeting and asks for the server's capabilities (and with
   * tls: 'starttls', upgrades with STLS and asks again).
   * @param {import('./index.js').ConnectOptions} options
   * @returns {Promise<Pop3Client>}
   */
  static async connect(options) {
    const resolved = resolveConnectOptions(options);
    if (options.signal?.aborted) throw new Pop3Error('ABORTED', 'connect aborted', { cause: options.signal.reason });
    // The lite protocol module unless TLS runs in WASM (docs/architecture.md, "Module flavours").
    const core = await loadCore(options, { wasmTls: resolved.tls !== 'none' && resolved.tlsEngine === 'wasm' });
    // Reads that nothing keeps go back to the transport (client/body-spans.js): not with Node's
    // TLS, which reads the socket itself.
    const nodeTls = resolved.tls !== 'none' && resolved.tlsEngine === 'node';
    const transport = options.transport ?? (await defaultTransport(options, { reuseReads: !nodeTls }));
    await transport.open({ signal: options.signal });
    if (resolved.tls === 'implicit' && resolved.tlsEngine === 'node') {
      try {
        await transport.startTls(tlsSettings(resolved));
      } catch (err) {
        transport.destroy();
        throw err;
      }
    }
    const client = new Pop3Client(core, transport, resolved);
    const onAbort = () => client.#fatal(new Pop3Error('ABORTED', 'connect aborted', { cause: options.signal.reason }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await client.#ready();
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
    this.#options = options;
    this.#session = new core.ClientConnection(coreConnectionOptions(options));
    const creationError = this.#session.creationError();
    if (creationError) {
      this.#session.delete();
      transport.destroy();
      throw fromCoreError(creationError);
    }
    this.#commands = new CommandTracker({
      timeoutMs: options.timeoutMs,
      minBytesPerSecond: options.minBytesPerSecond,
      readingPaused: () => this.#readingPaused > 0,
      cancel: (id) => {
        this.#session?.cancel(id);
        this.#drainEvents();
      },
      onTimeout: (error) => this.#fatal(error),
    });
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
    return this.#session ? this.#session.greeting() : (this.#final?.greeting ?? null);
  }

  /** The capabilities from the last CAPA, or null if the server does not support CAPA. */
  get capabilities() {
    return this.#session ? (this.#session.capabilities() ?? null) : (this.#final?.capabilities ?? null);
  }

  /** True once USER/PASS or APOP succeeded. */
  get authenticated() {
    return this.#session ? this.#session.authenticated() : Boolean(this.#final?.authenticated);
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
  refreshCapabilities(options) {
    return this.#command({ command: 'CAPA' }, options);
  }

  /**
   * Logs in with the strongest method both sides support: SASL (GSSAPI with a Kerberos ticket in
   * Node; SCRAM-SHA-512/256/1, with channel binding (-PLUS) inside TLS; CRAM-MD5, PLAIN, LOGIN;
   * OAUTHBEARER or XOAUTH2 with an access token), APOP, or USER/PASS.
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
    const haveGssapi = wantsGssapi(credentials);
    if (haveGssapi) checkGssapiAvailable(credentials);
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
        haveGssapi,
        allowInsecure: Boolean(this.#options.allowInsecureAuth),
        channelBinding: this.#transport.channelBinding?.(),  // SCRAM-*-PLUS over Node's TLS; the WASM engine knows its own
        only,
        // One refused SCRAM-*-PLUS rules out the others: they carry the same channel binding.
        forbid: [...(credentials.forbid ?? []), ...refusedMethods(attempts)],
      });
      if (plan.error) throw attempts.length ? allMethodsFailed(attempts, plan.error) : fromCoreError(plan.error);
      // USER/PASS and APOP carry a non-ASCII name or password only in UTF8 mode (RFC 6856), which
      // the server must announce as "UTF8 USER"; SASL carries UTF-8 by design.
      if ((plan.method === 'user' || plan.method === 'apop') && !this.#utf8 && !isAscii(`${user}${password ?? ''}`)) {
        if (this.capabilities?.utf8User) {
          await this.utf8(options);
        } else {
          const error = new Pop3Error('UNSUPPORTED', `${plan.mechanism} cannot carry a non-ASCII user name or password to this server: it does not announce UTF8 USER (RFC 6856); use a SASL mechanism it offers`);
          attempts.push({ mechanism: plan.mechanism, code: error.code, error });  // nothing was sent
          continue;
        }
      }
      try {
        await this.#attemptLogin(plan, { user, password, accessToken, authzid, gssapi: credentials.gssapi }, options);
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
    this.#loginMechanism = plan.mechanism;
    this.#account = `${user}@${this.#options.host}:${this.#options.port}`;
    // Per-user LOGIN-DELAY or EXPIRE values are only known after login (RFC 2449 6.5, 6.7).
    const caps = this.capabilities;
    if (caps && (caps.loginDelayPerUser || caps.expirePerUser)) await this.refreshCapabilities(options);
  }

  // One login method, as the core planned it.
  async #attemptLogin(plan, { user, password, accessToken, authzid, gssapi }, options) {
    if (plan.method === 'apop') {
      await this.#track(this.#session.submitApop(String(user), String(password)), 'APOP', undefined, options);
    } else if (plan.method === 'user') {
      const userReply = this.#command({ command: 'USER', arg: String(user) }, options);
      const passReply = this.#command({ command: 'PASS', arg: String(password) }, options);
      await Promise.all([userReply, passReply.catch(() => {})]);
      await passReply;
    } else {
      if (plan.mechanism === 'GSSAPI') this.#gssapi = await openGssapiProvider({ gssapi }, this.#options.servername ?? this.#options.host);
      const submitted = this.#session.submitAuth(plan.mechanism, {
        user: String(user),
        password: password === undefined ? undefined : String(password),
        accessToken: accessToken === undefined ? undefined : String(accessToken),
        authzid,
        host: this.#options.servername ?? this.#options.host,
        port: this.#options.port,
        channelBinding: this.#transport.channelBinding?.(),  // as in planLogin above
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

  /** Package-internal (client/internal.js): the WASM module and connection this client runs on. */
  [coreOf]() {
    if (this.#failure) throw this.#failure;
    if (!this.#session) throw new Pop3Error('SESSION_CLOSED', 'the connection is closed');
    return { core: this.#core, connection: this.#session };
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
    const wantUids = this.capabilities?.uidl ?? true;
    const uids = wantUids
      ? this.#command({ command: 'UIDL' }, options).catch((err) => {
          if (err.code === 'SERVER_ERROR') return null;  // server without UIDL
          throw err;
        })
      : Promise.resolve(null);
    const [, uidList] = await Promise.all([scans, uids.catch((err) => err)]);
    if (uidList instanceof Error) throw uidList;
    // The core's maildrop joins the two listings (and knows the deletion marks).
    if (!this.#session) throw this.#failure ?? new Pop3Error('SESSION_CLOSED', 'the connection is closed');
    return unpackListing(this.#session.listing());
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
   * `borrowChunks`: each chunk is valid only until the next one is asked for (its memory is read
   * into again), which spares an allocation per network read.
   */
  retrieveStream(number, options = {}) {
    const stream = new BodyStream(this.#flowControl, options.highWaterMark ?? DEFAULT_STREAM_HIGH_WATER_MARK, Boolean(options.borrowChunks));
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
    // TLS in the WASM engine still ends with close_notify: an orderly end, not a truncation.
    if (!this.#failure && this.#session) {
      this.#session.closeTls();
      this.#flush();
    }
    this.#transport.destroy();
    this.#commands.failAll(new Pop3Error('CONNECTION_CLOSED', 'the client closed the connection'));
  }

  // ---- commands -----------------------------------------------------------------------------

  #command(spec, options, stream) {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed || !this.#session) return Promise.reject(new Pop3Error('SESSION_CLOSED', 'the connection is closed'));
    return this.#track(this.#session.submit(spec), spec.command, stream, options);
  }

  #track(submitted, command, stream, options) {
    const promise = this.#commands.track(submitted, command, stream, options, fromCoreError);
    this.#scheduleFlush();
    return promise;
  }

  // ---- the connect sequence (run by the core; timed here) -----------------------------------

  async #ready() {
    await new Promise((resolve, reject) => {
      this.#readyWaiter = { resolve, reject };
      this.#armStartTimer();
    });
  }

  // Each step of the sequence (greeting, CAPA, STLS, the TLS handshake, CAPA) gets timeoutMs.
  #armStartTimer(step = 'GREETING') {
    this.#clearStartTimer();
    const timeoutMs = this.#options.timeoutMs;
    this.#startTimer = {
      step,
      timer: setTimeout(() => {
        const what = step === 'GREETING' ? 'no greeting from the server' : step === 'TLS' ? 'the TLS handshake did not finish' : `no reply to ${step}`;
        this.#fatal(new Pop3Error('TIMEOUT', `${what} within ${timeoutMs} ms`, { command: step === 'GREETING' || step === 'TLS' ? undefined : step }));
      }, timeoutMs),
    };
  }

  #clearStartTimer() {
    if (this.#startTimer) clearTimeout(this.#startTimer.timer);
    this.#startTimer = null;
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
    this.#tlsInfo = { ...this.#transport.tlsInfo, engine: 'node' };
    this.#session.tlsStarted();  // the core asks CAPA again
    this.#afterCoreInput();
  }

  // ---- I/O ----------------------------------------------------------------------------------

  #receive(bytes) {
    if (!this.#session || this.#failure || (this.#closed && this.#commands.size === 0)) return;
    if (!this.#session.wantRead()) return;  // closed or failed: nothing more is read
    this.#commands.received(bytes.length);
    // One copy into WASM memory per chunk (HEAPU8 is re-read: memory may have grown), where the
    // core finds the terminator and the stuffed dots; the message bytes themselves are handed on
    // as views of `bytes` (client/body-spans.js).
    const ptr = this.#session.inputBuffer(bytes.length);
    this.#core.HEAPU8.set(bytes, ptr);
    this.#session.receive(bytes.length);
    this.#input = bytes;
    const transport = this.#transport;
    this.#inputLease = new ReadLease(() => transport.release?.(bytes));
    try {
      this.#afterCoreInput();
    } finally {
      this.#input = null;
      this.#inputLease.end();
      this.#inputLease = null;
    }
  }

  #afterCoreInput() {
    this.#drainEvents();
    if (this.#startTimer && this.#session) {
      const step = this.#session.startupStep();
      if (step && step !== 'READY' && step !== this.#startTimer.step) this.#armStartTimer(step);
    }
    this.#flush();
  }

  #transportClosed(error) {
    // A transport that knows why it closed (a bridge's refusal) says more than "closed".
    if (error instanceof Pop3Error && !this.#failure) this.#fatal(error);
    if (this.#session && !this.#failure) {
      this.#session.receiveEof();
      this.#drainEvents();
      if (error && !this.#failure && this.#commands.size > 0) {
        this.#fatal(new Pop3Error('CONNECTION_CLOSED', `the connection failed: ${error.message}`, { cause: error }));
      }
    }
    this.#closed = true;
    this.#commands.clearTimer();
    this.#clearStartTimer();
    this.#release();
  }

  // Frees the WASM-side connection (Embind objects are not garbage-collected), keeping what the
  // getters still answer after the end.
  #release() {
    if (!this.#session) return;
    this.#final = { greeting: this.greeting, capabilities: this.capabilities, authenticated: this.authenticated };
    this.#session.delete();
    this.#session = null;
  }

  #drainEvents() {
    for (let event = this.#session?.nextEvent(); event; event = this.#session?.nextEvent()) {
      switch (event.type) {
        case EventKind.BODY: {
          // Copies out of WASM memory (TLS in the core) are no views of the read: no lease.
          const lease = event.inputPointer === undefined ? this.#inputLease : null;
          for (const piece of bodyPieces(event, this.#input, this.#core.HEAPU8)) this.#commands.body(event.id, piece, lease);
          break;
        }
        case EventKind.REPLY:
          this.#commands.reply(event, event.error ? fromCoreError(event.error, event.command) : null);
          break;
        case EventKind.TRANSCRIPT:
          this.#emitter.emit('transcript', { direction: event.direction, line: event.line });
          break;
        case EventKind.TLS_ESTABLISHED:
          this.#tlsInfo = { protocol: event.protocol, cipher: event.cipher, engine: 'wasm' };
          break;
        case EventKind.TLS_REQUESTED:
          this.#upgradeWithNodeTls();
          break;
        case EventKind.READY:
          this.#clearStartTimer();
          this.#readyWaiter?.resolve();
          this.#readyWaiter = null;
          break;
        case EventKind.SESSION_ERROR:
          this.#fatal(fromCoreError(event.error));
          break;
        case EventKind.SASL_HOST_CALL:
          this.#answerHostCall(event);
          break;
        default:
          break;  // 'greeting': the core keeps it (see the greeting getter)
      }
    }
  }

  // GSSAPI: the core waits for a call into the Kerberos library (auth/gssapi.js).
  async #answerHostCall(event) {
    const reply = await callGssapiProvider(this.#gssapi, event);
    if (!this.#session || this.#failure || !this.#commands.has(event.id)) return;  // ended meanwhile
    this.#session.saslHostReply(event.id, reply);
    this.#drainEvents();
    this.#flush();
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
    if (this.#failure || !this.#session || !this.#session.wantWrite()) return;
    this.#transport.write(this.#session.takeOutput());
  }

  // The session cannot continue: reject everything and drop the connection. Returns the error
  // that ended the session (the first one, if it had already failed).
  #fatal(error) {
    if (this.#failure) return this.#failure;
    this.#failure = error;
    this.#clearStartTimer();
    this.#readyWaiter?.reject(error);
    this.#readyWaiter = null;
    this.#commands.failAll(error);
    this.#closed = true;
    this.#transport.destroy();
    queueMicrotask(() => this.#release());  // not now: events may still be being drained
    this.#emitter.emit('error', error);
    return error;
  }
}
