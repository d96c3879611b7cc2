// Sync into a Maildir, no added latency: `syncAccount()` with the MaildirStore (what
// `pop3-wasm fetch --keep` runs) against two peers in one run, per mailbox size:
//   python  bench/python/maildir_sync.py: poplib + mailbox.Maildir + an append-only UID log,
//           one fsync per message and per log record;
//   raw     our pipelined fetch alone (client.messages(), nothing stored): the floor.
// Each size gets its own Dovecot holding `count` messages of about `size` bytes; every client
// syncs into a fresh Maildir under /dev/shm (tmpfs) where there is one, so the figures measure
// the bookkeeping and system calls rather than a disk. With `rounds`, the three take turns that
// many times and each figure is the median of its rounds (a burst of load on a shared machine
// then hits one round, not the verdict); the range is kept beside it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Pop3Client, syncAccount } from '../../bindings/js/node.js';
import { MaildirStore } from '../../bindings/js/stores/maildir-store.js';
import { startDovecot } from '../../tests/harness/dovecot.mjs';
import { formatGoals, syncGoals } from '../goals.mjs';

const run = promisify(execFile);
const PYTHON_PEER = fileURLToPath(new URL('../python/maildir_sync.py', import.meta.url));
const USER = 'bench';
const PASSWORD = 'pw';

/** `count` distinct messages of `size` bytes each (LF line ends, as Dovecot stores them). */
function messages(count, size) {
  const body = `${'All work and no play makes a dull benchmark.\n'.repeat(Math.ceil(size / 45))}`;
  return Array.from({ length: count }, (_, i) => {
    const head = `From: sender${i % 97}@example.org\nTo: bench@example.com\nSubject: message ${i + 1}\n` +
      `Message-ID: <sync-${i + 1}@example.org>\n\n`;
    return Buffer.from(head + body.slice(0, Math.max(size - head.length, 1)));
  });
}

const connectOptions = (server) => ({ host: server.host, port: server.port, tls: 'none', allowInsecureAuth: true, timeoutMs: 600_000 });

async function raw(server) {
  const start = performance.now();
  const client = await Pop3Client.connect(connectOptions(server));
  await client.login({ user: USER, password: PASSWORD, method: 'user' });
  let count = 0;
  for await (const message of client.messages()) count += message.bytes.length > 0 ? 1 : 0;
  await client.quit();
  return { seconds: (performance.now() - start) / 1000, count };
}

async function ours(server, dir) {
  const start = performance.now();
  const store = await MaildirStore.open(dir);
  try {
    const result = await syncAccount(connectOptions(server), { user: USER, password: PASSWORD, method: 'user' }, store, { retention: 'keep' });
    return { seconds: (performance.now() - start) / 1000, count: result.fetched };
  } finally {
    await store.close();
  }
}

async function python(server, dir) {
  const { stdout } = await run('python3', [PYTHON_PEER, server.host, String(server.port), USER, PASSWORD, dir], { timeout: 3_600_000 });
  const [seconds, count] = stdout.trim().split(' ').map(Number);
  return { seconds, count };
}

/** Seconds of each round -> the median, with the range and the rounds themselves. */
function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const seconds = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { seconds, min: sorted[0], max: sorted.at(-1), rounds: samples };
}

/**
 * @param {{ counts: number[], size?: number, rounds?: number }} options
 * @returns {Promise<{ size: number, rounds: number, runs: { count: number, ours: object, python: object, raw: object }[] }>}
 */
export async function syncMaildirBenchmark({ counts, size = 1024, rounds = 1 }) {
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const clients = { raw, ours, python };
  const runs = [];
  for (const count of counts) {
    const server = await startDovecot({ users: { [USER]: { password: PASSWORD, messages: messages(count, size) } } });
    const work = await mkdtemp(path.join(base, 'pop3-wasm-sync-bench-'));
    try {
      await raw(server);  // warms Dovecot's index, so that no client pays for building it
      const samples = { raw: [], ours: [], python: [] };
      for (let round = 0; round < rounds; round++) {
        for (const [name, client] of Object.entries(clients)) {
          const dir = path.join(work, name);
          const r = await client(server, dir);
          if (r.count !== count) throw new Error(`sync bench: ${name} fetched ${r.count} of ${count} messages`);
          samples[name].push(r.seconds);
          await rm(dir, { recursive: true, force: true });
        }
      }
      runs.push({ count, raw: summary(samples.raw), ours: summary(samples.ours), python: summary(samples.python) });
    } finally {
      await rm(work, { recursive: true, force: true });
      await server.stop();
    }
  }
  return { size, rounds, runs };
}

// Run alone: node bench/js/sync-maildir.mjs 2000 10000 [--rounds 3]: the medians, their ranges
// and the goals (bench/goals.mjs).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--rounds');
  const rounds = at < 0 ? 1 : Number(args.splice(at, 2)[1]);
  const counts = args.map(Number);
  const result = await syncMaildirBenchmark({ counts: counts.length ? counts : [2000], rounds });
  const figure = (r) => `${r.seconds.toFixed(2)} s (${r.min.toFixed(2)}-${r.max.toFixed(2)})`;
  console.log(`median of ${rounds} round(s), range in brackets:`);
  for (const r of result.runs) {
    console.log(`  ${r.count} x ${result.size} B: ours ${figure(r.ours)}, python ${figure(r.python)}, raw ${figure(r.raw)}`);
  }
  console.log(formatGoals(syncGoals(result), { quick: false }));
}
