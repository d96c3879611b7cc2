// One huge message (100 MB by default) from Dovecot, each client a whole process so that its
// peak RSS is its own: ours with retrieveStream() (Node direct, no TLS: the lite module), the
// same process that only logs in and asks STAT (the one-session baseline the stream is measured
// against), and curl. For ours also the WASM heap at the end: a body that streams through must
// not grow it by the message's size.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { startDovecot, toWire } from '../../tests/harness/dovecot.mjs';

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
if (mode === 'stream') {
  for await (const chunk of client.retrieveStream(1)) bytes += chunk.length;
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

async function ours(target, mode) {
  const entry = new URL('../../bindings/js/node.js', import.meta.url).href;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, entry, target.host, String(target.port), target.user, target.password, mode], {
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 600_000,
  });
  return JSON.parse(stdout);
}

async function curl(target) {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'peak %M', 'curl', '-s', '-u', `${target.user}:${target.password}`, '-w', '%{size_download}', '-o', '/dev/null', `pop3://${target.host}:${target.port}/1`], { timeout: 600_000 });
  const start = performance.now();
  // Timed separately so that /usr/bin/time's own start-up is not in the figure.
  await run('curl', ['-s', '-u', `${target.user}:${target.password}`, '-o', '/dev/null', `pop3://${target.host}:${target.port}/1`], { timeout: 600_000 });
  const seconds = (performance.now() - start) / 1000;
  return { bytes: Number(stdout), seconds, peakRssMb: Number(/peak (\d+)/.exec(stderr)[1]) / 1024 };
}

export async function bigMessageBenchmark({ megabytes = 100 } = {}) {
  const message = hugeMessage(megabytes * 1000 * 1000);
  const expected = toWire(message).length;
  const user = 'bench';
  const password = 'bench-pw';
  const dovecot = await startDovecot({ users: { [user]: { password, messages: [message] } } });
  const target = { host: dovecot.host, port: dovecot.port, user, password };
  try {
    const baseline = await ours(target, 'baseline');
    const stream = await ours(target, 'stream');
    const peer = await curl(target);
    if (stream.bytes !== expected) throw new Error(`ours fetched ${stream.bytes} bytes, expected ${expected}`);
    // curl's count is not the message's size (it counts what it writes after its own end-of-body
    // handling); a cut-short transfer would be far off.
    if (Math.abs(peer.bytes - expected) > expected * 0.03) throw new Error(`curl fetched ${peer.bytes} bytes, expected about ${expected}`);
    return { megabytes, bytes: expected, baseline, ours: stream, curl: peer };
  } finally {
    await dovecot.stop();
  }
}
