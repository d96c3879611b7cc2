// The bridge's refusals, each with its close code and a reason that names what was refused,
// and the Pop3Error a client gets for it. Refusals happen after the WebSocket upgrade (so
// browsers can read them) and before any TCP connection to the target is attempted: the test's
// own TCP server counts the connections it receives.
import dns from 'node:dns/promises';

import { Pop3Client } from '../../bindings/js/node.js';
import { WebSocketTransport } from '../../bindings/js/node.js';
import { fetchMetrics, openWs, startBridge, startTcpServer } from '../harness/bridge.mjs';
import { freePort } from '../harness/dovecot.mjs';

const TOKEN = 'tok_0123456789abcdef0123456789abcdef';
let tcp;        // an idle TCP server of the test's own
let closedPort; // a port nobody listens on
let open;       // no token; one web origin allowed; programs (no Origin) allowed
let guarded;    // a token required; no Origin required

// A name that resolves to a public and a private address (a real resolver cannot be told to do
// this offline), and one whose resolution never finishes.
const lookup = async (host, options) => {
  if (host === 'mixed.test') return [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }];
  if (host === 'mapped.test') return [{ address: '::ffff:127.0.0.1', family: 6 }];
  if (host === 'slow.test') return new Promise(() => {});
  return dns.lookup(host, options);
};

beforeAll(async () => {
  tcp = await startTcpServer();
  closedPort = await freePort();
  const allow = [
    'pop.example.com:995',
    '*.example.org:995',
    `localhost:${tcp.port}`,  // no allowPrivate: localhost is loopback
    'mixed.test:995',
    'mapped.test:995',
    'slow.test:995',
    { host: '127.0.0.1', ports: [tcp.port, closedPort], allowPrivate: true },
  ];
  open = await startBridge({ allow, origins: ['https://app.example'], lookup, connectTimeoutMs: 500 });
  guarded = await startBridge({ allow, tokens: [TOKEN], lookup });
});
afterAll(async () => {
  await Promise.all([open?.stop(), guarded?.stop()]);
  await tcp?.stop();
});

async function refusal(bridge, target, options = {}) {
  const { ws, closed } = await openWs(bridge.url, { target, ...options });
  expect(ws.protocol).toBe('pop3-bridge');  // echoed even when refusing: browsers need it
  return closed;
}

