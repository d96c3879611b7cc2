/**
 * The bridge's server: an HTTP (or HTTPS, for wss) server that upgrades WebSocket requests into
 * sessions (session.js), and a second, internal HTTP server (`metricsListen`) that answers
 * GET /healthz and GET /metrics: on the public listener they would tell anyone how many
 * sessions there are and how many bytes they move (`publicMetrics` brings them back there, for
 * a bridge that is not public). It owns the lifecycle:
 * listen, graceful close (stop accepting, let sessions finish for `drainMs`, then close the rest
 * with 4009), and the shared parts every session uses.
 *
 * Before a connection is a WebSocket it is bounded here: pending-connections.js limits how many
 * may be waiting for their request and for how long; requests larger than MAX_HEADER_BYTES are
 * answered 431, URLs longer than MAX_URL_LENGTH 414, malformed ones 400; and the flood guard
 * (limits.js) answers 503 when there are too many WebSockets. Each of these is counted
 * (metrics.js REJECTION_REASONS) and summed up in the log once a second (RejectionLog).
 */
import http from 'node:http';
import https from 'node:https';

import { WebSocketServer } from 'ws';

import { SUBPROTOCOL, TokenCheck, validateToken } from './access-token.js';
import { clientAddress, limitKey, normalizeIp, prefixKey } from './client-address.js';
import { parseListen, resolveOptions } from './config.js';
import { RejectionLog, eventRecord, loggerFrom } from './logging.js';
import { FloodGuard, SessionLimits } from './limits.js';
import { Metrics } from './metrics.js';
import { OriginPolicy } from './origin-policy.js';
import { PendingConnections } from './pending-connections.js';
import { RateLimits } from './rate-limit.js';
import { Session } from './session.js';

/** Request line plus headers, in bytes (Node's default; a WebSocket upgrade needs well under 2 KiB, plus any cookies). */
export const MAX_HEADER_BYTES = 16 * 1024;
/** The request target (path and query: the target is at most 300 characters). */
export const MAX_URL_LENGTH = 2048;
/**
 * Fragments of one WebSocket message. Each costs some 115 bytes of bookkeeping in ws whatever
 * its size, so 1-byte fragments could make a message of `maxFrameBytes` cost many times that;
 * clients do not fragment (browsers and ws send a message as one frame) or use large fragments.
 */
export const MAX_FRAGMENTS = 1024;

/** How long a refused connection may take to close its side after the answer. */
const REJECT_LINGER_MS = 1000;

