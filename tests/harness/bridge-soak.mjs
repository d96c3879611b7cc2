// `npm run soak:bridge`: the attacks of the bridge's hardening (docs/bridge.md, "Abuse
// handling") at full scale, each against a bridge in a process of its own, then a long run of
// mixed traffic: real POP3 sessions to Dovecot through the bridge while abusive clients keep
// at it. During every attack, clients from fresh networks log in to Dovecot through the bridge
// (USER/PASS) and each must be done within a second. Prints a summary; exits 1 if any check
// failed. The quick versions of these attacks are in npm test (bridge-hardening, bridge-abuse).
//
//   node tests/harness/bridge-soak.mjs            (SOAK_MIXED_SECONDS=120 for the mixed run)
import { Pop3Client, WebSocketTransport } from '../../bindings/js/node.js';
import { fixtureMessages } from '../fixtures/messages.mjs';
import { startBridgeProcess } from './bridge-process.mjs';
import { startBridge, startTcpServer } from './bridge.mjs';
import { startDovecot, toWire } from './dovecot.mjs';
import { frame, rawConnect, rawWebSocket } from './raw-clients.mjs';
import { sleep, waitFor } from './wait.mjs';

const MiB = 1024 * 1024;
const mib = (n) => `${(n / MiB).toFixed(1)} MiB`;
const MIXED_SECONDS = Number(process.env.SOAK_MIXED_SECONDS ?? 60);
const LOGIN_LIMIT_MS = 1000;

const messages = fixtureMessages().slice(0, 5).map((f) => f.bytes);
const results = [];  // {attack, checks: [{what, ok}], figures}
let freshNetwork = 0;

// A client from a network of its own (127.200-254.x.1): connect through the bridge, USER/PASS.
async function login(url, dovecot) {
  const n = freshNetwork++;
  const localAddress = `127.${200 + (n >> 8) % 55}.${n % 256}.1`;
  const started = Date.now();
  const transport = new WebSocketTransport({ bridge: url, host: '127.0.0.1', port: dovecot.port, wsOptions: { localAddress } });
  const client = await Pop3Client.connect({ transport, host: '127.0.0.1', port: dovecot.port, tls: 'none', allowInsecureAuth: true, timeoutMs: 10_000 });
  await client.login({ user: 'soak', password: 'soak-pw', method: 'user' });
  const ms = Date.now() - started;
  await client.quit();
  return ms;
}

// `count` logins, one every `everyMs`, while an attack runs; their times (a failure counts as Infinity).
async function loginsDuring(url, dovecot, count, everyMs) {
  const times = [];
  for (let i = 0; i < count; i++) {
    times.push(await login(url, dovecot).catch(() => Infinity));
    await sleep(everyMs);
  }
  return times;
}

// Writes `burst`; when the socket's buffer is full, waits for 'drain' (at most 200 ms).
async function pump(socket, burst) {
  if (socket.write(burst)) return new Promise((r) => setImmediate(r));
  let onDrain;
  await Promise.race([new Promise((r) => socket.once('drain', (onDrain = r))), sleep(200)]);
  socket.removeListener('drain', onDrain);
  return undefined;
}

function record(attack, figures, checks) {
  results.push({ attack, figures, checks });
  console.log(`\n${attack}\n  ${figures}`);
  for (const c of checks) console.log(`  ${c.ok ? 'ok    ' : 'FAILED'} ${c.what}`);
}

const loginCheck = (times) => ({
  what: `${times.length} logins from fresh networks, each within ${LOGIN_LIMIT_MS} ms (slowest ${Math.max(...times)} ms)`,
  ok: times.every((t) => t < LOGIN_LIMIT_MS),
});

