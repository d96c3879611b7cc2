// Concurrent idle sessions through the bridge CLI (a child process, so that its memory is its
// own), each relaying to a TCP server of the test's own; the bridge's resident memory per session
// is read from its /metrics and printed. 1,000 sessions here; `npm run soak:bridge` runs 5,000
// (BRIDGE_SCALE_SESSIONS), after raising the descriptor limit to its hard maximum.
import { readFileSync } from 'node:fs';

import { openWs, startBridgeCli, startTcpServer } from '../harness/bridge.mjs';
import { waitFor as waitUntil } from '../harness/wait.mjs';

const SESSIONS = Number(process.env.BRIDGE_SCALE_SESSIONS ?? 1000);
// This process holds two descriptors per session (its WebSocket and the echo server's end), and
// so does the bridge (which inherits the limit); plus some for everything else.
const DESCRIPTORS_NEEDED = 2 * SESSIONS + 200;
const descriptorLimit = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? Infinity);
let echo;
let cli;

beforeAll(async () => {
  echo = await startTcpServer((socket) => socket.on('data', (d) => socket.write(d)));
  cli = await startBridgeCli([
    '--allow-private', `127.0.0.1:${echo.port}`, '--max-sessions', String(SESSIONS + 10), '--max-sessions-per-ip', String(SESSIONS + 10),
  ]);
});
afterAll(async () => {
  await cli?.stop();
  await echo?.stop();
});

const waitFor = (condition, what) => waitUntil(condition, 20_000 + SESSIONS * 10, what);

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

test(`${SESSIONS} concurrent idle sessions are held, each still relaying; memory per session is reported`, async () => {
  if (descriptorLimit < DESCRIPTORS_NEEDED) {
    throw new Error(`${SESSIONS} sessions need ${DESCRIPTORS_NEEDED} descriptors, the limit is ${descriptorLimit}: raise it (ulimit -n ${DESCRIPTORS_NEEDED})`);
  }
  const target = `127.0.0.1:${echo.port}`;
  // Warm up (code paths compiled, buffers pooled) before the baseline.
  const warm = await openWs(cli.url, { target });
  warm.ws.send(Buffer.from('warm'));
  await waitFor(() => warm.received.length > 0, 'warm-up echo');
  warm.ws.close(1000);
  await warm.closed;
  const before = await cli.metrics();

  const started = Date.now();
  const clients = [];
  for (let i = 0; i < SESSIONS; i += 100) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(100, SESSIONS - i) }, () => openWs(cli.url, { target })))));
  }
  await waitFor(async () => (await cli.metrics()).pop3_bridge_sessions_active === SESSIONS, `${SESSIONS} sessions active`);
  const openSeconds = (Date.now() - started) / 1000;
  expect(echo.sockets.size).toBe(SESSIONS);

  // Every 50th session still carries bytes both ways.
  const sample = clients.filter((_, i) => i % 50 === 0);
  sample.forEach((c, i) => c.ws.send(Buffer.from(`ping ${i}`)));
  await waitFor(() => sample.every((c) => c.received.length > 0), 'echo on every 50th session');
  sample.forEach((c, i) => expect(Buffer.concat(c.received).toString()).toBe(`ping ${i}`));

  const during = await cli.metrics();
  const rss = during.process_resident_memory_bytes - before.process_resident_memory_bytes;
  const heap = during.nodejs_heap_used_bytes - before.nodejs_heap_used_bytes;
  const external = during.nodejs_external_memory_bytes - before.nodejs_external_memory_bytes;
  console.log(
    `${SESSIONS} idle sessions opened in ${openSeconds.toFixed(1)} s; bridge RSS ${mib(before.process_resident_memory_bytes)} -> ` +
      `${mib(during.process_resident_memory_bytes)} (+${kib(rss / SESSIONS)} per session; V8 heap +${kib(heap / SESSIONS)}, ` +
      `external +${kib(external / SESSIONS)} per session)`,
  );
  expect(during.pop3_bridge_connections_active).toBe(SESSIONS);
  expect(rss / SESSIONS).toBeLessThan(100 * 1024);

  for (const c of clients) c.ws.close(1000);
  await Promise.all(clients.map((c) => c.closed));
  await waitFor(async () => (await cli.metrics()).pop3_bridge_connections_active === 0, 'all connections closed');
  await waitFor(() => echo.sockets.size === 0, 'all target connections closed');
  const after = await cli.metrics();
  expect(after['pop3_bridge_closes_total{code="1000"}']).toBe(SESSIONS + 1);
  expect(after.pop3_bridge_sessions_total).toBe(SESSIONS + 1);
}, 60_000 + SESSIONS * 40);
