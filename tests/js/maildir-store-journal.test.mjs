// MaildirStore's bookkeeping on a real file system: the append-only journal (group commit, a torn
// last line after a crash, damage, compaction) and the migration of the state format written
// before the journal. Real files and child processes killed with SIGKILL; nothing mocked.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MaildirStore } from '../../bindings/js/stores/maildir-store.js';
import { fixtureMessages } from '../fixtures/messages.mjs';
import { toWire } from '../harness/dovecot.mjs';

const storeModule = fileURLToPath(new URL('../../bindings/js/stores/maildir-store.js', import.meta.url));
const ALICE = 'alice@pop.example.com:995';
const fixtures = fixtureMessages().map((f) => new Uint8Array(toWire(f.bytes)));
const messageOf = (i) => fixtures[i % fixtures.length];
const record = (i) => ({ key: `uid-${i}`, storedAt: 1_800_000_000 + i, partial: false, size: messageOf(i).length });
const keys = (from, to) => Array.from({ length: to - from }, (_, i) => `uid-${from + i}`);

const dirs = [];
const stores = [];
async function freshDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-journal-'));
  dirs.push(dir);
  return dir;
}
function storeAt(dir, options) {
  const store = new MaildirStore(dir, options);
  stores.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const stateDir = (dir) => path.join(dir, 'pop3-wasm-state', 'accounts');
const stateFiles = async (dir) => {
  const names = await readdir(stateDir(dir));
  const find = (ext) => names.find((n) => n.endsWith(ext));
  return { snapshot: path.join(stateDir(dir), find('.json')), journal: path.join(stateDir(dir), find('.json').replace(/\.json$/, '.journal')) };
};
const journalLines = async (dir) => (await readFile((await stateFiles(dir)).journal, 'utf8')).split('\n').filter(Boolean);
const messageFiles = async (dir) => [...(await readdir(path.join(dir, 'new'))), ...(await readdir(path.join(dir, 'cur')))];
const batchOf = (from, to) => keys(from, to).map((_, i) => ({ record: record(from + i), content: messageOf(from + i) }));
const sortedKeys = (state) => state.records.map((r) => r.key).sort();

test('a batch of messages is committed with one journal line, and survives reopening', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await store.put(ALICE, record(0), messageOf(0));  // the first commit writes the snapshot
  await store.putBatch(ALICE, batchOf(1, 11));
  expect(await journalLines(dir)).toHaveLength(1);
  await store.close();
  const again = storeAt(dir);
  const state = await again.load(ALICE, keys(0, 11));
  expect(sortedKeys(state)).toEqual(keys(0, 11).sort());
  expect(state.records.every((r) => !r.deletedLocally && !r.partial)).toBe(true);
  const stored = await again.list(ALICE);
  for (const m of stored) expect(Buffer.from(await m.read())).toEqual(Buffer.from(messageOf(Number(m.key.slice(4)))));
  expect(await messageFiles(dir)).toHaveLength(11);
});

test('a torn last journal line (a crash mid-append) is ignored, cut off, and loses nothing', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await store.put(ALICE, record(0), messageOf(0));
  await store.putBatch(ALICE, batchOf(1, 4));
  await store.setLastLogin(ALICE, 1_800_000_999_000);
  await store.close();
  // The crash: the last append (the login time) reached the disk only in part.
  const { journal } = await stateFiles(dir);
  const whole = await readFile(journal);
  const lastLine = whole.lastIndexOf(0x0a, whole.length - 2) + 1;
  await truncate(journal, lastLine + Math.floor((whole.length - lastLine) / 2));

  const again = storeAt(dir);
  const state = await again.load(ALICE, keys(0, 5));
  expect(sortedKeys(state)).toEqual(keys(0, 4).sort());
  expect(state.lastLogin).toBeUndefined();  // the torn record is ignored, not half-applied
  await again.put(ALICE, record(4), messageOf(4));
  await again.close();
  // Repaired: the torn bytes were cut off before the next append, so every line is whole.
  const text = await readFile(journal);
  expect(text.subarray(0, lastLine)).toEqual(whole.subarray(0, lastLine));
  const appended = text.subarray(lastLine).toString('utf8');
  expect(appended.indexOf('\n')).toBe(appended.length - 1);  // one whole line, nothing torn before it
  expect(appended).toMatch(/^\{"seq":\d+,"set":\[\{"key":"uid-4"/);
  // The record of uid-4 is in the journal (not merely found again from its file, which load()
  // does only for keys the server lists).
  const third = storeAt(dir);
  expect(sortedKeys(await third.load(ALICE, keys(0, 4)))).toEqual(keys(0, 5).sort());
  expect(await messageFiles(dir)).toHaveLength(5);
});

test('killed in the middle of a batch: files committed without their journal line are found again', async () => {
  const dir = await freshDir();
  const script = (crashAt) => `
    import { MaildirStore } from ${JSON.stringify(storeModule)};
    const store = new MaildirStore(${JSON.stringify(dir)}, {
      onCheckpoint: (name) => { if (name === ${JSON.stringify(crashAt)}) process.kill(process.pid, 'SIGKILL'); },
    });
    const items = ${JSON.stringify(keys(0, 6))}.map((key, i) => ({
      record: { key, storedAt: 1800000000, partial: false, size: 100 + i },
      content: new TextEncoder().encode('Subject: ' + key + '\\r\\n\\r\\nbody ' + i + '\\r\\n'),
    }));
    await store.putBatch(${JSON.stringify(ALICE)}, items);
    await store.close();`;
  const runChild = (crashAt) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script(crashAt)], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(signal));
    });
  expect(await runChild('file-written')).toBe('SIGKILL');
  expect(await messageFiles(dir)).toEqual([]);  // nothing delivered: the server still has them all
  expect(await runChild('file-committed')).toBe('SIGKILL');
  const store = storeAt(dir);
  const state = await store.load(ALICE, keys(0, 6));
  expect(sortedKeys(state)).toEqual(keys(0, 6).sort());
  // Stored once each: putting them again is a no-op.
  await store.putBatch(ALICE, keys(0, 6).map((key) => ({ record: { key, storedAt: 1, partial: false, size: 1 }, content: new Uint8Array(1) })));
  expect(await messageFiles(dir)).toHaveLength(6);
});

