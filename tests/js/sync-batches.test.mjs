// sync() with group commit against Dovecot: a mailbox of several batches, with messages large
// enough to be streamed between them, is stored once each, byte for byte, and with
// delete-after-download the server keeps nothing that is not stored here. The journal holds one
// line per batch, not per message. Stores without putBatch() still work, one put() per message.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { syncAccount } from '../../bindings/js/node.js';
import { MaildirStore } from '../../bindings/js/stores/maildir-store.js';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { fixtureMessages, largeMessage } from '../fixtures/messages.mjs';

const fixtures = fixtureMessages().map((f) => f.bytes);
const COUNT = 700;
// Small messages with two streamed ones (over 1 MiB) in the middle of the batches.
const messages = Array.from({ length: COUNT }, (_, i) => {
  if (i === 300) return largeMessage(1_500_000, 11);
  if (i === 301) return largeMessage(1_200_000, 12);
  return Buffer.concat([Buffer.from(`X-Sequence: ${i + 1}\n`), fixtures[i % fixtures.length]]);
});
const wire = messages.map((m) => toWire(m).toString('latin1')).sort();

let dovecot;
let work;

beforeAll(async () => {
  dovecot = await startDovecot({
    users: { batched: { password: 'pw', messages }, plain: { password: 'pw', messages: messages.slice(0, 40) } },
  });
  work = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-batches-'));
}, 60_000);

afterAll(async () => {
  await dovecot?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const connect = () => ({ host: dovecot.host, port: dovecot.port, tls: 'none', allowInsecureAuth: true });
const login = (user) => ({ user, password: 'pw', method: 'user' });
const contents = async (store) =>
  (await Promise.all((await store.list()).map((m) => m.read()))).map((b) => Buffer.from(b).toString('latin1')).sort();

test('a mailbox of several batches is stored once each and deleted on the server only once stored', async () => {
  const dir = path.join(work, 'batched');
  const store = await MaildirStore.open(dir);
  const progress = [];
  const result = await syncAccount(connect(), login('batched'), store, { retention: 'delete' }, {
    onProgress: (p) => progress.push(p),
  });
  expect(result).toMatchObject({ fetched: COUNT, deleted: COUNT, warnings: [] });
  expect(await contents(store)).toEqual(wire);
  expect(await dovecot.messageFiles('batched')).toEqual([]);
  expect(progress.at(-1)).toMatchObject({ count: COUNT, total: COUNT, deleted: COUNT });
  await store.close();
  // Group commit: a journal line per batch (256 messages at most, and each streamed message
  // alone), not one per message; the first commit writes the snapshot instead.
  const stateDir = path.join(dir, 'pop3-wasm-state', 'accounts');
  const journal = (await readdir(stateDir)).find((n) => n.endsWith('.journal'));
  const lines = (await readFile(path.join(stateDir, journal), 'utf8')).split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThanOrEqual(4);
  expect(lines.length).toBeLessThan(12);
});

test('a store without putBatch() gets one put() per message', async () => {
  const inner = await MaildirStore.open(path.join(work, 'plain'));
  let puts = 0;
  const store = {
    load: (...a) => inner.load(...a),
    put: (...a) => {
      puts += 1;
      return inner.put(...a);
    },
    forget: (...a) => inner.forget(...a),
    setLastLogin: (...a) => inner.setLastLogin(...a),
    list: (...a) => inner.list(...a),
  };
  const result = await syncAccount(connect(), login('plain'), store, { retention: 'keep' });
  expect(result.fetched).toBe(40);
  expect(puts).toBe(40);
  expect(await contents(inner)).toEqual(messages.slice(0, 40).map((m) => toWire(m).toString('latin1')).sort());
  await inner.close();
});

test("a custom store's records whose keys no server key can equal (empty, or holding a line feed) are forgotten", async () => {
  // The planner takes local keys packed, separated by LF (sync-plan.js): such keys must neither
  // split into other keys nor be lost; like any key the server does not list, they are forgotten.
  const inner = await MaildirStore.open(path.join(work, 'odd-keys'));
  const odd = [
    { key: 'not\nlisted', storedAt: 1, partial: false, deletedLocally: false, size: 10 },
    { key: '', storedAt: 1, partial: false, deletedLocally: false, size: 10 },
  ];
  let forgotten;
  const store = {
    load: async (...a) => {
      const state = await inner.load(...a);
      return { ...state, records: [...state.records, ...odd] };
    },
    put: (...a) => inner.put(...a),
    forget: (account, keys) => {
      forgotten = keys;
      return inner.forget(account, keys.filter((key) => !odd.some((r) => r.key === key)));
    },
    setLastLogin: (...a) => inner.setLastLogin(...a),
    list: (...a) => inner.list(...a),
  };
  const result = await syncAccount(connect(), login('plain'), store, { retention: 'keep' });
  expect(result).toMatchObject({ fetched: 40, forgotten: 2 });
  expect(forgotten.sort()).toEqual(['', 'not\nlisted']);
  await inner.close();
});
