// MaildirStore on a real file system: what a mail client sees in the Maildir, what the sync
// engine gets back from load(), and what survives a process killed (SIGKILL) in the middle of
// a put(). Nothing here is mocked: real files, real fsync, real child processes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MaildirStore } from '../../bindings/js/stores/maildir-store.js';
import { fixtureMessages } from '../fixtures/messages.mjs';
import { toWire } from '../harness/dovecot.mjs';

const storeModule = fileURLToPath(new URL('../../bindings/js/stores/maildir-store.js', import.meta.url));
const ALICE = 'alice@pop.example.com:995';
const BOB = 'bob@pop.other.example:110';
// Real messages, as POP3 delivers them: CRLF line ends, 8-bit bytes.
const [plain, dotLines, eightBit] = fixtureMessages().map((f) => new Uint8Array(toWire(f.bytes)));

const dirs = [];
const stores = [];
async function freshDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-maildir-'));
  dirs.push(dir);
  return dir;
}
function storeAt(dir) {
  const store = new MaildirStore(dir);
  stores.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const full = (key, size = 1000) => ({ key, storedAt: 1_800_000_000, partial: false, size });
const headersOnly = (key, size = 1000) => ({ key, storedAt: 1_800_000_000, partial: true, size });
const headersOf = (message) => message.subarray(0, Buffer.from(message).indexOf('\r\n\r\n') + 4);
const filesIn = async (dir, sub) => (await readdir(path.join(dir, sub))).filter((n) => !n.startsWith('.'));
const tagOf = (account, key) => createHash('sha256').update(`${account}\0${key}`).digest('hex').slice(0, 32);

async function* chunked(bytes, size) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

// Runs `script` (an ES module body with `store`, `ALICE` and the fixtures in scope) in a child
// process that SIGKILLs itself when the store reaches `crashAt`.
function runChild(dir, crashAt, script) {
  const code = `
    import { MaildirStore } from ${JSON.stringify(storeModule)};
    const crashAt = ${JSON.stringify(crashAt)};
    const store = new MaildirStore(${JSON.stringify(dir)}, {
      onCheckpoint: (name) => { if (name === crashAt) process.kill(process.pid, 'SIGKILL'); },
    });
    const ALICE = ${JSON.stringify(ALICE)};
    const bytes = (b64) => new Uint8Array(Buffer.from(b64, 'base64'));
    ${script}
    await store.close();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout }));
  });
}

test('a message round-trips byte for byte and a mail client finds it in new/', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  expect(await store.load(ALICE, ['uid-1'])).toEqual({ records: [], lastLogin: undefined });

  await store.put(ALICE, full('uid-1', eightBit.length), eightBit);
  await store.setLastLogin(ALICE, 1_800_000_123_456);

  const [name] = await filesIn(dir, 'new');
  expect(name).toMatch(new RegExp(`^\\d+\\.M\\d+P${process.pid}Q\\d+R[0-9a-f]+\\.[^/:]+,S=${eightBit.length},K=${tagOf(ALICE, 'uid-1')}$`));
  expect(new Uint8Array(await readFile(path.join(dir, 'new', name)))).toEqual(eightBit);  // CRLF kept
  expect(await filesIn(dir, 'tmp')).toEqual([]);
  expect(await filesIn(dir, 'cur')).toEqual([]);

  expect(await store.load(ALICE, ['uid-1'])).toEqual({
    records: [{ key: 'uid-1', storedAt: 1_800_000_000, partial: false, deletedLocally: false, size: eightBit.length }],
    lastLogin: 1_800_000_123_456,
  });
  const [message] = await store.list(ALICE);
  expect(message).toMatchObject({ account: ALICE, key: 'uid-1', partial: false, storedAt: 1_800_000_000 });
  expect(await message.read()).toEqual(eightBit);

  // Another process (here: a new store object after close) sees the same.
  await store.close();
  const again = storeAt(dir);
  expect((await again.load(ALICE, ['uid-1'])).records).toHaveLength(1);
  expect(await (await again.list())[0].read()).toEqual(eightBit);
});

test('storing a key twice keeps one copy and does not read the second stream', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await store.put(ALICE, full('uid-1'), plain);

  let pulled = 0;
  let cancelled = false;
  const second = {
    [Symbol.asyncIterator]() {
      return {
        next: async () => ({ value: new Uint8Array(pulled++ ? 0 : 10), done: pulled > 1 }),
        return: async () => {
          cancelled = true;
          return { value: undefined, done: true };
        },
      };
    },
  };
  await store.put(ALICE, full('uid-1'), second);
  await store.put(ALICE, headersOnly('uid-1'), headersOf(plain));  // less than what is stored
  expect(pulled).toBe(0);
  expect(cancelled).toBe(true);

  expect(await filesIn(dir, 'new')).toHaveLength(1);
  expect((await store.load(ALICE, ['uid-1'])).records).toHaveLength(1);
  expect(await (await store.list(ALICE))[0].read()).toEqual(plain);
});

test('concurrent puts of one key leave one copy', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await Promise.all([1, 2, 3].map(() => store.put(ALICE, full('uid-1'), chunked(plain, 7))));
  expect(await filesIn(dir, 'new')).toHaveLength(1);
  expect(await filesIn(dir, 'tmp')).toEqual([]);
  expect(await (await store.list())[0].read()).toEqual(plain);
});

test('a full copy replaces a headers-only copy', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await store.put(ALICE, headersOnly('uid-1', plain.length), headersOf(plain));
  expect((await store.load(ALICE, ['uid-1'])).records[0]).toMatchObject({ partial: true, deletedLocally: false });
  expect(await filesIn(dir, 'new')).toEqual([expect.stringMatching(/,P=1$/)]);

  await store.put(ALICE, full('uid-1', plain.length), plain);
  const names = await filesIn(dir, 'new');
  expect(names).toEqual([expect.stringMatching(new RegExp(`,S=${plain.length},K=[0-9a-f]{32}$`))]);
  expect((await store.load(ALICE, ['uid-1'])).records).toEqual([
    { key: 'uid-1', storedAt: 1_800_000_000, partial: false, deletedLocally: false, size: plain.length },
  ]);
  expect(await (await store.list())[0].read()).toEqual(plain);
});

test('a message the user deleted is deletedLocally; one a mail client read and moved to cur/ is not', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  for (const [key, bytes] of [['read', plain], ['deleted', dotLines], ['trashed', eightBit]]) {
    await store.put(ALICE, full(key), bytes);
  }
  const byKey = async () => Object.fromEntries((await store.load(ALICE, ['read', 'deleted', 'trashed'])).records.map((r) => [r.key, r.deletedLocally]));
  const named = async (key) => (await filesIn(dir, 'new')).find((n) => n.includes(`K=${tagOf(ALICE, key)}`));

  // What mutt, Dovecot or Thunderbird do: move to cur/ with ':2,' and flags.
  await rename(path.join(dir, 'new', await named('read')), path.join(dir, 'cur', `${await named('read')}:2,RS`));
  await unlink(path.join(dir, 'new', await named('deleted')));
  await rename(path.join(dir, 'new', await named('trashed')), path.join(dir, 'cur', `${await named('trashed')}:2,ST`));

  expect(await byKey()).toEqual({ read: false, deleted: true, trashed: true });
  const listed = await store.list(ALICE);
  expect(listed.map((m) => m.key)).toEqual(['read']);
  expect(await listed[0].read()).toEqual(plain);
  // Still no duplicate when the sync engine offers a message again.
  await store.put(ALICE, full('read'), plain);
  await store.put(ALICE, full('deleted'), dotLines);
  expect(await filesIn(dir, 'new')).toEqual([]);
});

test('a listed message can still be read after a mail client moved it', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await store.put(ALICE, full('uid-1'), plain);
  const [message] = await store.list();
  const [name] = await filesIn(dir, 'new');
  await rename(path.join(dir, 'new', name), path.join(dir, 'cur', `${name}:2,S`));
  expect(await message.read()).toEqual(plain);
  const chunks = [];
  for await (const chunk of message.stream()) chunks.push(chunk);
  expect(new Uint8Array(Buffer.concat(chunks))).toEqual(plain);
});

test('killed after the message was committed but before its record: found again, not duplicated', async () => {
  const dir = await freshDir();
  const child = await runChild(
    dir,
    'file-committed',
    `await store.put(ALICE, { key: 'uid-1', storedAt: 1800000000, partial: false, size: 1 }, bytes(${JSON.stringify(Buffer.from(plain).toString('base64'))}));`,
  );
  expect(child.signal).toBe('SIGKILL');
  expect(await filesIn(dir, 'new')).toHaveLength(1);

  const store = storeAt(dir);  // also takes over the lock the killed process left
  const { records } = await store.load(ALICE, ['uid-0', 'uid-1']);
  expect(records).toEqual([
    { key: 'uid-1', storedAt: expect.any(Number), partial: false, deletedLocally: false, size: plain.length },
  ]);
  expect(Math.abs(records[0].storedAt - Date.now() / 1000)).toBeLessThan(60);  // from the file's name
  await store.put(ALICE, full('uid-1'), plain);
  expect(await filesIn(dir, 'new')).toHaveLength(1);
  expect(await (await store.list())[0].read()).toEqual(plain);

  // The same crash, then the sync engine offers the message again before any load().
  const other = await freshDir();
  await runChild(other, 'file-committed', `await store.put(ALICE, { key: 'uid-1', storedAt: 1800000000, partial: false, size: 1 }, bytes(''));`);
  const eager = storeAt(other);
  await eager.put(ALICE, full('uid-1'), plain);
  expect(await filesIn(other, 'new')).toHaveLength(1);
  expect((await eager.load(ALICE, ['uid-1'])).records).toEqual([expect.objectContaining({ key: 'uid-1', partial: false })]);
});

test('killed before the message was committed: nothing stored, stored once on the next try', async () => {
  const dir = await freshDir();
  const child = await runChild(
    dir,
    'file-written',
    `await store.put(ALICE, { key: 'uid-1', storedAt: 1800000000, partial: false, size: 1 }, bytes(${JSON.stringify(Buffer.from(plain).toString('base64'))}));`,
  );
  expect(child.signal).toBe('SIGKILL');
  expect(await filesIn(dir, 'new')).toEqual([]);

  const store = storeAt(dir);
  expect((await store.load(ALICE, ['uid-1'])).records).toEqual([]);  // the server still has it: download again
  await store.put(ALICE, full('uid-1'), plain);
  expect(await filesIn(dir, 'new')).toHaveLength(1);
});

test('killed while a full copy replaced a partial one: the next load keeps only the full copy', async () => {
  for (const crashAt of ['file-committed', 'state-written']) {
    const dir = await freshDir();
    const before = new MaildirStore(dir);
    await before.put(ALICE, headersOnly('uid-1'), headersOf(plain));
    await before.close();
    const crash = await runChild(
      dir,
      crashAt,
      `await store.put(ALICE, { key: 'uid-1', storedAt: 1800000000, partial: false, size: 1 }, bytes(${JSON.stringify(Buffer.from(plain).toString('base64'))}));`,
    );
    expect(crash.signal).toBe('SIGKILL');
    expect(await filesIn(dir, 'new')).toHaveLength(2);

    const store = storeAt(dir);
    expect((await store.load(ALICE, ['uid-1'])).records).toEqual([
      expect.objectContaining({ key: 'uid-1', partial: false, deletedLocally: false }),
    ]);
    expect(await filesIn(dir, 'new')).toEqual([expect.not.stringMatching(/P=1/)]);
    expect(await (await store.list())[0].read()).toEqual(plain);
  }
});

test('several accounts share one store without mixing their messages', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await store.put(ALICE, full('uid-1'), plain);
  await store.put(BOB, full('uid-1'), dotLines);  // the same UID on another server
  await store.put(BOB, full('uid-2'), eightBit);
  await store.setLastLogin(BOB, 42);

  expect(await filesIn(dir, 'new')).toHaveLength(3);
  expect((await store.load(ALICE, ['uid-1'])).records.map((r) => r.key)).toEqual(['uid-1']);
  expect(await store.load(BOB, ['uid-1', 'uid-2'])).toEqual({
    records: [expect.objectContaining({ key: 'uid-1' }), expect.objectContaining({ key: 'uid-2' })],
    lastLogin: 42,
  });
  const all = await store.list();
  expect(all.map((m) => [m.account, m.key])).toEqual([[ALICE, 'uid-1'], [BOB, 'uid-1'], [BOB, 'uid-2']]);
  expect(await all[1].read()).toEqual(dotLines);
  expect((await store.list(ALICE)).map((m) => m.key)).toEqual(['uid-1']);

  // forget() drops the record (the server deleted the message) but the local copy stays listed.
  await store.forget(BOB, ['uid-1']);
  expect((await store.load(BOB, ['uid-2'])).records.map((r) => r.key)).toEqual(['uid-2']);
  expect((await store.load(ALICE, ['uid-1'])).records.map((r) => r.key)).toEqual(['uid-1']);
  expect((await store.list(BOB)).map((m) => m.key)).toEqual(['uid-1', 'uid-2']);
  expect(await filesIn(dir, 'new')).toHaveLength(3);
});

test('a 20 MB message is streamed to disk chunk by chunk, never joined in memory', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  const CHUNK = 64 * 1024;
  const TOTAL = 20 * 1024 * 1024;
  const buffer = new Uint8Array(CHUNK);  // reused for every chunk, as a network reader may do
  const hash = createHash('sha256');
  let maxUnwritten = 0;
  async function* network() {
    for (let sent = 0; sent < TOTAL; sent += CHUNK) {
      // Before handing out the next chunk, everything handed out so far must be on disk.
      const [temporary] = await filesIn(dir, 'tmp');
      const written = temporary ? (await stat(path.join(dir, 'tmp', temporary))).size : 0;
      maxUnwritten = Math.max(maxUnwritten, sent - written);
      for (let i = 0; i < CHUNK; i += 4) buffer[i] = (sent + i) % 251;
      buffer.set([13, 10], CHUNK - 2);
      hash.update(buffer);
      yield buffer;
    }
  }
  const before = process.memoryUsage();
  await store.put(ALICE, full('big', TOTAL), network());
  const after = process.memoryUsage();

  expect(maxUnwritten).toBe(0);
  expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(TOTAL / 2);
  const [name] = await filesIn(dir, 'new');
  expect(name).toContain(`,S=${TOTAL},`);
  const [message] = await store.list(ALICE);
  const stored = createHash('sha256');
  for await (const chunk of message.stream()) stored.update(chunk);
  expect(stored.digest('hex')).toBe(hash.digest('hex'));
});

test('an account is locked by one store at a time, across processes too', async () => {
  const dir = await freshDir();
  const first = storeAt(dir);
  const second = storeAt(dir);
  await first.load(ALICE, []);

  const error = await second.put(ALICE, full('uid-1'), plain).catch((e) => e);
  expect(error.code).toBe('STORE_LOCKED');
  expect(error.message).toContain(`process ${process.pid}`);
  expect(error.message).toContain('close that store first');
  await second.load(BOB, []);  // another account of the same store is free

  await first.close();
  await second.put(ALICE, full('uid-1'), plain);
  await second.close();

  // A live process holding the account, then killed: the lock it leaves behind is taken over.
  const holder = spawn(process.execPath, ['--input-type=module', '-e', `
    import { MaildirStore } from ${JSON.stringify(storeModule)};
    await new MaildirStore(${JSON.stringify(dir)}).load(${JSON.stringify(ALICE)}, []);
    console.log('holding');
    setInterval(() => {}, 1000);`]);
  await new Promise((resolve) => holder.stdout.once('data', resolve));
  const third = storeAt(dir);
  const held = await third.load(ALICE, []).catch((e) => e);
  expect(held.code).toBe('STORE_LOCKED');
  expect(held.message).toContain(`process ${holder.pid}`);
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('close', resolve));
  expect((await third.load(ALICE, ['uid-1'])).records.map((r) => r.key)).toEqual(['uid-1']);
});

test('opening removes deliveries abandoned in tmp/ more than 36 hours ago, and only those', async () => {
  const dir = await freshDir();
  await (await MaildirStore.open(dir)).close();
  const old = path.join(dir, 'tmp', '1700000000.M1P1Q1.host');
  const recent = path.join(dir, 'tmp', '1700000001.M1P1Q1.host');
  await writeFile(old, 'abandoned');
  await writeFile(recent, 'being written');
  const longAgo = new Date(Date.now() - 37 * 3600 * 1000);
  await utimes(old, longAgo, longAgo);
  stores.push(await MaildirStore.open(dir));
  expect(await filesIn(dir, 'tmp')).toEqual([path.basename(recent)]);
});

test('unreadable bookkeeping fails with STORE_CORRUPT and is left as found', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  await store.put(ALICE, full('uid-1'), plain);
  await store.close();
  const [stateFile] = (await readdir(path.join(dir, 'pop3-wasm-state', 'accounts'))).filter((n) => n.endsWith('.json'));
  const statePath = path.join(dir, 'pop3-wasm-state', 'accounts', stateFile);
  await writeFile(statePath, '{"format":1,"acc');
  const error = await storeAt(dir).load(ALICE, ['uid-1']).catch((e) => e);
  expect(error.code).toBe('STORE_CORRUPT');
  expect(error.message).toContain(statePath);
  expect(await readFile(statePath, 'utf8')).toBe('{"format":1,"acc');
});

test('wrong arguments fail before anything is written', async () => {
  const dir = await freshDir();
  const store = storeAt(dir);
  for (const call of [
    () => store.put('', full('k'), plain),
    () => store.put(ALICE, { key: 'k', storedAt: 1, size: 1 }, plain),
    () => store.put(ALICE, full('k'), 'a string'),
    () => store.load(ALICE, [1]),
  ]) {
    await expect(call()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  }
  await store.close();
  await expect(store.load(ALICE, [])).rejects.toMatchObject({ code: 'INVALID_STATE' });
});