test('a damaged journal line before valid ones fails with STORE_CORRUPT and is left as found', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await store.put(ALICE, record(0), messageOf(0));
  await store.put(ALICE, record(1), messageOf(1));
  await store.put(ALICE, record(2), messageOf(2));
  await store.close();
  const { journal } = await stateFiles(dir);
  const text = await readFile(journal, 'utf8');
  const damaged = text.replace('uid-1', 'uid-X');  // the checksum no longer matches
  await writeFile(journal, damaged);
  const error = await storeAt(dir).load(ALICE, keys(0, 3)).catch((e) => e);
  expect(error.code).toBe('STORE_CORRUPT');
  expect(error.message).toContain(journal);
  expect(await readFile(journal, 'utf8')).toBe(damaged);
});

test('the journal is compacted into the snapshot, and a crash between the two changes nothing', async () => {
  const dir = await freshDir();
  const store = storeAt(dir, { compactBytes: 600 });
  for (let i = 0; i < 4; i++) await store.put(ALICE, record(i), messageOf(i));
  const { snapshot, journal } = await stateFiles(dir);
  const before = await readFile(journal);  // entries the next compaction covers: uid-1 not forgotten
  await store.forget(ALICE, ['uid-1']);  // its copy is here: kept, marked forgotten
  for (let i = 4; i < 12; i++) await store.put(ALICE, record(i), messageOf(i));
  const compacted = JSON.parse(await readFile(snapshot, 'utf8'));
  expect(compacted.format).toBe(2);
  expect(compacted.messages.find((m) => m.key === 'uid-1').forgotten).toBe(true);
  expect((await readFile(journal)).length).toBeLessThanOrEqual(Math.max(600, Buffer.byteLength(JSON.stringify(compacted))) + 400);
  await store.close();

  const listed = keys(0, 12).filter((k) => k !== 'uid-1');
  const expected = await storeAt(dir).load(ALICE, listed);
  await stores.pop().close();
  expect(sortedKeys(expected)).toEqual(listed.sort());
  // A crash after the new snapshot but before the journal was emptied leaves the old entries in
  // front of the ones appended since: they must not undo what the snapshot holds.
  await writeFile(journal, Buffer.concat([before, await readFile(journal)]));
  const state = await storeAt(dir).load(ALICE, listed);
  expect(state).toEqual(expected);
});

test('a state written before the journal (format 1) is read, and migrated on the first change', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await store.putBatch(ALICE, batchOf(0, 3));
  await store.close();
  // What the store wrote before the journal existed: the whole state in one JSON file.
  const { snapshot, journal } = await stateFiles(dir);
  const legacy = {
    format: 1,
    account: ALICE,
    lastLogin: 1_800_000_123_000,
    messages: keys(0, 3).map((key, i) => ({ key, storedAt: record(i).storedAt, size: record(i).size, partial: false, forgotten: false })),
  };
  await writeFile(snapshot, JSON.stringify(legacy));
  await rm(journal, { force: true });

  const again = storeAt(dir);
  const state = await again.load(ALICE, keys(0, 4));
  expect(state.lastLogin).toBe(1_800_000_123_000);
  expect(state.records.map((r) => ({ ...r }))).toEqual(
    keys(0, 3).map((key, i) => ({ key, storedAt: record(i).storedAt, size: record(i).size, partial: false, deletedLocally: false })),
  );
  await again.put(ALICE, record(3), messageOf(3));
  const migrated = JSON.parse(await readFile(snapshot, 'utf8'));
  expect(migrated.format).toBe(2);
  expect(migrated.messages.map((m) => m.key).sort()).toEqual(keys(0, 4).sort());
  await again.close();
  expect(sortedKeys(await storeAt(dir).load(ALICE, keys(0, 4)))).toEqual(keys(0, 4).sort());
});
