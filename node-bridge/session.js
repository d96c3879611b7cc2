/**
 * One WebSocket session, from the upgrade to its log line:
 *
 *   1. checks, in order, each refusing with its close code before anything else happens:
 *      Origin (4003), access token (4004), target syntax and allowlist (4001), session limits
 *      (4005);
 *   2. resolution of the target's name and the address policy (4002), then the TCP connection
 *      to one of exactly the checked addresses (4006 when it cannot be made in
 *      `connectTimeoutMs`, name resolution included);
 *   3. relaying (relay.js) until either side closes (4008 when the target does), the idle time-
 *      out (4007), shutdown (4009), or the heartbeat (heartbeat.js) finds the client gone (1006)
 *      or flooding pings (1008);
 *   4. one log line (logging.js) and the metrics.
 *
 * Refusals come after the upgrade on purpose: a browser cannot read an HTTP error status of a
 * failed WebSocket handshake, but it can read a close code and reason.
 */
import { CloseCode, closeReason } from './close-codes.js';
import { checkAddresses } from './address-policy.js';
import { offeredProtocols } from './access-token.js';
import { connectToTarget } from './connector.js';
import { Heartbeat, MAX_UNSENT_PONGS } from './heartbeat.js';
import { Relay } from './relay.js';
import { resolveTarget } from './resolver.js';
import { parseTarget, sanitizeForReason } from './target.js';
import { eventRecord, sessionRecord } from './logging.js';

let nextId = 1;

/** The client's reason for 4002 (after the target); the log has the address and its range. */
export const PRIVATE_ADDRESS_REASON = "address not allowed by the bridge's policy";

const duration = (ms) => (ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

// ws's errors (it has already sent the close frame with this code): the code and the start of
// the reason logged for each. Anything else is a protocol error, 1002.
const WS_ERRORS = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: CloseCode.FRAME_TOO_LARGE,       // a message over maxFrameBytes
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: CloseCode.FRAME_TOO_LARGE,  // a length over 2^53 - 1
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 1008,                               // too many fragments
  WS_ERR_INVALID_UTF8: 1007,
};
const WS_ERROR_REASONS = { 1007: 'invalid data', 1008: 'policy violation', 1002: 'protocol error' };

export class Session {
  id = nextId++;
  #ws;
  #ctx;
  #request;
  #client;
  #limitKey;
  #prefix;
  #url;
  #relay;
  #heartbeat;
  #started = Date.now();
  #abort = new AbortController();
  #slot = false;
  #wsClosed = false;
  #targetOpen = false;
  #finished = false;
  #closing = false;
  #facts = { target: null, address: null, closeCode: null, closeReason: '', closedBy: null };

