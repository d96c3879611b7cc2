// The deployment docs/bridge.md recommends: Debian's nginx terminating TLS (wss://) in front of
// two bridge instances, round robin. POP3S sessions succeed through either instance, refusals
// keep their close codes through the proxy, and each instance counts its own sessions.
import { Pop3Client } from '../../bindings/js/node.js';
import { WebSocketTransport } from '../../bindings/js/node.js';
import { openWs, startBridge } from '../harness/bridge.mjs';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { startNginx } from '../harness/nginx.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const pki = testPki();
const messages = fixtureMessages().map((f) => f.bytes);
let dovecot;
let bridges;
let front;

beforeAll(async () => {
  dovecot = await startDovecot({ users: { nina: { password: 'nina-nginx-pw', messages } }, tls: pki.server });
  const options = {
    allow: [{ host: 'localhost', ports: [dovecot.pop3sPort], allowPrivate: true }],
    path: '/pop3',
    trustProxy: ['127.0.0.1'],  // nginx: its X-Forwarded-For names the client
  };
  bridges = await Promise.all([startBridge(options), startBridge(options)]);
  front = await startNginx({ upstreams: bridges.map((b) => b.port), ...pki.server });
});
afterAll(async () => {
  await front?.stop();
  await Promise.all((bridges ?? []).map((b) => b.stop()));
  await dovecot?.stop();
});

const bridgeUrl = () => `wss://localhost:${front.port}/pop3`;

async function session(i) {
  const transport = new WebSocketTransport({
    bridge: bridgeUrl(), host: 'localhost', port: dovecot.pop3sPort,
    // A client-sent X-Forwarded-For must not become the client's address: nginx replaces it.
    wsOptions: { ca: pki.caPem, headers: { 'x-forwarded-for': `203.0.113.${i}` } },
  });
  const client = await Pop3Client.connect({ transport, host: 'localhost', port: dovecot.pop3sPort, tls: 'implicit', ca: pki.caPem, timeoutMs: 10_000 });
  expect(client.tls.engine).toBe('wasm');
  await client.login({ user: 'nina', password: 'nina-nginx-pw', method: 'user' });
  const list = await client.list();
  const bodies = await Promise.all(list.map((m) => client.retrieve(m.number)));
  bodies.forEach((b, n) => expect(Buffer.from(b).equals(toWire(messages[n]))).toBe(true));
  await client.quit();
}

test('POP3S sessions through nginx (wss) reach both bridge instances in turn', async () => {
  for (let i = 1; i <= 4; i++) await session(i);
  await Promise.all(bridges.map((b) => b.sessionsEnded(2)));
  for (const b of bridges) {
    const m = b.bridge.metrics();
    expect(m.sessionsTotal).toBe(2);
    expect(m.bytesTargetToClient).toBeGreaterThan(0);
    for (const record of b.sessions()) {
      expect(record).toMatchObject({ client: '127.0.0.1', target: `localhost:${dovecot.pop3sPort}`, address: '127.0.0.1' });
    }
  }
  // Each instance's /metrics says the same.
  for (const b of bridges) {
    const text = await (await fetch(`${b.metricsBase}/metrics`)).text();
    expect(text).toMatch(/^pop3_bridge_sessions_total 2$/m);
  }
});

test('a refusal keeps its close code and reason through nginx', async () => {
  const { closed } = await openWs(bridgeUrl(), { target: 'pop.evil.example:995', wsOptions: { ca: pki.caPem } });
  expect(await closed).toEqual({ code: 4001, reason: 'target not allowed: pop.evil.example:995' });
});

test('nginx exposes only the WebSocket path (no /metrics from outside)', async () => {
  const { request } = await import('node:https');
  const status = await new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: front.port, path: '/metrics', servername: 'localhost', ca: pki.caPem }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject).end();
  });
  expect(status).toBe(404);
});