// 1. Early bytes: 200 sessions to a target slow to connect, each sending 4 KiB messages padded
// with pongs into 64 KiB reads. Before the fix: 963 MB RSS, 7.7 MiB per session uncounted.
// Twice: with the rate limits off, until every session holds its high-water mark (what is held
// must be what is counted); with the defaults, for 10 s, which throttle the pongs and messages
// (logins from elsewhere must stay fast).
async function earlyBytes(echo, dovecot, { rateLimits }) {
  const sessions = 200;
  const highWaterMark = 512 * 1024;
  const noRateLimits = { maxMessagesPerSecond: 0, maxBytesPerSecond: 0, maxMessagesPerSecondPerIp: 0, maxBytesPerSecondPerIp: 0 };
  const bridge = await startBridgeProcess(
    {
      allowPrivate: [`slow.test:${echo.port}`, `127.0.0.1:${dovecot.port}`], maxSessionsPerIp: sessions, maxSessionsPerPrefix: sessions, pingIntervalMs: 0, connectTimeoutMs: 120_000,
      ...(rateLimits ? {} : noRateLimits),
    },
    { lookupDelayMs: 120_000 },
  );
  const clients = [];
  try {
    const baseline = await bridge.measure();
    const message = frame(2, Buffer.alloc(4096, 0x41));
    const pong = frame(10, Buffer.alloc(125));
    const read = Buffer.concat([message, ...Array.from({ length: Math.floor((65536 - message.length) / pong.length) }, () => pong)]);
    for (let i = 0; i < sessions; i++) clients.push((await rawWebSocket(bridge.port, { target: `slow.test:${echo.port}`, localAddress: '127.0.0.2' })).socket);
    for (const socket of clients) for (let i = 0; i < highWaterMark / 4096 + 8; i++) socket.write(read);
    let times = [];
    if (rateLimits) {
      times = await loginsDuring(bridge.url, dovecot, 10, 1000);
    } else {
      await waitFor(async () => (await bridge.measure()).metrics.bufferedBytes >= sessions * highWaterMark * 0.95, 120_000, 'sessions at their mark');
    }
    const held = await bridge.measure();
    const retained = held.memory.arrayBuffers - baseline.memory.arrayBuffers;
    record(`early bytes: 200 sessions x 4 KiB messages padded with pongs, target slow to connect, rate limits ${rateLimits ? 'default' : 'off'}`,
      `pop3_bridge_buffered_bytes ${mib(held.metrics.bufferedBytes)}, buffers retained ${mib(retained)}, RSS ${mib(baseline.memory.rss)} -> ${mib(held.memory.rss)} (963 MB before the fix)`, [
        // Plus what ws has read ahead of a paused WebSocket (one 64 KiB read past its 16 KiB
        // readable buffer, a partial frame keeping one more read), which counts too (ws-held.js).
        { what: 'each session holds at most its high-water mark plus one message and ws\'s read-ahead', ok: held.metrics.bufferedBytes <= sessions * (highWaterMark + 20 * 1024 + 16 * 1024 + 2 * 65536) },
        { what: 'the buffers retained are what the metric says', ok: retained < held.metrics.bufferedBytes * 1.25 + 4 * 1024 * 1024 },
        ...(rateLimits ? [loginCheck(times)] : []),
      ]);
  } finally {
    for (const socket of clients) socket.destroy();
    await bridge.stop();
  }
}

// 2. 1-byte frames as fast as possible from 10 sessions of one address, for 10 s.
async function tinyFrames(dovecot) {
  let relayed = 0;
  const sink = await startTcpServer((socket) => socket.on('data', (d) => (relayed += d.length)));
  const bridge = await startBridgeProcess({ allowPrivate: [`127.0.0.1:${sink.port}`, `127.0.0.1:${dovecot.port}`], pingIntervalMs: 0 });
  const floods = [];
  let stop = false;
  try {
    const burst = Buffer.concat(Array.from({ length: 4096 }, () => frame(2, Buffer.from('m'))));
    for (let i = 0; i < 10; i++) floods.push((await rawWebSocket(bridge.port, { target: `127.0.0.1:${sink.port}`, localAddress: '127.0.0.2' })).socket);
    let offered = 0;
    const started = Date.now();
    const pumps = floods.map(async (socket) => {
      while (!stop && !socket.destroyed) {
        offered += 4096;
        await pump(socket, burst);
      }
    });
    await sleep(1000);
    const times = await loginsDuring(bridge.url, dovecot, 10, 800);
    stop = true;
    await Promise.all(pumps);
    const seconds = (Date.now() - started) / 1000;
    const { metrics } = await bridge.measure();
    record('1-byte frames: 10 sessions of one address, as fast as they can', `${Math.round(offered / 1000)}k messages offered, ${Math.round(relayed / 1000)}k relayed in ${seconds.toFixed(1)} s (address limit 4,000/s), throttled ${metrics.throttled} times`, [
      { what: 'relayed at most the address rate (plus the reads under way when reading stopped)', ok: relayed < 4000 * (1 + seconds) + 10 * 65536 / 7 * 2 },
      loginCheck(times),
    ]);
  } finally {
    stop = true;
    for (const socket of floods) socket.destroy();
    await bridge.stop();
    await sink.stop();
  }
}

