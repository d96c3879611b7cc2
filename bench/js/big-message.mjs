// Large messages from Dovecot, each client a whole process so that its peak RSS is its own
// (Node direct, no TLS: the lite module): one huge message (100 MB by default) with
// retrieveStream() (chunks of the caller's, and borrowed ones), and 20 x 5 MB with the messages() loop, against curl fetching the same, and
// against the same process that only logs in and asks STAT (the one-session baseline the
// others are measured against). For ours also the WASM heap at the end: bodies that stream
// through must not grow it.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { startDovecot, toWire } from '../../tests/harness/dovecot.mjs';
import { largeMessage } from '../../tests/fixtures/messages.mjs';

const run = promisify(execFile);

// Peak RSS from VmHWM: getrusage's maxrss survives exec, so a child forked from this process
// (which holds the 100 MB message) would report this process's size, not its own.
const CHILD = `
const { readFileSync } = await import('node:fs');
const [entry, host, port, user, password, mode] = process.argv.slice(1);
const { Pop3Client, loadCore } = await import(entry);
const start = performance.now();
const client = await Pop3Client.connect({ host, port: Number(port), tls: 'none', allowInsecureAuth: true, timeoutMs: 600000 });
await client.login({ user, password, method: 'user' });
let bytes = 0;
if (mode === 'stream' || mode === 'borrowed') {
  for await (const chunk of client.retrieveStream(1, { borrowChunks: mode === 'borrowed' })) bytes += chunk.length;
} else if (mode === 'messages') {
  for await (const message of client.messages()) bytes += message.bytes.length;
} else {
  await client.stat();
}
await client.quit();
const seconds = (performance.now() - start) / 1000;
const core = await loadCore();
const peakKb = Number(/VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
console.log(JSON.stringify({ bytes, seconds, peakRssMb: peakKb / 1024, wasmHeapMb: core.HEAPU8.length / 1048576 }));
`;

function hugeMessage(size) {
  const line = `${'The quick brown fox jumps over the lazy dog, again and again. '.repeat(1).padEnd(76, '.')}\r\n`;
  const head = 'From: bench@example.org\r\nTo: you@example.org\r\nSubject: one huge message\r\n\r\n';
  return Buffer.from(head + line.repeat(Math.ceil(size / line.length)));
}

async function ours(target, user, mode) {
  const entry = new URL('../../bindings/js/node.js', import.meta.url).href;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, entry, target.host, String(target.port), user, target.users[user], mode], {
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 600_000,
  });
  return JSON.parse(stdout);
}

// curl fetches messages 1..count over one connection. The measured run writes to /dev/null; the
// one under /usr/bin/time (peak RSS) writes files, whose sizes say what curl fetched (its
// %{size_download} leaves out each message's first read).
async function curl(target, user, count) {
  const urls = Array.from({ length: count }, (_, i) => `pop3://${target.host}:${target.port}/${i + 1}`);
  const args = (out) => ['-s', '-u', `${user}:${target.users[user]}`, ...urls.flatMap((url, i) => ['-o', out(i), url])];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pop3-bench-curl-'));
  try {
    const { stderr } = await run('/usr/bin/time', ['-f', 'peak %M', 'curl', ...args((i) => path.join(dir, String(i)))], { timeout: 600_000 });
    let bytes = 0;
    for (const file of await readdir(dir)) bytes += (await stat(path.join(dir, file))).size;
    const start = performance.now();
    // Timed separately so that /usr/bin/time's own start-up is not in the figure.
    await run('curl', args(() => '/dev/null'), { timeout: 600_000 });
    const seconds = (performance.now() - start) / 1000;
    return { bytes, seconds, peakRssMb: Number(/peak (\d+)/.exec(stderr)[1]) / 1024 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// curl's output is the message as ours delivers it, give or take its end-of-body handling; a
// cut-short transfer would be far off.
function checkCurl(peer, expected) {
  if (Math.abs(peer.bytes - expected) > expected * 0.01) throw new Error(`curl fetched ${peer.bytes} bytes, expected about ${expected}`);
}

/**
 * @param {{ megabytes?: number, count?: number, size?: number }} [options] the huge message's
 *   size in MB (10^6 bytes); the number and size (bytes) of the messages() workload
 */
export async function bigMessageBenchmark({ megabytes = 100, count = 20, size = 5 * 1024 * 1024 } = {}) {
  const message = hugeMessage(megabytes * 1000 * 1000);
  const many = Array.from({ length: count }, (_, i) => largeMessage(size, 500 + i));
  const expected = toWire(message).length;
  const expectedMany = many.reduce((n, m) => n + toWire(m).length, 0);
  const users = { bench: 'bench-pw', many: 'many-pw' };
  const dovecot = await startDovecot({ users: { bench: { password: users.bench, messages: [message] }, many: { password: users.many, messages: many } } });
  const target = { host: dovecot.host, port: dovecot.port, users };
  try {
    const baseline = await ours(target, 'bench', 'baseline');
    const stream = await ours(target, 'bench', 'stream');
    const borrowed = await ours(target, 'bench', 'borrowed');
    const peer = await curl(target, 'bench', 1);
    for (const r of [stream, borrowed]) if (r.bytes !== expected) throw new Error(`ours fetched ${r.bytes} bytes, expected ${expected}`);
    checkCurl(peer, expected);
    const loop = await ours(target, 'many', 'messages');
    const loopPeer = await curl(target, 'many', count);
    if (loop.bytes !== expectedMany) throw new Error(`ours fetched ${loop.bytes} bytes, expected ${expectedMany}`);
    checkCurl(loopPeer, expectedMany);
    return { megabytes, bytes: expected, baseline, ours: stream, borrowed, curl: peer, many: { count, size, bytes: expectedMany, ours: loop, curl: loopPeer } };
  } finally {
    await dovecot.stop();
  }
}
