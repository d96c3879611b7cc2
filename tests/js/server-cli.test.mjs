// `pop3-wasm serve`: the CLI starts the embedded server on the sample mailbox (plain with STLS and
// implicit TLS) or on a Maildir, our client and curl fetch from it, QUIT deletes Maildir files.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Pop3Client } from '../../bindings/js/node.js';
import { sampleMessages, toWireForm } from '../../bindings/js/server-node.js';
import { sameBytes } from '../harness/sample-server.mjs';
import { testPki } from '../harness/test-pki.mjs';

const CLI = fileURLToPath(new URL('../../bindings/js/cli/pop3-wasm.js', import.meta.url));
const run = promisify(execFile);
const children = [];

/** Starts `pop3-wasm serve ...` on free ports; resolves with the ports it printed. */
function serve(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /listening on pop3:\/\/[^:]+:(\d+)(?: \(STLS\))?(?: and pop3s:\/\/[^:]+:(\d+))?/.exec(out);
      if (match) resolve({ child, port: Number(match[1]), implicitTlsPort: match[2] && Number(match[2]), out });
    });
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
}

afterAll(() => {
  for (const child of children) child.kill();
});

test('serve --sample with --cert/--key: STLS on --listen, implicit TLS on --tls-listen', async () => {
  const pki = testPki();
  const { port, implicitTlsPort, out } = await serve([
    '--sample', '--listen', '127.0.0.1:0', '--tls-listen', '127.0.0.1:0', '--cert', pki.server.certFile, '--key', pki.server.keyFile,
  ]);
  expect(out).toContain('users: sample');
  const sample = sampleMessages();
  for (const [tls, p] of [['starttls', port], ['implicit', implicitTlsPort]]) {
    const client = await Pop3Client.connect({ host: 'localhost', port: p, tls, ca: pki.caPem });
    await client.login({ user: 'sample', password: 'sample' });
    const fetched = [];
    for await (const m of client.messages()) fetched.push(m);
    expect(fetched.map((m) => sameBytes(m.bytes, sample[m.number - 1].bytes))).toEqual(sample.map(() => true));
    await client.quit();
  }
  // The sample is a copy per server run: a deletion lasts until the server stops.
  const deleting = await Pop3Client.connect({ host: 'localhost', port: implicitTlsPort, tls: 'implicit', ca: pki.caPem });
  await deleting.login({ user: 'sample', password: 'sample' });
  await deleting.delete(1);
  await deleting.quit();
  const after = await Pop3Client.connect({ host: 'localhost', port: implicitTlsPort, tls: 'implicit', ca: pki.caPem });
  await after.login({ user: 'sample', password: 'sample' });
  expect((await after.stat()).count).toBe(sample.length - 1);
  await after.quit();
});

test('serve --maildir: curl fetches a message in wire form; DELE and QUIT remove its file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pop3-wasm-serve-'));
  try {
    for (const sub of ['new', 'cur', 'tmp']) mkdirSync(path.join(dir, sub));
    writeFileSync(path.join(dir, 'cur', '1700000000.M1P1.host:2,S'), 'Subject: one\n\nfirst\n.dot\n');
    writeFileSync(path.join(dir, 'new', '1700000001.M2P2.host'), 'Subject: two\n\nsecond\n');
    const { port } = await serve(['--maildir', dir, '--listen', '127.0.0.1:0', '--user', 'alice:wonder', '--cleartext-login']);
    const { stdout } = await run('curl', ['-sS', '-u', 'alice:wonder', `pop3://127.0.0.1:${port}/1`], { encoding: 'buffer' });
    expect(sameBytes(stdout, toWireForm('Subject: one\n\nfirst\n.dot\n'))).toBe(true);
    const client = await Pop3Client.connect({ host: 'localhost', port, tls: 'none', allowInsecureAuth: true });
    await client.login({ user: 'alice', password: 'wonder' });
    expect((await client.list()).map((m) => m.uid)).toEqual(['1700000000.M1P1.host', '1700000001.M2P2.host']);
    await client.delete(2);
    await client.quit();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readdirSync(path.join(dir, 'new'))).toEqual([]);
    expect(readdirSync(path.join(dir, 'cur'))).toHaveLength(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve rejects contradictory options with a usage message', async () => {
  await expect(run(process.execPath, [CLI, 'serve', '--sample', '--maildir', '/tmp'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('choose --sample or --maildir') });
  await expect(run(process.execPath, [CLI, 'serve', '--tls-listen', '995'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--tls-listen needs --cert and --key') });
});
