// RETR of every message of a maildrop of 2,000 x 4 KB from Dovecot, through a proxy that adds
// `delayMs` each way, by pop3-wasm (pipelined: Promise.all over retrieve(), and the for-await
// loop over messages()), node-pop3, poplib (npm), Python's poplib and curl, in one run. Each peer
// fetches every message and is checked for the count and the bytes.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import Pop3Command from 'node-pop3';
import NpmPoplib from 'poplib';

import { Pop3Client } from '../../bindings/js/node.js';
import { startMaildropServer } from './maildrop.mjs';

const run = promisify(execFile);

/** The peers each run measures besides ours, by their key in the results. */
export const RETR_PEERS = ['node-pop3', 'npm poplib', 'poplib', 'curl'];

async function ours({ host, port, user, password }) {
  const start = performance.now();
  const client = await Pop3Client.connect({ host, port, tls: 'none', allowInsecureAuth: true, timeoutMs: 120_000 });
  await client.login({ user, password, method: 'user' });
  const list = await client.list();
  const bodies = await Promise.all(list.map((m) => client.retrieve(m.number)));
  await client.quit();
  return { seconds: (performance.now() - start) / 1000, bytes: bodies.reduce((n, b) => n + b.length, 0), count: bodies.length };
}

// The natural loop, `for await` over client.messages(): pipelined within its window.
async function oursLoop({ host, port, user, password }) {
  const start = performance.now();
  const client = await Pop3Client.connect({ host, port, tls: 'none', allowInsecureAuth: true, timeoutMs: 120_000 });
  await client.login({ user, password, method: 'user' });
  let bytes = 0;
  let count = 0;
  for await (const message of client.messages()) {
    bytes += message.bytes.length;
    count += 1;
  }
  await client.quit();
  return { seconds: (performance.now() - start) / 1000, bytes, count };
}

async function nodePop3({ host, port, user, password, count }) {
  const start = performance.now();
  const pop3 = new Pop3Command({ host, port, user, password, timeout: 120_000 });
  let bytes = 0;
  for (let n = 1; n <= count; n++) {
    const text = await pop3.RETR(n);
    bytes += Buffer.byteLength(text, 'latin1');
  }
  await pop3.QUIT();
  return { seconds: (performance.now() - start) / 1000, bytes, count };
}

// poplib from npm: an event emitter that takes one command at a time, so each RETR is asked for
// from the previous one's event. It hands the message back still dot-stuffed, without its last
// CRLF.
function npmPoplib({ host, port, user, password, count }) {
  const start = performance.now();
  let bytes = 0;
  let fetched = 0;
  return new Promise((resolve, reject) => {
    const client = new NpmPoplib(port, host, { enabletls: false });
    const refused = (what, detail) => reject(new Error(`npm poplib: ${what} refused: ${String(detail).trim()}`));
    client.on('error', reject);
    client.on('connect', (ok, data) => (ok ? client.login(user, password) : refused('connect', data)));
    client.on('login', (ok, data) => (ok ? client.retr(1) : refused('login', data)));
    client.on('retr', (ok, number, text, raw) => {
      if (!ok) return refused(`RETR ${number}`, raw);
      bytes += text.length + 2;
      fetched += 1;
      if (number < count) client.retr(number + 1);
      else client.quit();
    });
    client.on('quit', () => resolve({ seconds: (performance.now() - start) / 1000, bytes, count: fetched }));
  });
}

const POPLIB = `
import poplib, sys, time
host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
start = time.perf_counter()
p = poplib.POP3(host, port, timeout=120)
p.user(user); p.pass_(password)
count, _ = p.stat()
total = 0
for n in range(1, count + 1):
    resp, lines, octets = p.retr(n)
    total += sum(len(l) + 2 for l in lines)
p.quit()
print(time.perf_counter() - start, total, count)
`;

async function poplib({ host, port, user, password }) {
  const { stdout } = await run('python3', ['-c', POPLIB, host, String(port), user, password], { timeout: 600_000 });
  const [seconds, bytes, count] = stdout.trim().split(' ').map(Number);
  return { seconds, bytes, count };
}

// curl, one process over one connection: URL globbing (pop3://host/[1-N]) sends one RETR per
// message, each answered before the next (curl does not pipeline), and writes each to a file of
// its own. The files are measured, not curl's %{size_download}, which leaves out part of a POP3
// body. The time is the whole process's, start-up included (a few ms).
async function curl({ host, port, user, password, count }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-retr-curl-'));
  try {
    const start = performance.now();
    await run('curl', ['-s', '-S', '--fail-early', '-u', `${user}:${password}`, '-o', path.join(dir, 'm#1'), `pop3://${host}:${port}/[1-${count}]`], {
      timeout: 600_000,
    });
    const seconds = (performance.now() - start) / 1000;
    const names = await readdir(dir);
    const sizes = await Promise.all(names.map(async (name) => (await stat(path.join(dir, name))).size));
    return { seconds, bytes: sizes.reduce((n, s) => n + s, 0), count: names.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function retrAllBenchmark({ count = 2000, delayMs = 10 } = {}) {
  const server = await startMaildropServer({ count, delayMs });
  const { target, expectedBytes } = server;
  try {
    const results = {
      ours: await ours(target),
      'ours-messages': await oursLoop(target),
      'node-pop3': await nodePop3(target),
      'npm poplib': await npmPoplib(target),
      poplib: await poplib(target),
      curl: await curl(target),
    };
    for (const [name, r] of Object.entries(results)) {
      if (r.count !== count) throw new Error(`${name} fetched ${r.count} of ${count} messages`);
      // The peers strip the final CRLF/terminator differently; allow a line end each.
      if (Math.abs(r.bytes - expectedBytes) > 2 * count) {
        throw new Error(`${name} fetched ${r.bytes} bytes, expected about ${expectedBytes}`);
      }
    }
    return { count, delayMs, rttMs: 2 * delayMs, expectedBytes, results };
  } finally {
    await server.stop();
  }
}
