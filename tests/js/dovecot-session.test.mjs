// The JS API through the WASM build against a real Dovecot: login, every read command, the
// 5 MB message, streaming, pipelining, and what deletion does (and does not do) to the maildir.
import { jest } from '@jest/globals';

import { Pop3Client, Pop3Error } from '../../bindings/js/node.js';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { fixtureMessages, largeMessage } from '../fixtures/messages.mjs';

const fixtures = fixtureMessages();
const large = largeMessage(5 * 1024 * 1024, 7);
const messages = [...fixtures.map((f) => f.bytes), large];
const PASSWORD = 'correct horse battery staple';

let dovecot;

beforeAll(async () => {
  dovecot = await startDovecot({
    users: {
      alice: { password: PASSWORD, messages },
      bob: { password: 'bob-pw', messages: fixtures.map((f) => f.bytes) },
      carol: { password: 'carol-pw', messages: fixtures.map((f) => f.bytes) },
      dave: { password: 'dave-pw', messages: fixtures.map((f) => f.bytes) },
    },
  });
});

afterAll(async () => {
  await dovecot?.stop();
});

function connect(options = {}) {
  return Pop3Client.connect({ host: dovecot.host, port: dovecot.port, tls: 'none', allowInsecureAuth: true, ...options });
}

const sameBytes = (actual, expected) => Buffer.from(actual).equals(Buffer.from(expected));

test('reads the greeting and capabilities', async () => {
  const client = await connect();
  expect(client.greeting.text).toMatch(/^Dovecot ready\./);
  expect(client.greeting.apopTimestamp).toMatch(/^<.+@.+>$/);
  expect(client.capabilities).toMatchObject({ top: true, uidl: true, pipelining: true, user: true, respCodes: true });
  expect(client.capabilities.sasl).toEqual(expect.arrayContaining(['PLAIN']));
  expect(client.state).toBe('AUTHORIZATION');
  await client.quit();
});

test('logs in with USER/PASS and reads STAT, LIST, UIDL', async () => {
  const client = await connect();
  await client.login({ user: 'alice', password: PASSWORD, method: 'user' });
  expect(client.state).toBe('TRANSACTION');
  const stat = await client.stat();
  const expectedSizes = messages.map((m) => toWire(m).length);
  expect(stat).toEqual({ count: messages.length, size: expectedSizes.reduce((a, b) => a + b, 0) });
  const list = await client.list();
  expect(list.map((m) => m.number)).toEqual(messages.map((_, i) => i + 1));
  expect(list.map((m) => m.size)).toEqual(expectedSizes);
  expect(new Set(list.map((m) => m.uid)).size).toBe(messages.length);
  expect(await client.list(2)).toEqual({ number: 2, size: expectedSizes[1] });
  expect(await client.uidl(3)).toEqual({ number: 3, uid: list[2].uid });
  expect((await client.uidl()).map((u) => u.uid)).toEqual(list.map((m) => m.uid));
  await client.quit();
});

test('logs in with APOP when the greeting offers it', async () => {
  const transcript = [];
  const client = await connect({ onTranscript: (e) => transcript.push(e) });
  await client.login({ user: 'alice', password: PASSWORD });  // 'auto' picks APOP
  expect(transcript.some((e) => e.direction === 'client' && /^APOP alice [0-9a-f]{32}$/.test(e.line))).toBe(true);
  expect(transcript.some((e) => e.line.includes(PASSWORD))).toBe(false);
  expect((await client.stat()).count).toBe(messages.length);
  await client.quit();
});

test('retrieves every message byte for byte: dot lines, 8-bit bytes and 5 MB', async () => {
  const client = await connect();
  await client.login({ user: 'alice', password: PASSWORD });
  for (let i = 0; i < messages.length; i++) {
    const bytes = await client.retrieve(i + 1);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(sameBytes(bytes, toWire(messages[i]))).toBe(true);
  }
  await client.quit();
});

