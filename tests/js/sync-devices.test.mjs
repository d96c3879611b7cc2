// Two devices syncing one mailbox, as users of POP3 do: with leave-on-server both end with all
// the mail; with delete-after-download on one device, the other misses what it took. This is the
// behaviour the POP-versus-IMAP explainer shows.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { syncAccount } from '../../bindings/js/node.js';
import { MaildirStore } from '../../bindings/js/stores/maildir-store.js';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const fixtures = fixtureMessages().map((f) => f.bytes);
let dovecot;
let work;

beforeAll(async () => {
  dovecot = await startDovecot({
    users: { shared: { password: 'pw', messages: fixtures }, taken: { password: 'pw', messages: fixtures } },
  });
  work = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-devices-'));
});

afterAll(async () => {
  await dovecot?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const connect = () => ({ host: dovecot.host, port: dovecot.port, tls: 'none', allowInsecureAuth: true });
const login = (user) => ({ user, password: 'pw', method: 'user' });

async function contents(store) {
  const stored = await store.list();
  return (await Promise.all(stored.map((m) => m.read()))).map((b) => Buffer.from(b).toString('latin1')).sort();
}

const expected = (messages) => messages.map((m) => toWire(m).toString('latin1')).sort();

test('leave-on-server: both devices end with all mail, new mail included', async () => {
  const a = new MaildirStore(path.join(work, 'a'));
  const b = new MaildirStore(path.join(work, 'b'));
  await syncAccount(connect(), login('shared'), a, { retention: 'keep' });
  const late = Buffer.from('From: late@example.org\nSubject: arrived later\n\nhello\n');
  await dovecot.deliver('shared', late);
  await syncAccount(connect(), login('shared'), b, { retention: 'keep' });
  const again = await syncAccount(connect(), login('shared'), a, { retention: 'keep' });
  expect(again.fetched).toBe(1);  // only the new one: no duplicate of the rest
  expect(await contents(a)).toEqual(expected([...fixtures, late]));
  expect(await contents(b)).toEqual(expected([...fixtures, late]));
  expect(await dovecot.messageFiles('shared')).toHaveLength(fixtures.length + 1);
  await Promise.all([a.close(), b.close()]);  // the journals' file handles and the locks
});

test('delete-after-download on one device: the other device misses what it took', async () => {
  const a = new MaildirStore(path.join(work, 'a2'));
  const b = new MaildirStore(path.join(work, 'b2'));
  const first = await syncAccount(connect(), login('taken'), a, { retention: 'delete' });
  expect(first).toMatchObject({ fetched: fixtures.length, deleted: fixtures.length });
  expect(await dovecot.messageFiles('taken')).toHaveLength(0);
  const late = Buffer.from('From: late@example.org\nSubject: after device A\n\nhi\n');
  await dovecot.deliver('taken', late);
  const second = await syncAccount(connect(), login('taken'), b, { retention: 'keep' });
  expect(second.fetched).toBe(1);
  expect(await contents(a)).toEqual(expected(fixtures));
  expect(await contents(b)).toEqual(expected([late]));
  await Promise.all([a.close(), b.close()]);
});