  /**
   * @param {import('ws').WebSocket} ws
   * @param {import('node:http').IncomingMessage} request the upgrade request
   * @param {{client: string, limitKey: string, url: URL}} who the client's address, its limit
   *   key, and the parsed request URL
   * @param {object} ctx the bridge's shared parts (server.js): settings, allowlist, policies,
   *   limits, metrics, log, and `ended(session)`
   */
  constructor(ws, request, { client, limitKey, prefix = limitKey, url }, ctx) {
    this.#ws = ws;
    this.#prefix = prefix;
    this.#request = request;
    this.#client = client;
    this.#limitKey = limitKey;
    this.#url = url;
    this.#ctx = ctx;
    const { settings } = ctx;
    this.#relay = new Relay(ws, { ...settings, clientSocket: request.socket, metrics: ctx.metrics, rate: ctx.rateLimits.acquire(limitKey) }, {
      overBudget: (bytes) => this.#close(1008, `memory budget exceeded (${bytes} bytes held, limit ${settings.maxSessionBytes})`, 'bridge'),
      textFrame: () => this.#close(CloseCode.UNSUPPORTED_DATA, 'binary frames only', 'bridge'),
      idle: () => this.#close(CloseCode.IDLE_TIMEOUT, `no data either way for ${duration(settings.idleTimeoutMs)}`, 'bridge'),
      targetEnded: (reason) => this.#close(CloseCode.TARGET_CLOSED, reason, 'target'),
      targetClosed: () => {
        this.#targetOpen = false;
        this.#maybeFinish();
      },
    });
    this.#heartbeat = new Heartbeat(ws, settings, {
      listening: () => this.#relay.reading,
      sentBytes: () => this.#relay.bytesTargetToClient - ws.bufferedAmount,
      gone: () => this.#drop(1006, `the client stopped answering pings (sent every ${duration(settings.pingIntervalMs)})`),
      pingFlood: () => this.#drop(1008, `ping flood: ${MAX_UNSENT_PONGS} answers waiting to be sent`),
    });
    ws.on('error', (err) => {
      // ws has already sent its close frame with this code.
      const code = WS_ERRORS[err.code] ?? 1002;
      this.#heartbeat.stop();
      this.#noteClose(code, code === CloseCode.FRAME_TOO_LARGE ? 'frame too large' : `${WS_ERROR_REASONS[code]}: ${err.message}`, 'bridge');
      this.#relay.destroy();
    });
    ws.on('close', (code, reason) => {
      this.#heartbeat.stop();
      this.#wsClosed = true;
      this.#abort.abort();
      // The client closed first (or went away): its code stands, and the target gets a FIN.
      this.#noteClose(code, reason.toString('utf8'), 'client');
      if (this.#relay.connected) this.#relay.endTarget();
      this.#maybeFinish();
    });
  }

  /** Bytes held for this session now (metrics gauge). */
  get bufferedBytes() {
    return this.#relay.bufferedBytes;
  }

  /** True once connected to the target (a session in the sessions_active gauge). */
  get relaying() {
    return this.#targetOpen;
  }

  /** Runs the checks, connects and starts relaying. Never throws: failures close the WebSocket. */
  async start() {
    this.#heartbeat.start();
    try {
      await this.#run();
    } catch (err) {
      this.#close(CloseCode.INTERNAL_ERROR, 'internal error', 'bridge');
      this.#ctx.log(eventRecord('error', { id: this.id, message: err.message }));
    }
  }

  async #run() {
    const ctx = this.#ctx;
    const request = this.#request;
    let why = ctx.originPolicy.check(request.headers.origin);
    if (why) return this.#refuse(CloseCode.ORIGIN_NOT_ALLOWED, why);
    why = ctx.tokenCheck.check(offeredProtocols(request));
    if (why) return this.#refuse(CloseCode.BAD_TOKEN, why);

    const values = this.#url.searchParams.getAll('target');
    if (values.length !== 1) {
      return this.#refuse(CloseCode.TARGET_NOT_ALLOWED, values.length ? 'more than one target' : 'no target: add ?target=host:port to the URL');
    }
    const target = parseTarget(values[0]);
    if (!target) return this.#refuse(CloseCode.TARGET_NOT_ALLOWED, `invalid target "${sanitizeForReason(values[0])}" (expected host:port)`);
    this.#facts.target = target.display;
    const verdict = ctx.allowlist.match(target);
    if (!verdict.allowed) return this.#refuse(CloseCode.TARGET_NOT_ALLOWED, `target not allowed: ${target.display}`);

    why = ctx.limits.acquire(this.#limitKey, this.#prefix, this);
    if (why) return this.#refuse(CloseCode.TOO_MANY_CONNECTIONS, why);
    this.#slot = true;

    const { connectTimeoutMs, lookup } = ctx.settings;
    const deadline = Date.now() + connectTimeoutMs;
    const signal = this.#abort.signal;
    let addresses;
    try {
      addresses = await resolveTarget(target, { lookup, timeoutMs: connectTimeoutMs, signal });
    } catch (err) {
      return this.#refuse(CloseCode.CONNECT_FAILED, `could not connect to ${target.display}: ${err.message}`);
    }
    if (this.#wsClosed || this.#closing) return undefined;
    const policy = checkAddresses(addresses, verdict.allowPrivate);
    if (!policy.ok) {
      this.#facts.address = policy.address;
      // The client learns that the address was refused, not what it is: the answers of an
      // internal DNS are the operator's business (they go to the log).
      return this.#refuse(
        CloseCode.PRIVATE_ADDRESS,
        `${target.display}: ${PRIVATE_ADDRESS_REASON}`,
        `${target.display} resolves to a non-public address (${policy.address}, ${policy.category})`,
      );
    }
    let connection;
    try {
      connection = await connectToTarget(addresses, target.port, { deadline, signal });
    } catch (err) {
      return this.#refuse(CloseCode.CONNECT_FAILED, `could not connect to ${target.display} (${err.message})`);
    }
    if (this.#wsClosed || this.#closing) {
      connection.socket.destroy();
      return undefined;
    }
    this.#facts.address = connection.address;
    this.#targetOpen = true;
    ctx.metrics.sessionsTotal++;
    this.#relay.attach(connection);
    return undefined;
  }

  /** When a byte last crossed (the limits evict the idlest session of a heavy network). */
  get lastActivity() {
    return this.#relay.lastActivity;
  }

  /** The bridge is full and a client of a lighter network needs the slot: 4005 at once. */
  evict() {
    if (this.#slot) {
      this.#slot = false;
      this.#ctx.limits.release(this.#limitKey, this.#prefix, this);
    }
    this.#close(CloseCode.TOO_MANY_CONNECTIONS, 'the bridge is at capacity: closed for a client of a network with fewer sessions', 'bridge');
  }

  /** Ends the session for a shutdown: close code 4009. */
  shutdown() {
    this.#close(CloseCode.SHUTTING_DOWN, 'the bridge is shutting down', 'bridge');
  }

  // `detail`, when given, is logged instead of `reason`, which alone goes to the client.
  #refuse(code, reason, detail) {
    if (this.#wsClosed || this.#closing) return;  // the client left, or shutdown, meanwhile
    this.#ctx.metrics.refused(code);
    this.#close(code, reason, 'bridge', detail);
  }

  #noteClose(code, reason, by) {
    if (this.#facts.closedBy) return;  // the first side to close decides the record
    this.#facts.closeCode = code;
    this.#facts.closeReason = reason;
    this.#facts.closedBy = by;
  }

  // Closes the WebSocket with a code (the target's bytes already sent go first) and drops the
  // target connection, except when the target itself ended, which it has already done.
  #close(code, reason, by, detail) {
    if (this.#closing || this.#wsClosed) return;
    this.#closing = true;
    const text = closeReason(reason);
    this.#noteClose(code, detail ?? text, by);
    this.#heartbeat.stop();
    this.#abort.abort();
    if (by !== 'target') this.#relay.destroy();
    this.#ws.resume();  // a paused WebSocket would not read the client's close frame
    this.#ws.close(code, text);
  }

  // Ends the session without a close handshake: the client is gone, or not reading.
  #drop(code, reason) {
    if (this.#closing || this.#wsClosed) return;
    this.#closing = true;
    this.#noteClose(code, reason, 'bridge');
    this.#abort.abort();
    this.#relay.destroy();
    this.#ws.terminate();
  }

  #maybeFinish() {
    if (this.#finished || !this.#wsClosed || this.#targetOpen) return;
    this.#finished = true;
    const ctx = this.#ctx;
    if (this.#slot) ctx.limits.release(this.#limitKey, this.#prefix, this);
    ctx.rateLimits.release(this.#limitKey);
    ctx.metrics.closed(this.#facts.closeCode);
    ctx.log(
      sessionRecord({
        id: this.id,
        client: this.#client,
        origin: this.#request.headers.origin,
        ...this.#facts,
        bytesClientToTarget: this.#relay.bytesClientToTarget,
        bytesTargetToClient: this.#relay.bytesTargetToClient,
        durationMs: Date.now() - this.#started,
      }),
    );
    ctx.ended(this);
  }
}