test('pipelines a RETR of every message in one batch', async () => {
  const transcript = [];
  const client = await connect({ onTranscript: (e) => transcript.push(e) });
  await client.login({ user: 'alice', password: PASSWORD });
  const start = transcript.length;
  const all = await Promise.all(messages.map((_, i) => client.retrieve(i + 1)));
  all.forEach((bytes, i) => expect(sameBytes(bytes, toWire(messages[i]))).toBe(true));
  // Every RETR was on the wire before the first reply came back.
  const dialogue = transcript.slice(start);
  const lastRetr = dialogue.findLastIndex((e) => e.direction === 'client' && e.line.startsWith('RETR '));
  const firstReply = dialogue.findIndex((e) => e.direction === 'server');
  expect(dialogue.filter((e) => e.line.startsWith('RETR ')).length).toBe(messages.length);
  expect(lastRetr).toBeLessThan(firstReply);
  await client.quit();
});

test('TOP returns the headers and the first lines', async () => {
  const client = await connect();
  await client.login({ user: 'alice', password: PASSWORD });
  const top = Buffer.from(await client.top(2, 2)).toString('latin1');
  const wire = toWire(fixtures[1].bytes).toString('latin1');
  const [head, body] = wire.split('\r\n\r\n');
  expect(top).toBe(`${head}\r\n\r\n${body.split('\r\n').slice(0, 2).join('\r\n')}\r\n`);
  await client.quit();
});

test('streams the 5 MB message in bounded chunks', async () => {
  const client = await connect();
  await client.login({ user: 'alice', password: PASSWORD });
  const chunks = [];
  let largest = 0;
  for await (const chunk of client.retrieveStream(messages.length, { highWaterMark: 256 * 1024 })) {
    largest = Math.max(largest, chunk.length);
    chunks.push(chunk);
    await new Promise((r) => setImmediate(r));  // a slow consumer
  }
  expect(chunks.length).toBeGreaterThan(10);
  expect(largest).toBeLessThanOrEqual(256 * 1024);
  expect(sameBytes(Buffer.concat(chunks), toWire(large))).toBe(true);
  // The session is in sync afterwards.
  expect((await client.stat()).count).toBe(messages.length);
  await client.quit();
});

test('streams the 5 MB message through a few reused buffers with borrowChunks', async () => {
  const client = await connect();
  await client.login({ user: 'alice', password: PASSWORD });
  const copies = [];
  const buffers = new Set();
  for await (const chunk of client.retrieveStream(messages.length, { highWaterMark: 256 * 1024, borrowChunks: true })) {
    copies.push(Buffer.from(chunk));  // a borrowed chunk is valid until the next one: copy it
    buffers.add(chunk.buffer);
    await new Promise((r) => setImmediate(r));  // a slow consumer: reads pile up meanwhile
  }
  expect(sameBytes(Buffer.concat(copies), toWire(large))).toBe(true);
  // The reads went into a handful of buffers, each read into again and again.
  expect(copies.length).toBeGreaterThan(40);
  expect(buffers.size).toBeLessThan(copies.length / 4);
  for await (const chunk of client.retrieveStream(messages.length, { borrowChunks: true })) {
    expect(chunk.length).toBeGreaterThan(0);
    break;
  }
  expect(sameBytes(await client.retrieve(1), toWire(messages[0]))).toBe(true);
  await client.quit();
});

test('breaking out of a stream drops the rest and keeps the session usable', async () => {
  const client = await connect();
  await client.login({ user: 'alice', password: PASSWORD });
  for await (const chunk of client.retrieveStream(messages.length)) {
    expect(chunk.length).toBeGreaterThan(0);
    break;
  }
  expect(sameBytes(await client.retrieve(1), toWire(messages[0]))).toBe(true);
  await client.quit();
});

test('a wrong password fails with AUTH_FAILED and the server response code', async () => {
  const client = await connect();
  const error = await client.login({ user: 'alice', password: 'wrong', method: 'user' }).catch((e) => e);
  expect(error).toBeInstanceOf(Pop3Error);
  expect(error.code).toBe('AUTH_FAILED');
  expect(error.responseCode).toBe('AUTH');
  expect(error.message).not.toContain('wrong');
  expect(client.state).toBe('AUTHORIZATION');
  await client.quit();
});

test('refuses commands that are invalid in the current state without sending them', async () => {
  const client = await connect();
  const error = await client.retrieve(1).catch((e) => e);
  expect(error.code).toBe('INVALID_STATE');
  await client.login({ user: 'bob', password: 'bob-pw' });
  const bad = await client.retrieve(0).catch((e) => e);
  expect(bad.code).toBe('INVALID_ARGUMENT');
  const missing = await client.retrieve(999).catch((e) => e);
  expect(missing.code).toBe('SERVER_ERROR');
  await client.quit();
});