// 3. 50 addresses (of 50 networks: the hardest case for per-network limits) x 20 connections
// that never send their request: the pending total (1,000) is full the whole time.
async function halfOpen(dovecot) {
  const bridge = await startBridgeProcess({ allowPrivate: [`127.0.0.1:${dovecot.port}`], headersTimeoutMs: 60_000 });
  const silent = [];
  try {
    for (let a = 0; a < 50; a++) {
      for (let i = 0; i < 20; i++) silent.push(await rawConnect(bridge.port, { localAddress: `127.${100 + a}.0.1` }).catch(() => null));
    }
    await waitFor(async () => (await bridge.measure()).metrics.pendingConnections >= 990, 20_000, 'pending total full');
    const times = await loginsDuring(bridge.url, dovecot, 30, 200);
    const { metrics } = await bridge.measure();
    record('half-open: 50 addresses x 20 connections that never send their request', `pending ${metrics.pendingConnections}, evicted for newcomers ${metrics.rejectedConnections.pending_evicted} (28 of 30 logins failed before the fix)`, [
      loginCheck(times),
    ]);
  } finally {
    for (const s of silent) s?.destroy();
    await bridge.stop();
  }
}

// 4. 120 addresses (of 120 networks) x 10 idle sessions: more than maxSessions (1,000).
async function idleSessions(echo, dovecot) {
  const bridge = await startBridgeProcess({ allowPrivate: [`127.0.0.1:${echo.port}`, `127.0.0.1:${dovecot.port}`], pingIntervalMs: 0 });
  const held = [];
  try {
    for (let a = 0; a < 120; a++) {
      const batch = Array.from({ length: 10 }, () => rawWebSocket(bridge.port, { target: `127.0.0.1:${echo.port}`, localAddress: `127.${100 + (a % 100)}.${1 + Math.floor(a / 100)}.1` }).catch(() => null));
      held.push(...(await Promise.all(batch)));
    }
    await waitFor(async () => (await bridge.measure()).metrics.sessionsActive >= 990, 20_000, 'sessions full');
    const times = await loginsDuring(bridge.url, dovecot, 30, 100);
    const { metrics } = await bridge.measure();
    record('idle sessions: 120 addresses x 10', `sessions ${metrics.sessionsActive} of 1,000, refusals ${JSON.stringify(metrics.refusals)}`, [
      { what: 'the bridge stays at its session limit', ok: metrics.sessionsActive <= 1000 },
      loginCheck(times),
    ]);
  } finally {
    for (const h of held) h?.socket.destroy();
    await bridge.stop();
  }
}

// 5. Probing for /metrics and /healthz on the public listener.
async function metricsProbing(dovecot) {
  const bridge = await startBridge({ allowPrivate: [`127.0.0.1:${dovecot.port}`], path: '/pop3' });
  try {
    const probes = [];
    for (const path of ['/metrics', '/healthz', '/pop3/../metrics', '/METRICS', '/metrics?x=1', '//metrics', '/pop3?target=x/metrics']) {
      for (const host of ['localhost', '127.0.0.1', 'internal', '']) {
        const response = await fetch(`http://127.0.0.1:${bridge.port}${path}`, { headers: host ? { host } : {} }).catch(() => null);
        const text = response ? await response.text() : '';
        probes.push({ path, status: response?.status, leaks: /pop3_bridge_|"sessions"/.test(text) });
      }
    }
    const internal = await fetch(`${bridge.metricsBase}/metrics`);
    record('metrics probing on the public listener', `${probes.length} probes, statuses ${JSON.stringify([...new Set(probes.map((p) => p.status))])}`, [
      { what: 'no probe gets metrics or health figures', ok: probes.every((p) => !p.leaks) },
      { what: 'the metrics listener answers', ok: internal.status === 200 && /pop3_bridge_sessions_total/.test(await internal.text()) },
    ]);
  } finally {
    await bridge.stop();
  }
}

