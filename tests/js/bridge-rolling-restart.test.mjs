// A rolling restart behind nginx (docs/bridge.md, "Rolling restarts"): two bridges, round robin;
// one is drained (its listener closes at once, its sessions get drainMs to finish) and started
// again on its port, while the sessions on the other keep fetching. What a user would check: no
// session on the other bridge fails, sessions opened during the drain all work and all land on
// the other bridge, only sessions that were on the drained bridge end (with 4009), and the
// restarted bridge takes sessions again.
import { Pop3Client, WebSocketTransport } from '../../bindings/js/node.js';
import { startBridge } from '../harness/bridge.mjs';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { startNginx } from '../harness/nginx.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { sleep, waitFor } from '../harness/wait.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const pki = testPki();
const messages = fixtureMessages().slice(0, 4).map((f) => f.bytes);
const DRAIN_MS = 1500;
const FAIL_TIMEOUT_S = 1;  // nginx leaves a refusing instance alone this long
let dovecot;
let bridges;
let front;
let options;

beforeAll(async () => {
  dovecot = await startDovecot({ users: { rita: { password: 'rita-roll-pw', messages } }, tls: pki.server });
  options = { allow: [{ host: 'localhost', ports: [dovecot.pop3sPort], allowPrivate: true }], path: '/pop3', trustProxy: ['127.0.0.1'] };
  bridges = await Promise.all([startBridge(options), startBridge(options)]);
  front = await startNginx({ upstreams: bridges.map((b) => b.port), ...pki.server, failTimeoutS: FAIL_TIMEOUT_S });
});
afterAll(async () => {
  await front?.stop();
  await Promise.all((bridges ?? []).map((b) => b.stop()));
  await dovecot?.stop();
});

const connections = () => bridges.map((b) => b.bridge.metrics().connectionsTotal);

// Opens a logged-in POP3S session through nginx and tells which bridge took it.
async function open() {
  const before = connections();
  const transport = new WebSocketTransport({ bridge: `wss://localhost:${front.port}/pop3`, host: 'localhost', port: dovecot.pop3sPort, wsOptions: { ca: pki.caPem } });
  const client = await Pop3Client.connect({ transport, host: 'localhost', port: dovecot.pop3sPort, tls: 'implicit', ca: pki.caPem, timeoutMs: 10_000 });
  await client.login({ user: 'rita', password: 'rita-roll-pw', method: 'user' });
  const after = connections();
  const on = after.findIndex((n, i) => n > before[i]);
  return { client, on };
}

async function fetchAll(client) {
  for (let n = 1; n <= messages.length; n++) {
    const body = await client.retrieve(n);
    if (!Buffer.from(body).equals(toWire(messages[n - 1]))) throw new Error(`message ${n} differs`);
  }
}

// Keeps a session fetching every message until `stop()`; resolves to {rounds, error}.
function keepFetching(client) {
  let stopped = false;
  const done = (async () => {
    let rounds = 0;
    try {
      while (!stopped) {
        await fetchAll(client);
        rounds++;
        await sleep(20);
      }
      await client.quit();
      return { rounds, error: null };
    } catch (error) {
      return { rounds, error };
    }
  })();
  return { stop: () => ((stopped = true), done), done };
}

test('drain one bridge and restart it: the other bridge\'s sessions never notice, new sessions go to the other one', async () => {
  // Sessions spread over both bridges (sequential opens: round robin alternates).
  const sessions = [];
  for (let i = 0; i < 6; i++) sessions.push(await open());
  const onDrained = sessions.filter((s) => s.on === 0);
  const onOther = sessions.filter((s) => s.on === 1);
  expect(onDrained.length).toBeGreaterThan(0);
  expect(onOther.length).toBeGreaterThan(0);
  const loops = sessions.map((s) => ({ ...s, loop: keepFetching(s.client) }));

  // Drain bridge 0. Its listener closes at once: nginx's connections to it are refused and
  // retried on bridge 1.
  const drainedPort = bridges[0].port;
  const closed = bridges[0].stop(DRAIN_MS);
  await sleep(100);
  const duringDrain = [];
  for (let i = 0; i < 3; i++) {
    const s = await open();
    duringDrain.push(s);
    await fetchAll(s.client);
  }
  expect(duringDrain.map((s) => s.on)).toEqual([1, 1, 1]);
  await closed;  // past drainMs: the sessions still on bridge 0 were closed with 4009

  // Bridge 0 back on its port; nginx tries it again after fail_timeout.
  bridges[0] = await startBridge(options, { port: drainedPort });
  await sleep(FAIL_TIMEOUT_S * 1000 + 200);
  const afterRestart = [];
  for (let i = 0; i < 4; i++) {
    const s = await open();
    afterRestart.push(s);
    await fetchAll(s.client);
  }
  expect(afterRestart.some((s) => s.on === 0)).toBe(true);
  expect(afterRestart.some((s) => s.on === 1)).toBe(true);

  // Every session that was on bridge 1 fetched throughout and quits cleanly now.
  const results = await Promise.all(loops.map((s) => s.loop.stop().then((r) => ({ ...r, on: s.on }))));
  for (const r of results.filter((r) => r.on === 1)) {
    expect(r.error).toBeNull();
    expect(r.rounds).toBeGreaterThan(3);
  }
  // Those on the drained bridge ended with its shutdown close (4009), nothing else.
  for (const r of results.filter((r) => r.on === 0)) {
    expect(r.error?.message).toMatch(/close code 4009/);
  }
  for (const s of [...duringDrain, ...afterRestart]) await s.client.quit();
  await waitFor(() => bridges.every((b) => b.bridge.metrics().connectionsActive === 0), 5000);
}, 60_000);
