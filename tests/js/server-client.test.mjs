// The embedded server (pop3-wasm/server) against our own client over TCP: plain, STLS and implicit
// TLS with Node's TLS engine and the WASM one, every login mechanism, pipelined and not, every
// command, deletions applied at QUIT, and each scripted fault seen as the right typed error.
import { Pop3Client } from '../../bindings/js/node.js';
import { MemoryMailboxStore, deriveScramKeys, sampleMessages } from '../../bindings/js/server-node.js';
import { sameBytes, startSampleServer } from '../harness/sample-server.mjs';

let env;
beforeAll(async () => {
  env = await startSampleServer({ capabilities: { allowCleartextWithoutTls: true } });
});
afterAll(() => env?.close());

const SAMPLE = sampleMessages();

function connect(extra = {}) {
  const implicit = extra.tls === 'implicit';
  return Pop3Client.connect({
    host: 'localhost',
    port: implicit ? env.implicitTlsPort : env.port,
    tls: 'starttls',
    ca: env.pki.caPem,
    timeoutMs: 10_000,
    ...extra,
  });
}

async function fetchAll(client) {
  const fetched = [];
  for await (const m of client.messages()) fetched.push(m);
  return fetched;
}

describe.each([
  ['none', 'wasm'],
  ['starttls', 'node'],
  ['starttls', 'wasm'],
  ['implicit', 'node'],
  ['implicit', 'wasm'],
])('tls %s, engine %s', (tls, tlsEngine) => {
  test('every sample message arrives byte-identical, with the listing and uids the mailbox holds', async () => {
    const client = await connect({ tls, tlsEngine, allowInsecureAuth: tls === 'none' });
    expect(client.secure).toBe(tls !== 'none');
    await client.login({ user: 'sample', password: 'sample' });
    expect(await client.stat()).toEqual({ count: SAMPLE.length, size: SAMPLE.reduce((n, m) => n + m.bytes.length, 0) });
    const list = await client.list();
    expect(list.map((m) => [m.size, m.uid])).toEqual(SAMPLE.map((m) => [m.bytes.length, m.uid]));
    const fetched = await fetchAll(client);
    expect(fetched).toHaveLength(SAMPLE.length);
    for (const m of fetched) expect(sameBytes(m.bytes, SAMPLE[m.number - 1].bytes)).toBe(true);
    await client.quit();
  });
});

describe.each([
  ['USER', { method: 'user' }],
  ['APOP', { method: 'apop' }],
  ['PLAIN', { mechanisms: ['PLAIN'] }],
  ['LOGIN', { mechanisms: ['LOGIN'] }],
  ['CRAM-MD5', { mechanisms: ['CRAM-MD5'] }],
  ['SCRAM-SHA-1', { mechanisms: ['SCRAM-SHA-1'] }],
  ['SCRAM-SHA-256', { mechanisms: ['SCRAM-SHA-256'] }],
])('login with %s', (name, how) => {
  test.each([true, false])('pipelining %s: logs in; a wrong password and an unknown user fail alike with [AUTH]', async (pipelining) => {
    const client = await connect({ tls: 'implicit', pipelining });
    await client.login({ user: 'sample', password: 'sample', ...how });
    expect(client.loginMechanism).toBe(name);
    expect(sameBytes(await client.retrieve(6), SAMPLE[5].bytes)).toBe(true);
    await client.quit();
    const wrong = await connect({ tls: 'implicit', pipelining });
    await expect(wrong.login({ user: 'sample', password: 'nope', ...how })).rejects.toMatchObject({ code: 'AUTH_FAILED', responseCode: 'AUTH' });
    wrong.close();
    const unknown = await connect({ tls: 'implicit', pipelining });
    await expect(unknown.login({ user: 'nobody', password: 'sample', ...how })).rejects.toMatchObject({ code: 'AUTH_FAILED', responseCode: 'AUTH' });
    unknown.close();
  });
});

test('every command: TOP, UIDL, LIST n, NOOP, DELE, RSET, and QUIT applies deletions', async () => {
  const own = await startSampleServer({ store: new MemoryMailboxStore({ sample: SAMPLE }) });
  try {
    const port = own.port;
    const client = await Pop3Client.connect({ host: 'localhost', port, tls: 'starttls', ca: own.pki.caPem });
    await client.login({ user: 'sample', password: 'sample' });
    const top = new TextDecoder().decode(await client.top(1, 0));
    expect(top.endsWith('\r\n\r\n')).toBe(true);
    expect(top).toContain('Subject: Lunch on Thursday?');
    expect(await client.list(3)).toMatchObject({ number: 3, size: SAMPLE[2].bytes.length });
    expect(await client.uidl(2)).toMatchObject({ number: 2, uid: SAMPLE[1].uid });
    await client.noop();
    await client.delete(1);
    await client.reset();
    await client.delete(2);
    await client.delete(7);
    await expect(client.retrieve(2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });  // the client knows
    await client.quit();
    expect(own.server.store.messages('sample').map((m) => m.uid)).toEqual(SAMPLE.filter((_, i) => i !== 1 && i !== 6).map((m) => m.uid));
    const again = await Pop3Client.connect({ host: 'localhost', port, tls: 'starttls', ca: own.pki.caPem });
    await again.login({ user: 'sample', password: 'sample' });
    expect((await again.stat()).count).toBe(SAMPLE.length - 2);
    again.close();
  } finally {
    await own.close();
  }
});

