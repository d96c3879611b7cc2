// Latency of a whole short session, connect + login (USER/PASS) + STAT + QUIT, against Dovecot on
// loopback: ours (Node direct, the lite module since no TLS runs in WASM), node-pop3 and
// Python's poplib, each repeated in one process (warm) and reported as the median.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import Pop3Command from 'node-pop3';

import { Pop3Client } from '../../bindings/js/node.js';
import { startDovecot } from '../../tests/harness/dovecot.mjs';

const run = promisify(execFile);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function ours({ host, port, user, password }) {
  const start = performance.now();
  const client = await Pop3Client.connect({ host, port, tls: 'none', allowInsecureAuth: true });
  await client.login({ user, password, method: 'user' });
  const stat = await client.stat();
  await client.quit();
  return { ms: performance.now() - start, count: stat.count };
}

async function nodePop3({ host, port, user, password }) {
  const start = performance.now();
  const pop3 = new Pop3Command({ host, port, user, password });
  const info = await pop3.STAT();  // connects and logs in first
  await pop3.QUIT();
  return { ms: performance.now() - start, count: Number(String(info).trim().split(' ')[0]) };
}

const POPLIB = `
import poplib, sys, time, json
host, port, user, password, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
times = []
for _ in range(rounds):
    start = time.perf_counter()
    p = poplib.POP3(host, port, timeout=30)
    p.user(user); p.pass_(password)
    count, _ = p.stat()
    p.quit()
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"times": times, "count": count}))
`;

export async function loginLatencyBenchmark({ rounds = 50 } = {}) {
  const user = 'bench';
  const password = 'bench-pw';
  const messages = [Buffer.from('Subject: one\r\n\r\nbody\r\n'), Buffer.from('Subject: two\r\n\r\nbody\r\n')];
  const dovecot = await startDovecot({ users: { [user]: { password, messages } } });
  const target = { host: dovecot.host, port: dovecot.port, user, password };
  try {
    const clients = { ours, 'node-pop3': nodePop3 };
    const times = Object.fromEntries(Object.keys(clients).map((name) => [name, []]));
    for (const once of Object.values(clients)) await once(target);  // warm-up: module load, first connection
    // Rounds alternate between the clients, so that a busy spell on the machine hits both.
    for (let i = 0; i < rounds; i++) {
      for (const [name, once] of Object.entries(clients)) {
        const r = await once(target);
        if (r.count !== messages.length) throw new Error(`${name} saw ${r.count} messages, expected ${messages.length}`);
        times[name].push(r.ms);
      }
    }
    const results = Object.fromEntries(Object.entries(times).map(([name, t]) => [name, { ms: median(t) }]));
    const { stdout } = await run('python3', ['-c', POPLIB, target.host, String(target.port), user, password, String(rounds + 1)]);
    const py = JSON.parse(stdout);
    if (py.count !== messages.length) throw new Error(`poplib saw ${py.count} messages`);
    results.poplib = { ms: median(py.times.slice(1)) };
    return { rounds, results };
  } finally {
    await dovecot.stop();
  }
}
