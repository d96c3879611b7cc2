/**
 * The bridge's server: an HTTP (or HTTPS, for wss) server that upgrades WebSocket requests into
 * sessions (session.js) and answers GET /healthz and GET /metrics. It owns the lifecycle:
 * listen, graceful close (stop accepting, let sessions finish for `drainMs`, then close the rest
 * with 4009), and the shared parts every session uses.
 */
import http from 'node:http';
import https from 'node:https';

import { WebSocketServer } from 'ws';

import { SUBPROTOCOL, TokenCheck, validateToken } from './access-token.js';
import { clientAddress, limitKey } from './client-address.js';
import { resolveOptions } from './config.js';
import { eventRecord, loggerFrom } from './logging.js';
import { FloodGuard, SessionLimits } from './limits.js';
import { Metrics } from './metrics.js';
import { OriginPolicy } from './origin-policy.js';
import { Session } from './session.js';

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
    return { connectionsActive: sessions.size, sessionsActive, bufferedBytes };
  });
  const ctx = {
    settings,
    metrics,
    log,
    allowlist: settings.allowlist,
    originPolicy: new OriginPolicy(settings),
    tokenCheck: new TokenCheck(settings.tokens),
    limits: new SessionLimits(settings),
    ended: (session) => {
      sessions.delete(session);
      if (sessions.size === 0) allEnded?.();
    },
  };
  const floodGuard = new FloodGuard(settings);

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: settings.maxFrameBytes,
    perMessageDeflate: false,  // ciphertext does not compress; compression only costs memory
    closeTimeout: settings.closeTimeoutMs,
    // Echo "pop3-bridge" (browsers fail a handshake whose offered protocols get no answer);
    // never echo the token subprotocol.
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  const server = settings.tls
    ? https.createServer({ cert: settings.tls.cert, key: settings.tls.key, minVersion: 'TLSv1.2' })
    : http.createServer();
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.on('request', (request, response) => answerHttp(request, response));
  server.on('upgrade', (request, socket, head) => upgrade(request, socket, head));
  server.on('clientError', (err, socket) => socket.destroy());

  function answerHttp(request, response) {
    const pathname = requestUrl(request)?.pathname;
    const send = (status, type, body) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (pathname === undefined) return send(400, 'text/plain', 'bad request\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (pathname === '/healthz') {
      const body = JSON.stringify({ status: closing ? 'draining' : 'ok', sessions: sessions.size });
      return send(closing ? 503 : 200, 'application/json', `${body}\n`);
    }
    if (pathname === '/metrics' && settings.metrics) return send(200, 'text/plain; version=0.0.4', metrics.prometheus());
    if (settings.path === null || pathname === settings.path) return send(426, 'text/plain', 'this is a WebSocket endpoint\n');
    return send(404, 'text/plain', 'not found\n');
  }

  function rejectUpgrade(socket, status, text) {
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`);
  }

  function upgrade(request, socket, head) {
    socket.on('error', () => socket.destroy());
    if (closing) return rejectUpgrade(socket, 503, 'Service Unavailable');
    const url = requestUrl(request);
    if (!url) return rejectUpgrade(socket, 400, 'Bad Request');
    if (settings.path !== null && url.pathname !== settings.path) return rejectUpgrade(socket, 404, 'Not Found');
    const client = clientAddress(request, settings.trustProxy);
    const key = limitKey(client);
    if (!floodGuard.enter(key)) return rejectUpgrade(socket, 503, 'Service Unavailable');
    socket.once('close', () => floodGuard.leave(key));
    wss.handleUpgrade(request, socket, head, (ws) => {
      metrics.connectionsTotal++;
      const session = new Session(ws, request, { client, limitKey: key, url }, ctx);
      sessions.add(session);
      session.start();
    });
    return undefined;
  }

  return {
    server,

    /**
     * Starts listening.
     * @returns {Promise<import('node:net').AddressInfo>} the bound address
     */
    listen(port = 8110, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.removeListener('error', reject);
          const address = server.address();
          log(eventRecord('listening', {
            address: address.address,
            port: address.port,
            tls: Boolean(settings.tls),
            allow: settings.allowlist.describe(),
            origins: settings.origins,
            tokens: settings.tokens.length,
          }));
          resolve(address);
        });
      });
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