test('rejects CR/LF in arguments before anything is sent', async () => {
  const transcript = [];
  const client = await connect({ onTranscript: (e) => transcript.push(e) });
  const error = await client.login({ user: 'bob\r\nDELE 1', password: 'x', method: 'user' }).catch((e) => e);
  expect(error.code).toBe('INVALID_ARGUMENT');
  expect(transcript.filter((e) => e.direction === 'client').map((e) => e.line)).toEqual(['CAPA']);
  await client.quit();
});

test('DELE then QUIT removes the file from the maildir', async () => {
  const before = await dovecot.messageFiles('carol');
  expect(before).toHaveLength(fixtures.length);
  const client = await connect();
  await client.login({ user: 'carol', password: 'carol-pw' });
  await client.delete(1);
  await client.quit();
  const after = await dovecot.messageFiles('carol');
  expect(after).toHaveLength(fixtures.length - 1);
  const check = await connect();
  await check.login({ user: 'carol', password: 'carol-pw' });
  expect((await check.stat()).count).toBe(fixtures.length - 1);
  expect(sameBytes(await check.retrieve(1), toWire(fixtures[1].bytes))).toBe(true);
  await check.quit();
});

test('DELE then a dropped connection removes nothing', async () => {
  const client = await connect();
  await client.login({ user: 'dave', password: 'dave-pw' });
  await client.delete(1);
  await client.delete(2);
  client.close();  // no QUIT: the server never enters UPDATE
  await new Promise((r) => setTimeout(r, 200));
  expect(await dovecot.messageFiles('dave')).toHaveLength(fixtures.length);
  const check = await connect();
  await check.login({ user: 'dave', password: 'dave-pw' });
  expect((await check.stat()).count).toBe(fixtures.length);
  await check.quit();
});

test('RSET restores messages marked for deletion', async () => {
  const client = await connect();
  await client.login({ user: 'dave', password: 'dave-pw' });
  await client.delete(1);
  expect((await client.stat()).count).toBe(fixtures.length - 1);
  // The session knows the mark: it refuses the message without asking the server.
  const gone = await client.retrieve(1).catch((e) => e);
  expect(gone.code).toBe('INVALID_ARGUMENT');
  expect(gone.message).toMatch(/marked deleted/);
  await client.reset();
  expect((await client.stat()).count).toBe(fixtures.length);
  await client.quit();
  expect(await dovecot.messageFiles('dave')).toHaveLength(fixtures.length);
});

test('an aborted command rejects with ABORTED and the session stays in sync', async () => {
  const client = await connect();
  await client.login({ user: 'alice', password: PASSWORD });
  const controller = new AbortController();
  const pending = client.retrieve(messages.length, { signal: controller.signal });
  controller.abort();
  const error = await pending.catch((e) => e);
  expect(error.code).toBe('ABORTED');
  expect(sameBytes(await client.retrieve(1), toWire(messages[0]))).toBe(true);
  await client.quit();
});

test('the transcript shows the dialogue with the password redacted', async () => {
  const client = await connect();
  const lines = [];
  client.on('transcript', (e) => lines.push(`${e.direction === 'client' ? 'C' : 'S'}: ${e.line}`));
  await client.login({ user: 'bob', password: 'bob-pw', method: 'user' });
  await client.retrieve(1);
  await client.quit();
  expect(lines).toContain('C: USER bob');
  expect(lines).toContain('C: PASS ***');
  expect(lines.join('\n')).not.toContain('bob-pw');
  expect(lines.some((l) => /^S: \[\d+ octets of message data\]$/.test(l))).toBe(true);
});

test('refuses to send a password in clear unless asked to', async () => {
  const client = await Pop3Client.connect({ host: dovecot.host, port: dovecot.port, tls: 'none' });
  const error = await client.login({ user: 'bob', password: 'bob-pw', method: 'user' }).catch((e) => e);
  expect(error.code).toBe('INSECURE_AUTH');
  await client.quit();
  const log = await dovecot.log();
  expect(log).not.toContain('bob-pw');
});

void jest;