describe('targets', () => {
  test('a host that is not allowed: 4001 naming the target, no connection attempted', async () => {
    expect(await refusal(open, 'pop.evil.example:995')).toEqual({ code: 4001, reason: 'target not allowed: pop.evil.example:995' });
    expect(tcp.accepted).toBe(0);
  });

  test('an allowed host on a port that is not allowed: 4001', async () => {
    expect(await refusal(open, 'pop.example.com:25')).toEqual({ code: 4001, reason: 'target not allowed: pop.example.com:25' });
  });

  test('*.domain allows subdomains at any depth but not the domain itself', async () => {
    expect(await refusal(open, 'example.org:995')).toEqual({ code: 4001, reason: 'target not allowed: example.org:995' });
    expect(await refusal(open, 'pop.example.org.evil.example:995')).toMatchObject({ code: 4001 });
    // Allowed: it gets as far as resolving, which fails offline (4006, not 4001).
    const allowed = await refusal(open, 'a.b.example.org:995');
    expect(allowed.code).toBe(4006);
    expect(allowed.reason).toMatch(/^could not connect to a\.b\.example\.org:995: could not resolve a\.b\.example\.org/);
  });

  test.each([
    ['127.1:110'], ['2130706433:110'], ['localhost'], ['localhost:0'], ['localhost:65536'], ['localhost:0110'],
    ['::1:110'], ['[::1%lo]:110'], ['a..b:110'], ['exa mple.com:110'], ['-a.example:110'], ['host:99999999999'],
    ['pop.example.com:995\r\nX: y'], [''],
  ])('a malformed target %j: 4001 "invalid target", nothing resolved', async (target) => {
    const { code, reason } = await refusal(open, target);
    expect(code).toBe(4001);
    expect(reason).toMatch(/^invalid target "[\x20-\x7e]*" \(expected host:port\)$/);
  });

  test('no target at all: 4001 saying how to name one', async () => {
    expect(await refusal(open, undefined)).toEqual({ code: 4001, reason: 'no target: add ?target=host:port to the URL' });
  });

  // 4002: the client is told the address was refused, the log which address and why.
  async function loggedReason(bridge, target) {
    await waitFor(() => bridge.sessions().some((r) => r.target === target && r.closeCode === 4002));
    return bridge.sessions().findLast((r) => r.target === target && r.closeCode === 4002).closeReason;
  }

  test('an allowed name that resolves to a loopback address: 4002, no connection attempted', async () => {
    const { code, reason } = await refusal(open, `localhost:${tcp.port}`);
    expect(code).toBe(4002);
    expect(reason).toBe(`localhost:${tcp.port}: address not allowed by the bridge's policy`);
    expect(await loggedReason(open, `localhost:${tcp.port}`))
      .toMatch(new RegExp(`^localhost:${tcp.port} resolves to a non-public address \\((127\\.0\\.0\\.1|::1), loopback\\)$`));
    expect(tcp.accepted).toBe(0);
  });

  test('a name with a public and a private address is refused as a whole (4002)', async () => {
    expect(await refusal(open, 'mixed.test:995')).toEqual({ code: 4002, reason: "mixed.test:995: address not allowed by the bridge's policy" });
    expect(await loggedReason(open, 'mixed.test:995')).toBe('mixed.test:995 resolves to a non-public address (10.1.2.3, private (RFC 1918))');
  });

  test('an IPv4-mapped IPv6 loopback address is loopback too (4002)', async () => {
    expect(await refusal(open, 'mapped.test:995')).toEqual({ code: 4002, reason: "mapped.test:995: address not allowed by the bridge's policy" });
    expect(await loggedReason(open, 'mapped.test:995')).toBe('mapped.test:995 resolves to a non-public address (::ffff:127.0.0.1, loopback, IPv4-mapped)');
  });

  test('a refused port: 4006', async () => {
    expect(await refusal(open, `127.0.0.1:${closedPort}`)).toEqual({ code: 4006, reason: `could not connect to 127.0.0.1:${closedPort} (ECONNREFUSED)` });
  });

  test('a target that does not answer within connectTimeoutMs: 4006', async () => {
    const started = Date.now();
    const { code, reason } = await refusal(open, 'slow.test:995');
    expect(code).toBe(4006);
    expect(reason).toBe('could not connect to slow.test:995: resolving slow.test took longer than 500 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });
});

describe('origins and tokens', () => {
  test('a listed origin and a program without Origin are let through', async () => {
    for (const origin of ['https://app.example', 'HTTPS://APP.EXAMPLE:443', undefined]) {
      const { ws, closed } = await openWs(open.url, { target: `127.0.0.1:${tcp.port}`, origin });
      ws.close(1000);
      expect((await closed).code).toBe(1000);
    }
  });

  test('an origin that is not listed: 4003 naming it, no connection attempted', async () => {
    const before = tcp.accepted;
    expect(await refusal(open, `127.0.0.1:${tcp.port}`, { origin: 'https://evil.example' })).toEqual({
      code: 4003, reason: 'origin not allowed: https://evil.example',
    });
    expect(await refusal(guarded, `127.0.0.1:${tcp.port}`, { origin: 'https://app.example', token: TOKEN })).toMatchObject({ code: 4003 });
    expect(tcp.accepted).toBe(before);
  });

  test('a missing Origin is refused when the bridge requires one', async () => {
    const strict = await startBridge({ allow: ['pop.example.com:995'], allowMissingOrigin: false, origins: ['*'] });
    try {
      expect(await refusal(strict, 'pop.example.com:995')).toEqual({ code: 4003, reason: 'origin not allowed: the request has no Origin' });
    } finally {
      await strict.stop();
    }
  });

  test('a missing or wrong token: 4004, no connection attempted; the right one passes', async () => {
    const before = tcp.accepted;
    const target = `127.0.0.1:${tcp.port}`;
    expect(await refusal(guarded, target)).toEqual({ code: 4004, reason: 'missing access token' });
    expect(await refusal(guarded, target, { token: `${TOKEN}x` })).toEqual({ code: 4004, reason: 'wrong access token' });
    // A client offering no subprotocol at all is refused the same way.
    const bare = await openWs(guarded.url, { target, protocols: [] });
    expect(await bare.closed).toEqual({ code: 4004, reason: 'missing access token' });
    expect(tcp.accepted).toBe(before);
    const { ws, closed } = await openWs(guarded.url, { target, token: TOKEN });
    await waitFor(() => tcp.accepted === before + 1);
    ws.close(1000);
    expect((await closed).code).toBe(1000);
  });
});

describe('Pop3Client reports refusals as CONNECTION_FAILED with the reason and code', () => {
  const connect = (options) =>
    Pop3Client.connect({ tls: 'implicit', timeoutMs: 5000, ...options }).then(
      () => new Error('connected'),
      (err) => err,
    );

  test.each([
    ['a host not allowed', () => ({ bridge: open.url, host: 'pop.evil.example', port: 995 }), /^bridge: target not allowed: pop\.evil\.example:995 \(close code 4001; the bridge operator must allow this host and port\)$/],
    ['a port not allowed', () => ({ bridge: open.url, host: 'pop.example.com', port: 110 }), /target not allowed: pop\.example\.com:110 \(close code 4001/],
    ['a private address', () => ({ bridge: open.url, host: 'localhost', port: tcp.port }), /localhost:\d+: address not allowed by the bridge's policy.*close code 4002/],
    ['a missing token', () => ({ bridge: guarded.url, host: '127.0.0.1', port: tcp.port }), /^bridge: missing access token \(close code 4004; pass the bridge's token as `bridgeToken`\)$/],
    ['a wrong token', () => ({ bridge: guarded.url, bridgeToken: 'not-the-right-token-at-all', host: '127.0.0.1', port: tcp.port }), /wrong access token \(close code 4004/],
    ['a refused connection', () => ({ bridge: open.url, host: '127.0.0.1', port: closedPort }), /could not connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\) \(close code 4006/],
  ])('%s', async (_, options, message) => {
    const error = await connect(options());
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.message).toMatch(message);
  });

  test('an origin not allowed', async () => {
    const transport = new WebSocketTransport({
      bridge: open.url, host: '127.0.0.1', port: tcp.port, wsOptions: { origin: 'https://evil.example' },
    });
    const error = await connect({ transport, host: '127.0.0.1', port: tcp.port });
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.message).toBe("bridge: origin not allowed: https://evil.example (close code 4003; the bridge operator must add this page's origin)");
  });
});

describe('limits', () => {
  test('per-IP and global limits: 4005, slots come back when sessions end', async () => {
    // All clients here are of one network (198.51.100.0/24): its limit is the global one, which
    // this test is about (bridge-hardening covers the per-network limits).
    const bridge = await startBridge({
      allowPrivate: [`127.0.0.1:${tcp.port}`], maxSessionsPerIp: 2, maxSessions: 3, maxSessionsPerPrefix: 3, trustProxy: ['127.0.0.1'],
    });
    const target = `127.0.0.1:${tcp.port}`;
    const from = (ip) => ({ target, wsOptions: { headers: { 'x-forwarded-for': ip } } });
    try {
      const before = tcp.accepted;
      const a1 = await openWs(bridge.url, from('198.51.100.1'));
      const a2 = await openWs(bridge.url, from('198.51.100.1'));
      expect(await (await openWs(bridge.url, from('198.51.100.1'))).closed).toEqual({
        code: 4005, reason: 'too many connections from your address (limit 2)',
      });
      // The left-most X-Forwarded-For entries are the client's own words: only the right-most counts.
      expect(await (await openWs(bridge.url, from('203.0.113.9, 198.51.100.1'))).closed).toMatchObject({ code: 4005 });
      const b1 = await openWs(bridge.url, from('198.51.100.2'));
      expect(await (await openWs(bridge.url, from('198.51.100.3'))).closed).toEqual({
        code: 4005, reason: 'the bridge is at capacity (3 sessions)',
      });
      await waitFor(() => tcp.accepted === before + 3);
      a1.ws.close(1000);
      await a1.closed;
      await waitFor(() => bridge.bridge.metrics().connectionsActive === 2);
      const a3 = await openWs(bridge.url, from('198.51.100.1'));
      await waitFor(() => tcp.accepted === before + 4);
      for (const s of [a2, b1, a3]) s.ws.close(1000);
      await Promise.all([a2.closed, b1.closed, a3.closed]);
      const records = await bridge.sessionsEnded(7);
      expect(records.filter((r) => r.closeCode === 4005).map((r) => r.client)).toEqual(['198.51.100.1', '198.51.100.1', '198.51.100.3']);
      expect(bridge.bridge.metrics().refusals.too_many_connections).toBe(3);
    } finally {
      await bridge.stop();
    }
  });

  test('X-Forwarded-For is ignored unless the peer is a trusted proxy', async () => {
    const bridge = await startBridge({ allowPrivate: [`127.0.0.1:${tcp.port}`], maxSessionsPerIp: 1 });
    const target = `127.0.0.1:${tcp.port}`;
    try {
      const first = await openWs(bridge.url, { target, wsOptions: { headers: { 'x-forwarded-for': '198.51.100.1' } } });
      const second = await openWs(bridge.url, { target, wsOptions: { headers: { 'x-forwarded-for': '198.51.100.2' } } });
      expect((await second.closed).code).toBe(4005);
      first.ws.close(1000);
      await first.closed;
    } finally {
      await bridge.stop();
    }
  });
});

describe('relaying', () => {
  let echo;
  beforeAll(async () => {
    echo = await startTcpServer((socket) => {
      socket.on('data', (d) => {
        if (d.toString() === 'bye') socket.end('closing');
        else socket.write(d);
      });
    });
  });
  afterAll(() => echo.stop());

  test('bytes sent before the target is connected are relayed first, in order', async () => {
    const bridge = await startBridge({ allowPrivate: [`127.0.0.1:${echo.port}`] });
    try {
      const { ws, received, closed } = await openWs(bridge.url, { target: `127.0.0.1:${echo.port}` });
      for (const part of ['one ', 'two ', 'three']) ws.send(Buffer.from(part));
      await waitFor(() => Buffer.concat(received).toString() === 'one two three');
      ws.send(Buffer.from('bye'));
      expect(await closed).toEqual({ code: 4008, reason: 'the target closed the connection' });
      expect(Buffer.concat(received).toString()).toBe('one two threeclosing');  // everything before the close
      const [record] = await bridge.sessionsEnded(1);
      expect(record).toMatchObject({ closeCode: 4008, closedBy: 'target', bytesClientToTarget: 16, bytesTargetToClient: 20 });
    } finally {
      await bridge.stop();
    }
  });

  test('no byte either way for idleTimeoutMs: 4007, and the target connection is closed', async () => {
    const bridge = await startBridge({ allowPrivate: [`127.0.0.1:${echo.port}`], idleTimeoutMs: 300 });
    try {
      const started = Date.now();
      const { ws, closed } = await openWs(bridge.url, { target: `127.0.0.1:${echo.port}` });
      setTimeout(() => ws.send(Buffer.from('keep')), 200);  // activity restarts the clock
      expect(await closed).toEqual({ code: 4007, reason: 'no data either way for 300 ms' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(480);
      await waitFor(() => echo.sockets.size === 0);
    } finally {
      await bridge.stop();
    }
  });

  test('a frame larger than maxFrameBytes: 1009, nothing of it relayed', async () => {
    const seen = [];
    const bridge = await startBridge({ allowPrivate: [`127.0.0.1:${echo.port}`], maxFrameBytes: 1024, onRelay: (d, b) => seen.push(b) });
    try {
      const { ws, closed } = await openWs(bridge.url, { target: `127.0.0.1:${echo.port}` });
      ws.send(Buffer.alloc(2048, 0x41));
      expect((await closed).code).toBe(1009);
      const [record] = await bridge.sessionsEnded(1);
      expect(record).toMatchObject({ closeCode: 1009, closeReason: 'frame too large', bytesClientToTarget: 0 });
      expect(seen).toHaveLength(0);
    } finally {
      await bridge.stop();
    }
  });

  test('a text frame: 1003 (the bridge relays bytes, not text)', async () => {
    const bridge = await startBridge({ allowPrivate: [`127.0.0.1:${echo.port}`] });
    try {
      const { ws, closed } = await openWs(bridge.url, { target: `127.0.0.1:${echo.port}` });
      ws.send('USER alice');
      expect(await closed).toEqual({ code: 1003, reason: 'binary frames only' });
    } finally {
      await bridge.stop();
    }
  });
});

test('a request URL that cannot be parsed gets HTTP 400, and the bridge keeps serving', async () => {
  const net = await import('node:net');
  const reply = await new Promise((resolve, reject) => {
    const socket = net.connect(open.port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write('GET http://[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  });
  expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  expect((await fetch(`${open.metricsBase}/healthz`)).status).toBe(200);
});

test('metrics and health: refusals by reason, bytes each way, in the Prometheus format', async () => {
  const base = open.metricsBase;  // the internal listener (metricsListen)
  const health = await fetch(`${base}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok' });
  const samples = await fetchMetrics(`${base}/metrics`);
  expect(samples['pop3_bridge_refusals_total{reason="target_not_allowed"}']).toBeGreaterThanOrEqual(20);
  expect(samples['pop3_bridge_refusals_total{reason="private_address"}']).toBeGreaterThanOrEqual(3);
  expect(samples['pop3_bridge_refusals_total{reason="origin_not_allowed"}']).toBeGreaterThanOrEqual(2);
  expect(samples['pop3_bridge_refusals_total{reason="connect_failed"}']).toBeGreaterThanOrEqual(3);
  expect(samples['pop3_bridge_sessions_total']).toBeGreaterThanOrEqual(3);
  expect(samples['pop3_bridge_sessions_active']).toBe(0);
  expect(samples).toHaveProperty(['pop3_bridge_bytes_total{direction="client_to_target"}']);
  expect(samples).toHaveProperty(['pop3_bridge_bytes_total{direction="target_to_client"}']);
  expect((await fetch(`http://127.0.0.1:${open.port}/pop3`)).status).toBe(426);
  // Every session left one log line, and no log line holds the token.
  expect(JSON.stringify(guarded.logs)).not.toContain(TOKEN);
});

async function waitFor(condition, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