test('a dropped connection deletes nothing', async () => {
  const own = await startSampleServer({ store: new MemoryMailboxStore({ sample: SAMPLE }) });
  try {
    const client = await Pop3Client.connect({ host: 'localhost', port: own.implicitTlsPort, tls: 'implicit', ca: own.pki.caPem });
    await client.login({ user: 'sample', password: 'sample' });
    await client.delete(1);
    client.close();
    await new Promise((resolve) => own.server.on('close', resolve));
    expect(own.server.store.messages('sample')).toHaveLength(SAMPLE.length);
  } finally {
    await own.close();
  }
});

test('stored SCRAM keys log in without the server keeping the password', async () => {
  const keys256 = await deriveScramKeys('SCRAM-SHA-256', 'hunter2');
  const keys1 = await deriveScramKeys('SCRAM-SHA-1', 'hunter2', { iterations: 8192 });
  const own = await startSampleServer({ users: { bob: { scramSha256: keys256, scramSha1: keys1 } }, mailboxes: { bob: ['Subject: hi\r\n\r\nhello\r\n'] } });
  try {
    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-1']) {
      const client = await Pop3Client.connect({ host: 'localhost', port: own.implicitTlsPort, tls: 'implicit', ca: own.pki.caPem });
      await client.login({ user: 'bob', password: 'hunter2', mechanisms: [mechanism] });
      expect(new TextDecoder().decode(await client.retrieve(1))).toBe('Subject: hi\r\n\r\nhello\r\n');
      await client.quit();
    }
    const plain = await Pop3Client.connect({ host: 'localhost', port: own.implicitTlsPort, tls: 'implicit', ca: own.pki.caPem });
    await expect(plain.login({ user: 'bob', password: 'hunter2', mechanisms: ['PLAIN'] })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    plain.close();
  } finally {
    await own.close();
  }
});

describe('faults', () => {
  test('a second session on a locked maildrop gets -ERR [IN-USE]', async () => {
    const first = await connect({ tls: 'implicit' });
    await first.login({ user: 'sample', password: 'sample' });
    const second = await connect({ tls: 'implicit' });
    await expect(second.login({ user: 'sample', password: 'sample' })).rejects.toMatchObject({ responseCode: 'IN-USE' });
    second.close();
    await first.quit();
    const third = await connect({ tls: 'implicit' });
    await third.login({ user: 'sample', password: 'sample' });  // the lock went with the first session
    await third.quit();
  });

  test('faults.inUse answers every login with [IN-USE]', async () => {
    const own = await startSampleServer({ faults: { inUse: true } });
    try {
      const client = await Pop3Client.connect({ host: 'localhost', port: own.implicitTlsPort, tls: 'implicit', ca: own.pki.caPem });
      await expect(client.login({ user: 'sample', password: 'sample' })).rejects.toMatchObject({ code: 'AUTH_FAILED', responseCode: 'IN-USE' });
      client.close();
    } finally {
      await own.close();
    }
  });

  test('faults.cutRetrAfterBytes drops the connection in the middle of RETR', async () => {
    const own = await startSampleServer({ faults: { cutRetrAfterBytes: 100_000 }, capabilities: { allowCleartextWithoutTls: true } });
    try {
      const client = await Pop3Client.connect({ host: 'localhost', port: own.port, tls: 'none', allowInsecureAuth: true });
      await client.login({ user: 'sample', password: 'sample' });
      await expect(client.retrieve(7)).rejects.toMatchObject({ code: 'CONNECTION_CLOSED', command: 'RETR' });
    } finally {
      await own.close();
    }
  });

  test('faults.dropAfterBytes drops the connection after that many bytes', async () => {
    const own = await startSampleServer({ faults: { dropAfterBytes: 10 }, capabilities: { allowCleartextWithoutTls: true } });
    try {
      await expect(Pop3Client.connect({ host: 'localhost', port: own.port, tls: 'none' })).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    } finally {
      await own.close();
    }
  });

  test('delays.replyMs slows every reply: a short time-out expires', async () => {
    const own = await startSampleServer({ delays: { replyMs: 400 }, capabilities: { allowCleartextWithoutTls: true } });
    try {
      const client = await Pop3Client.connect({ host: 'localhost', port: own.port, tls: 'none', allowInsecureAuth: true });
      await client.login({ user: 'sample', password: 'sample' });
      const started = Date.now();
      await client.noop();
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      await expect(client.noop({ timeoutMs: 100 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      await own.close();
    }
  });

  test('faults can be changed on a running server, for the sessions that follow', async () => {
    const own = await startSampleServer();
    try {
      own.server.faults.inUse = true;
      const client = await Pop3Client.connect({ host: 'localhost', port: own.implicitTlsPort, tls: 'implicit', ca: own.pki.caPem });
      await expect(client.login({ user: 'sample', password: 'sample' })).rejects.toMatchObject({ responseCode: 'IN-USE' });
      client.close();
      own.server.faults = {};
      const ok = await Pop3Client.connect({ host: 'localhost', port: own.implicitTlsPort, tls: 'implicit', ca: own.pki.caPem });
      await ok.login({ user: 'sample', password: 'sample' });
      await ok.quit();
    } finally {
      await own.close();
    }
  });
});

test('session events: session, login (no secret), maildrop, update, close', async () => {
  const events = [];
  for (const type of ['session', 'login', 'maildrop', 'update', 'close']) env.server.on(type, (e) => events.push([type, e]));
  const client = await connect({ tls: 'implicit' });
  await client.login({ user: 'sample', password: 'sample', mechanisms: ['PLAIN'] });
  await client.quit();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(events.map(([type]) => type)).toEqual(['session', 'login', 'maildrop', 'update', 'close']);
  expect(JSON.stringify(events)).not.toContain('"password"');
  expect(events[1][1]).toMatchObject({ user: 'sample', method: 'sasl', mechanism: 'PLAIN' });
  expect(events[4][1]).toMatchObject({ reason: 'QUIT', updated: true });
});