// 6. Mixed traffic for MIXED_SECONDS: 6 POP3 clients in a loop (connect, login, LIST, RETR all,
// check every byte, QUIT) while 4 tiny-frame flooders, a churn of half-open connections and
// sessions opened and dropped without a close keep at it.
async function mixed(echo, dovecot) {
  // Pings every 5 s: a flooder that disconnects while its session is throttled is noticed by
  // the unanswered ping (its socket is not being read; docs/bridge.md, "Abuse handling").
  const bridge = await startBridgeProcess({ allowPrivate: [`127.0.0.1:${echo.port}`, `127.0.0.1:${dovecot.port}`], headersTimeoutMs: 2000, pingIntervalMs: 5000 });
  let stop = false;
  const stats = { sessions: 0, failures: [], bytes: 0, floods: 0, halfOpen: 0, dropped: 0 };
  try {
    const baseline = await bridge.measure();
    const deadline = Date.now() + MIXED_SECONDS * 1000;
    const worker = async (w) => {
      while (Date.now() < deadline) {
        try {
          const transport = new WebSocketTransport({ bridge: bridge.url, host: '127.0.0.1', port: dovecot.port, wsOptions: { localAddress: `127.60.${w}.1` } });
          const client = await Pop3Client.connect({ transport, host: '127.0.0.1', port: dovecot.port, tls: 'none', allowInsecureAuth: true, timeoutMs: 10_000 });
          await client.login({ user: 'soak', password: 'soak-pw', method: 'user' });
          const list = await client.list();
          const bodies = await Promise.all(list.map((m) => client.retrieve(m.number)));
          bodies.forEach((b, i) => {
            if (!Buffer.from(b).equals(toWire(messages[i]))) throw new Error(`message ${i + 1} differs`);
            stats.bytes += b.length;
          });
          await client.quit();
          stats.sessions++;
        } catch (err) {
          stats.failures.push(err.message);
        }
      }
    };
    const flooder = async (f) => {
      const burst = Buffer.concat(Array.from({ length: 4096 }, () => frame(2, Buffer.from('m'))));
      while (!stop) {
        const { socket } = await rawWebSocket(bridge.port, { target: `127.0.0.1:${echo.port}`, localAddress: `127.70.${f}.1` }).catch(() => ({ socket: null }));
        if (!socket) continue;
        stats.floods++;
        const until = Date.now() + 3000;
        while (!stop && !socket.destroyed && Date.now() < until) {
          await pump(socket, burst);
        }
        socket.destroy();
      }
    };
    const churn = async () => {
      while (!stop) {
        const silent = await Promise.all(Array.from({ length: 20 }, (_, i) => rawConnect(bridge.port, { localAddress: `127.80.${i}.1` }).catch(() => null)));
        stats.halfOpen += silent.length;
        const session = await rawWebSocket(bridge.port, { target: `127.0.0.1:${echo.port}`, localAddress: '127.81.0.1' }).catch(() => null);
        if (session) {
          session.socket.destroy();  // gone without a close frame
          stats.dropped++;
        }
        await sleep(500);
        for (const s of silent) s?.destroy();
      }
    };
    const abusers = [flooder(0), flooder(1), flooder(2), flooder(3), churn()];
    const logins = (async () => {
      const times = [];
      while (Date.now() < deadline) {
        times.push(await login(bridge.url, dovecot).catch(() => Infinity));
        await sleep(2000);
      }
      return times;
    })();
    await Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
    const times = await logins;
    stop = true;
    await Promise.all(abusers);
    await waitFor(async () => (await bridge.measure()).metrics.connectionsActive === 0, 30_000, 'all sessions gone');
    const after = await bridge.measure();
    record(`mixed traffic for ${MIXED_SECONDS} s: 6 POP3 clients in a loop, 4 tiny-frame flooders, half-open churn, sessions dropped without a close`,
      `${stats.sessions} POP3 sessions (${mib(stats.bytes)} checked byte for byte), ${stats.failures.length} failed; ${stats.floods} flood sessions, ` +
        `${stats.halfOpen} half-open connections, ${stats.dropped} dropped sessions; bridge RSS ${mib(baseline.memory.rss)} -> ${mib(after.memory.rss)}, ` +
        `heap ${mib(baseline.memory.heapUsed)} -> ${mib(after.memory.heapUsed)}, descriptors ${baseline.fds} -> ${after.fds}, peak buffered per session ${mib(after.metrics.peakBufferedBytes)}`, [
        { what: `no POP3 session failed${stats.failures.length ? ` (${[...new Set(stats.failures)].slice(0, 3).join('; ')})` : ''}`, ok: stats.failures.length === 0 && stats.sessions > 0 },
        { what: 'descriptors back to where they were', ok: after.fds === baseline.fds },
        { what: 'heap within 8 MiB of where it was', ok: after.memory.heapUsed - baseline.memory.heapUsed < 8 * MiB },
        loginCheck(times),
      ]);
  } finally {
    stop = true;
    await bridge.stop();
  }
}

const echo = await startTcpServer((socket) => socket.on('data', (d) => socket.write(d)));
const dovecot = await startDovecot({ users: { soak: { password: 'soak-pw', messages } } });
const started = Date.now();
try {
  await earlyBytes(echo, dovecot, { rateLimits: false });
  await earlyBytes(echo, dovecot, { rateLimits: true });
  await tinyFrames(dovecot);
  await halfOpen(dovecot);
  await idleSessions(echo, dovecot);
  await metricsProbing(dovecot);
  await mixed(echo, dovecot);
} finally {
  await dovecot.stop();
  await echo.stop();
}
const failed = results.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${r.attack}: ${c.what}`));
console.log(`\nbridge soak: ${results.length} runs, ${results.reduce((n, r) => n + r.checks.length, 0)} checks, ${failed.length} failed, ${((Date.now() - started) / 1000).toFixed(0)} s`);
for (const f of failed) console.log(`  FAILED ${f}`);
process.exit(failed.length ? 1 : 0);
