// pop3-wasm/server without sockets, in Node: our client over the in-memory transport (clear,
// STLS and implicit TLS in the WASM engine on both sides), the idle timer, faults, and the
// example of docs/server.md (a test of one's own mail code, with a fault injected) verbatim.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Pop3Client } from '../../bindings/js/node.js';
import { connectInMemory, createEmbeddedServer, createServer, MaildirMailboxStore, MemoryMailboxStore, sampleMailboxStore, sampleMessages } from '../../bindings/js/server-node.js';
import { sameBytes } from '../harness/sample-server.mjs';
import { testPki } from '../harness/test-pki.mjs';

const pki = testPki();
const tls = { cert: readFileSync(pki.server.certFile, 'utf8'), key: readFileSync(pki.server.keyFile, 'utf8') };
const SAMPLE = sampleMessages();

test.each(['none', 'starttls', 'implicit'])('tls %s: the whole sample mailbox through the in-memory transport', async (mode) => {
  const server = await createEmbeddedServer({ users: { sample: 'sample' }, store: sampleMailboxStore(), tls, capabilities: { allowCleartextWithoutTls: true } });
  const client = await Pop3Client.connect({ transport: connectInMemory(server, { tls: mode }), host: 'localhost', port: 110, tls: mode, ca: pki.caPem, allowInsecureAuth: true });
  expect(client.secure).toBe(mode !== 'none');
  await client.login({ user: 'sample', password: 'sample' });
  const fetched = [];
  for await (const m of client.messages({ windowMessages: 2 })) fetched.push(m);
  expect(fetched.map((m) => sameBytes(m.bytes, SAMPLE[m.number - 1].bytes))).toEqual(SAMPLE.map(() => true));
  // A slow consumer: the stream pauses the transport and the server waits for it.
  let streamed = 0;
  for await (const chunk of client.retrieveStream(7, { highWaterMark: 4096 })) {
    streamed += chunk.length;
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(streamed).toBe(SAMPLE[6].bytes.length);
  await client.quit();
  expect(server.sessionCount).toBe(0);
});

test('the idle timer closes a silent session without applying its deletions', async () => {
  const store = new MemoryMailboxStore({ a: ['Subject: x\r\n\r\nx\r\n'] });
  const server = await createEmbeddedServer({ users: { a: 'b' }, store, idleTimeoutMs: 200, capabilities: { allowCleartextWithoutTls: true } });
  const closed = new Promise((resolve) => server.on('close', resolve));
  const client = await Pop3Client.connect({ transport: connectInMemory(server), host: 'm', port: 110, tls: 'none', allowInsecureAuth: true });
  await client.login({ user: 'a', password: 'b' });
  await client.delete(1);
  expect(await closed).toMatchObject({ reason: expect.any(String), updated: false });
  await expect(client.noop()).rejects.toMatchObject({ code: expect.stringMatching(/CONNECTION_CLOSED|SESSION_CLOSED/) });
  expect(store.messages('a')).toHaveLength(1);
});

test('faults through the in-memory transport: IN-USE and a cut RETR', async () => {
  const server = await createEmbeddedServer({ users: { sample: 'sample' }, store: sampleMailboxStore(), capabilities: { allowCleartextWithoutTls: true } });
  const connect = () => Pop3Client.connect({ transport: connectInMemory(server), host: 'm', port: 110, tls: 'none', allowInsecureAuth: true });
  server.faults = { inUse: true };
  const locked = await connect();
  await expect(locked.login({ user: 'sample', password: 'sample' })).rejects.toMatchObject({ responseCode: 'IN-USE' });
  locked.close();
  server.faults = { cutRetrAfterBytes: 5000 };
  const cut = await connect();
  await cut.login({ user: 'sample', password: 'sample' });
  await expect(cut.retrieve(3)).rejects.toMatchObject({ code: 'CONNECTION_CLOSED', command: 'RETR' });
  expect(server.sessionCount).toBe(0);
});

test('users sharing one Maildir share its lock; a user without a Maildir is refused', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pop3-wasm-maildir-'));
  try {
    mkdirSync(path.join(dir, 'new'));
    writeFileSync(path.join(dir, 'new', '1.M1.host'), 'Subject: shared\n\nhello\n');
    const shared = await createEmbeddedServer({ users: { a: 'pw', b: 'pw' }, store: new MaildirMailboxStore(dir), capabilities: { allowCleartextWithoutTls: true } });
    const connect = (server) => Pop3Client.connect({ transport: connectInMemory(server), host: 'm', port: 110, tls: 'none', allowInsecureAuth: true });
    const first = await connect(shared);
    await first.login({ user: 'a', password: 'pw' });
    expect(new TextDecoder().decode(await first.retrieve(1))).toBe('Subject: shared\r\n\r\nhello\r\n');
    const second = await connect(shared);
    await expect(second.login({ user: 'b', password: 'pw' })).rejects.toMatchObject({ responseCode: 'IN-USE' });
    second.close();
    await first.quit();
    const only = await createEmbeddedServer({ users: { a: 'pw', c: 'pw' }, store: new MaildirMailboxStore({ a: dir }), capabilities: { allowCleartextWithoutTls: true } });
    const stranger = await connect(only);
    await expect(stranger.login({ user: 'c', password: 'pw' })).rejects.toMatchObject({ code: 'AUTH_FAILED', responseCode: 'SYS/PERM' });
    stranger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- docs/server.md, "Testing your own mail code against the embedded server" ---------------

async function countMail(connect, credentials) {
  const client = await Pop3Client.connect(connect);
  try {
    await client.login(credentials);
    return (await client.stat()).count;
  } finally {
    client.close();
  }
}

test('counts the mail, and reports a mailbox locked by another client', async () => {
  const server = createServer({
    users: { alice: 'pw' },
    mailboxes: { alice: ['Subject: one\r\n\r\n1\r\n', 'Subject: two\r\n\r\n2\r\n'] },
    capabilities: { allowCleartextWithoutTls: true },  // a test without certificates
  });
  const { port } = await server.listen();
  const connect = { host: '127.0.0.1', port, tls: 'none', allowInsecureAuth: true };
  try {
    expect(await countMail(connect, { user: 'alice', password: 'pw' })).toBe(2);
    server.faults.inUse = true;  // the fault: the next login finds the maildrop locked
    await expect(countMail(connect, { user: 'alice', password: 'pw' }))
      .rejects.toMatchObject({ code: 'AUTH_FAILED', responseCode: 'IN-USE' });
  } finally {
    await server.close();
  }
});

test('unusable options are typed errors', async () => {
  expect(() => createServer({ mailboxes: {}, store: new MemoryMailboxStore() })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  expect(() => createServer({ tls: { cert: 'x' } })).toThrow(/tls needs \{ cert, key \}/);
  expect(() => createServer({ implicitTlsPort: 0 })).toThrow(/implicitTlsPort needs tls/);
  expect(() => createServer({ capabilities: { teleport: true } })).toThrow(/unknown capability option 'teleport'/);
  const bad = await createEmbeddedServer({ tls: { cert: 'not a PEM', key: 'nor this' } });
  await expect(Pop3Client.connect({ transport: connectInMemory(bad, { tls: 'implicit' }), host: 'm', port: 995, tls: 'implicit' }))
    .rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  const other = createServer({ port: 0 });
  const { port } = await other.listen();
  await expect(createServer({ port }).listen()).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
  await other.close();
});