const STATUS_TEXT = { 400: 'Bad Request', 404: 'Not Found', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large', 503: 'Service Unavailable' };

/** The request's URL, or null when it cannot be parsed (the request is then refused). */
function requestUrl(request) {
  try {
    return new URL(request.url, 'http://bridge.invalid');
  } catch {
    return null;
  }
}

/**
 * Creates a bridge (not yet listening).
 * @param {import('./index.js').BridgeOptions} options
 * @returns {import('./index.js').Bridge}
 */
export function createBridge(options) {
  const settings = resolveOptions(options);
  const log = loggerFrom(settings.log);
  const sessions = new Set();
  let closing = null;  // the close() promise, once closing
  let allEnded = null;  // resolves the drain wait when the last session ends

  const metrics = new Metrics(() => {
    let bufferedBytes = 0;
    let sessionsActive = 0;
    for (const s of sessions) {
      bufferedBytes += s.bufferedBytes;
      if (s.relaying) sessionsActive++;
    }
    return { connectionsActive: sessions.size, sessionsActive, bufferedBytes, pendingConnections: pending.size };
  });
  const rejectionLog = new RejectionLog(log);
  const rejected = (reason, client) => {
    metrics.rejected(reason);
    // A wrong path or an upgrade during shutdown is not abuse: counted, not logged.
    if (reason !== 'not_found' && reason !== 'shutting_down') rejectionLog.note(reason, client);
  };
  const pending = new PendingConnections(settings, { rejected });
  const ctx = {
    settings,
    metrics,
    log,
    allowlist: settings.allowlist,
    originPolicy: new OriginPolicy(settings),
    tokenCheck: new TokenCheck(settings.tokens),
    limits: new SessionLimits(settings),
    rateLimits: new RateLimits(settings),
    ended: (session) => {
      sessions.delete(session);
      if (sessions.size === 0) allEnded?.();
    },
  };
  const floodGuard = new FloodGuard(settings);
  const answered = new WeakSet();  // sockets refused with an HTTP status

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: settings.maxFrameBytes,
    maxFragments: MAX_FRAGMENTS,
    perMessageDeflate: false,  // ciphertext does not compress; compression only costs memory
    closeTimeout: settings.closeTimeoutMs,
    // The session answers pings itself (heartbeat.js): it can say why it drops a ping flood.
    autoPong: false,
    // All messages of one socket read are emitted in one go, so the relay can write them to the
    // target as one chunk (relay.js).
    allowSynchronousEvents: true,
    // Echo "pop3-bridge" (browsers fail a handshake whose offered protocols get no answer);
    // never echo the token subprotocol.
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  // Node's own limits stay as a second line, a little later than pending-connections.js (which
  // is exact, counts and logs): the TLS handshake time-out (120 s by default) and the header
  // time-outs (only checked every 30 s).
  const backstopMs = settings.headersTimeoutMs + 5_000;
  const serverOptions = { maxHeaderSize: MAX_HEADER_BYTES };
  const server = settings.tls
    ? https.createServer({
      ...serverOptions, cert: settings.tls.cert, key: settings.tls.key, minVersion: 'TLSv1.2', handshakeTimeout: backstopMs,
    })
    : http.createServer(serverOptions);
  server.headersTimeout = settings.headersTimeoutMs;
  server.requestTimeout = backstopMs;
  server.on('connection', (socket) => pending.accept(socket));
  if (settings.tls) server.on('secureConnection', (socket) => pending.secured(socket));
  server.on('request', (request, response) => answerHttp(request, response));
  // The internal listener: /metrics and /healthz only; not counted as pending connections (it
  // must not be reachable from where the abuse comes from).
  const metricsServer = settings.metricsListen === null ? null : http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
    const pathname = requestUrl(request)?.pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'text/plain', 'method not allowed\n');
    return answerInternal(pathname, response) || plain(response, 404, 'text/plain', 'not found\n');
  });
  metricsServer?.on('clientError', (err, socket) => socket.destroy());
  server.on('upgrade', (request, socket, head) => upgrade(request, socket, head));
  server.on('clientError', (err, socket) => refuseBadRequest(err, socket));

  // Requests Node's parser refused (too large, malformed) or timed out: answered, then closed.
  function refuseBadRequest(err, socket) {
    if (answered.has(socket)) return undefined;
    const client = normalizeIp(socket.remoteAddress);
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      rejected('headers_too_large', client);
      return rejectUpgrade(socket, 431);
    }
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {  // Node's own (backstop) header time-out
      rejected('header_timeout', client);
      return rejectUpgrade(socket, 408);
    }
    if (typeof err.code === 'string' && err.code.startsWith('HPE_')) {
      rejected('bad_request', client);
      return rejectUpgrade(socket, 400);
    }
    socket.destroy();  // ECONNRESET and the like: nobody to answer
    return undefined;
  }

  function answerHttp(request, response) {
    pending.requestReceived(request.socket);
    response.once('finish', () => pending.responseSent(request.socket));
    if (request.url.length > MAX_URL_LENGTH) {
      rejected('uri_too_long', normalizeIp(request.socket.remoteAddress));
      response.writeHead(414, { 'content-type': 'text/plain', 'cache-control': 'no-store', connection: 'close' });
      return response.end('uri too long\n');
    }
    const pathname = requestUrl(request)?.pathname;
    const send = (status, type, body) => plain(response, status, type, body);
    if (pathname === undefined) return send(400, 'text/plain', 'bad request\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (settings.publicMetrics && answerInternal(pathname, response)) return undefined;
    if (settings.path === null || pathname === settings.path) return send(426, 'text/plain', 'this is a WebSocket endpoint\n');
    return send(404, 'text/plain', 'not found\n');
  }

  function plain(response, status, type, body) {
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
    return true;
  }

  // GET /healthz and /metrics; false for any other path.
  function answerInternal(pathname, response) {
    if (pathname === '/healthz') {
      const body = JSON.stringify({ status: closing ? 'draining' : 'ok', sessions: sessions.size });
      return plain(response, closing ? 503 : 200, 'application/json', `${body}\n`);
    }
    if (pathname === '/metrics' && settings.metrics) return plain(response, 200, 'text/plain; version=0.0.4', metrics.prometheus());
    return false;
  }

  // Answers with an HTTP status and closes. The socket is not destroyed at once: unread bytes
  // of the request would make the kernel reset the connection, and the reset can overtake the
  // answer. It closes when the client does, or after REJECT_LINGER_MS, reading and dropping
  // whatever the client still sends; until then it still counts as a pending connection.
  function rejectUpgrade(socket, status) {
    if (answered.has(socket)) return;  // Node's parser reports every further chunk of a bad request
    answered.add(socket);
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => socket.destroy(), REJECT_LINGER_MS);
    timer.unref?.();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => socket.destroy());
    socket.resume();
    const text = STATUS_TEXT[status];
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`);
  }

  function upgrade(request, socket, head) {
    // The request is complete; the connection counts as pending until it is a WebSocket (a
    // refused one until it has closed, within a second).
    pending.requestReceived(socket);
    socket.on('error', () => socket.destroy());
    const peer = normalizeIp(socket.remoteAddress);
    const refuse = (status, reason, client = peer) => {
      rejected(reason, client);
      rejectUpgrade(socket, status);
    };
    if (closing) return refuse(503, 'shutting_down');
    if (request.url.length > MAX_URL_LENGTH) return refuse(414, 'uri_too_long');
    const url = requestUrl(request);
    if (!url) return refuse(400, 'bad_request');
    if (settings.path !== null && url.pathname !== settings.path) return refuse(404, 'not_found');
    const client = clientAddress(request, settings.trustProxy);
    const key = limitKey(client);
    const prefix = prefixKey(client, settings);
    if (!floodGuard.enter(key, prefix)) return refuse(503, 'flood', client);
    socket.once('close', () => floodGuard.leave(key, prefix));
    pending.upgraded(socket);
    wss.handleUpgrade(request, socket, head, (ws) => {
      metrics.connectionsTotal++;
      const session = new Session(ws, request, { client, limitKey: key, prefix, url }, ctx);
      sessions.add(session);
      session.start();
    });
    return undefined;
  }

  return {
    server,
    /** The internal listener of /metrics and /healthz (null without `metricsListen`). */
    metricsServer,

    /**
     * Starts listening.
     * @returns {Promise<import('node:net').AddressInfo>} the bound address
     */
    async listen(port = 8110, host = '127.0.0.1') {
      const bind = (srv, p, h) => new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(p, h, () => {
          srv.removeListener('error', reject);
          resolve(srv.address());
        });
      });
      let internal = null;
      if (metricsServer) {
        const at = parseListen(settings.metricsListen);
        internal = await bind(metricsServer, at.port, at.host);
      }
      let address;
      try {
        address = await bind(server, port, host);
      } catch (err) {
        metricsServer?.close();
        throw err;
      }
      log(eventRecord('listening', {
        address: address.address,
        port: address.port,
        metrics: internal ? { address: internal.address, port: internal.port } : null,
        publicMetrics: settings.publicMetrics,
        tls: Boolean(settings.tls),
        allow: settings.allowlist.describe(),
        origins: settings.origins,
        tokens: settings.tokens.length,
      }));
      return address;
    },

    /**
     * Stops accepting, lets sessions finish for up to `drainMs`, closes the rest with 4009 and
     * resolves when every session has ended and the server is closed.
     */
    close({ drainMs = settings.drainMs } = {}) {
      if (closing) return closing;
      closing = (async () => {
        log(eventRecord('closing', { sessions: sessions.size, drainMs }));
        const serverClosed = new Promise((resolve) => server.close(() => resolve()));
        server.closeIdleConnections?.();
        pending.closeWaiting();  // connections still sending (or not sending) a request
        const drained = new Promise((resolve) => {
          allEnded = resolve;
          if (sessions.size === 0) resolve();
        });
        let timer;
        await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
        clearTimeout(timer);
        for (const session of sessions) session.shutdown();
        await drained;
        await serverClosed;
        // Last: health says "draining" until the end.
        if (metricsServer?.listening) {
          const internalClosed = new Promise((resolve) => metricsServer.close(() => resolve()));
          metricsServer.closeAllConnections?.();
          await internalClosed;
        }
        rejectionLog.flush();
        log(eventRecord('closed', { sessionsTotal: metrics.sessionsTotal }));
      })();
      return closing;
    },

    /** Counters and gauges (the same figures as GET /metrics). */
    metrics() {
      return metrics.snapshot();
    },

    /**
     * Replaces the accepted tokens and/or the TLS certificate without a restart (the CLI does
     * this on SIGHUP). Sessions already running are not affected. Refuses to go from some
     * tokens to none.
     * @param {{tokens?: string[], tls?: {cert: string | Buffer, key: string | Buffer}}} changes
     */
    reload({ tokens, tls } = {}) {
      if (tokens) {
        tokens.forEach((t, i) => validateToken(t, `token ${i + 1}`));
        // An emptied token file must not silently open a bridge that required tokens.
        if (tokens.length === 0 && ctx.tokenCheck.required) throw new Error('no tokens: keeping the current ones (restart to stop requiring tokens)');
        ctx.tokenCheck = new TokenCheck(tokens);
      }
      if (tls) {
        if (!settings.tls) throw new Error('this bridge was not started with tls');
        server.setSecureContext({ cert: tls.cert, key: tls.key });
      }
    },
  };
}
