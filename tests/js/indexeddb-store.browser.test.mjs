// IndexedDbStore in a real browser (Debian's Chromium, headless): the page imports the store as
// an ES module, as an app does, and runs each scenario; the test checks what the app would see.
// The crash scenarios reload the page, or kill its renderer, in the middle of a put(), then look
// at what IndexedDB really committed: a message and its record, both or neither.
import { openBrowserPage } from '../harness/browser.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';
import { toWire } from '../harness/dovecot.mjs';

const PAGE = 'tests/e2e/store-page.html';
const ALICE = 'alice@pop.example.com:995';
const BOB = 'bob@pop.other.example:110';
const FIVE_MB = 5 * 1024 * 1024;
const [plain, dotLines, eightBit] = fixtureMessages().map((f) => toWire(f.bytes).toString('base64'));

let browser;
let databases = 0;
const freshName = () => `pop3-wasm-store-test-${++databases}`;

async function pageReady(page = browser.page) {
  await page.waitForFunction(() => window.storeTest !== undefined, null, { timeout: 10_000 });
}

// Runs `scenario` in the page with the store's helpers; prints the page's console on failure.
async function inPage(scenario, arg, page = browser.page) {
  try {
    return await page.evaluate(scenario, { ALICE, BOB, FIVE_MB, ...arg });
  } catch (error) {
    error.message += `\npage log:\n${browser.logs.join('\n')}`;
    throw error;
  }
}

beforeAll(async () => {
  browser = await openBrowserPage({ path: PAGE });
  await pageReady();
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

test('a message round-trips byte for byte and survives closing the store', async () => {
  const result = await inPage(async ({ ALICE, name, message }) => {
    const { IndexedDbStore, fromBase64, toBase64 } = window.storeTest;
    const bytes = fromBase64(message);
    let store = await IndexedDbStore.open(name);
    const before = await store.load(ALICE, ['uid-1']);
    await store.put(ALICE, { key: 'uid-1', storedAt: 1800000000, partial: false, size: bytes.length }, bytes);
    await store.setLastLogin(ALICE, 1800000123456);
    await store.close();
    store = await IndexedDbStore.open(name);
    const after = await store.load(ALICE, ['uid-1']);
    const [listed] = await store.list();
    const read = toBase64(await listed.read());
    const chunks = [];
    for await (const chunk of listed.stream()) chunks.push(...chunk);
    await store.close();
    const { read: _r, stream: _s, ...fields } = listed;
    return { before, after, fields, read, streamed: toBase64(Uint8Array.from(chunks)) };
  }, { name: freshName(), message: eightBit });

  expect(result.before).toEqual({ records: [] });
  expect(result.after).toEqual({
    records: [{ key: 'uid-1', storedAt: 1_800_000_000, partial: false, deletedLocally: false, size: Buffer.from(eightBit, 'base64').length }],
    lastLogin: 1_800_000_123_456,
  });
  expect(result.fields).toEqual({ account: ALICE, key: 'uid-1', partial: false, size: Buffer.from(eightBit, 'base64').length, storedAt: 1_800_000_000 });
  expect(result.read).toBe(eightBit);  // CRLF and 8-bit bytes intact
  expect(result.streamed).toBe(eightBit);
});

test('storing a key twice keeps one copy and does not read the second stream', async () => {
  const result = await inPage(async ({ ALICE, name, message }) => {
    const { IndexedDbStore, fromBase64, toBase64, rawDump } = window.storeTest;
    const bytes = fromBase64(message);
    const store = await IndexedDbStore.open(name);
    await store.put(ALICE, { key: 'uid-1', storedAt: 1, partial: false, size: bytes.length }, bytes);
    let pulled = 0;
    let cancelled = false;
    const second = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ value: new Uint8Array(pulled++ ? 0 : 10), done: pulled > 1 }),
        return: async () => ((cancelled = true), { value: undefined, done: true }),
      }),
    };
    await store.put(ALICE, { key: 'uid-1', storedAt: 2, partial: false, size: 10 }, second);
    await store.put(ALICE, { key: 'uid-1', storedAt: 3, partial: true, size: 10 }, new Uint8Array(5));
    await Promise.all([1, 2, 3].map((n) => store.put(ALICE, { key: 'uid-2', storedAt: n, partial: false, size: 3 }, new Uint8Array([n, n, n]))));
    const listed = await store.list(ALICE);
    const out = { pulled, cancelled, keys: listed.map((m) => m.key), first: toBase64(await listed[0].read()), raw: await rawDump(name) };
    await store.close();
    return out;
  }, { name: freshName(), message: plain });

  expect(result.pulled).toBe(0);
  expect(result.cancelled).toBe(true);
  expect(result.keys).toEqual(['uid-1', 'uid-2']);
  expect(result.first).toBe(plain);
  expect(result.raw.records).toHaveLength(2);
  expect(result.raw.contents).toHaveLength(2);
});

test('a full copy replaces a headers-only copy', async () => {
  const result = await inPage(async ({ ALICE, name, message }) => {
    const { IndexedDbStore, fromBase64, toBase64 } = window.storeTest;
    const bytes = fromBase64(message);
    const end = bytes.findIndex((b, i) => b === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10);
    const headers = bytes.subarray(0, end + 4);
    const store = await IndexedDbStore.open(name);
    const record = (partial) => ({ key: 'uid-1', storedAt: 1800000000, partial, size: bytes.length });
    await store.put(ALICE, record(true), headers);
    const asPartial = (await store.load(ALICE, ['uid-1'])).records;
    const partialBytes = (await (await store.list())[0].read()).length;
    await store.put(ALICE, record(false), bytes);
    await store.put(ALICE, record(true), headers);  // less than what is stored: a no-op
    const asFull = (await store.load(ALICE, ['uid-1'])).records;
    const read = toBase64(await (await store.list())[0].read());
    await store.close();
    return { asPartial, partialBytes, headerBytes: headers.length, asFull, read };
  }, { name: freshName(), message: plain });

  expect(result.asPartial).toEqual([expect.objectContaining({ key: 'uid-1', partial: true, deletedLocally: false })]);
  expect(result.partialBytes).toBe(result.headerBytes);
  expect(result.asFull).toEqual([expect.objectContaining({ key: 'uid-1', partial: false, deletedLocally: false })]);
  expect(result.read).toBe(plain);
});

test('deleteLocally drops the bytes and keeps a record marked deletedLocally', async () => {
  const result = await inPage(async ({ ALICE, name, message }) => {
    const { IndexedDbStore, fromBase64, rawDump } = window.storeTest;
    const bytes = fromBase64(message);
    const store = await IndexedDbStore.open(name);
    for (const key of ['keep', 'drop']) await store.put(ALICE, { key, storedAt: 1, partial: false, size: bytes.length }, bytes);
    const deleted = await store.deleteLocally(ALICE, 'drop');
    const unknown = await store.deleteLocally(ALICE, 'never-stored');
    await store.put(ALICE, { key: 'drop', storedAt: 2, partial: false, size: bytes.length }, bytes);  // offered again
    const out = {
      deleted,
      unknown,
      records: (await store.load(ALICE, ['keep', 'drop'])).records.map((r) => [r.key, r.deletedLocally]),
      listed: (await store.list()).map((m) => m.key),
      stored: (await rawDump(name)).contents.map((c) => c.key),
    };
    await store.close();
    return out;
  }, { name: freshName(), message: dotLines });

  expect(result.deleted).toBe(true);
  expect(result.unknown).toBe(false);
  expect(result.records).toEqual([['drop', true], ['keep', false]]);
  expect(result.listed).toEqual(['keep']);
  expect(result.stored).toEqual(['keep']);  // the bytes are really gone
});

test('several accounts share one store without mixing their messages', async () => {
  const result = await inPage(async ({ ALICE, BOB, name, messages }) => {
    const { IndexedDbStore, fromBase64, toBase64 } = window.storeTest;
    const [a, b, c] = messages.map(fromBase64);
    const store = await IndexedDbStore.open(name);
    await store.put(ALICE, { key: 'uid-1', storedAt: 1, partial: false, size: a.length }, a);
    await store.put(BOB, { key: 'uid-1', storedAt: 2, partial: false, size: b.length }, b);  // same UID, other server
    await store.put(BOB, { key: 'uid-2', storedAt: 3, partial: false, size: c.length }, c);
    await store.setLastLogin(BOB, 42);
    const all = await store.list();
    const out = {
      all: all.map((m) => [m.account, m.key]),
      bobFirst: toBase64(await all[1].read()),
      alice: await store.load(ALICE, ['uid-1']),
      bob: await store.load(BOB, ['uid-1', 'uid-2']),
      aliceOnly: (await store.list(ALICE)).map((m) => m.key),
    };
    // The server deleted Bob's uid-1: its record goes, the local copy stays listed.
    await store.forget(BOB, ['uid-1']);
    out.bobAfterForget = (await store.load(BOB, ['uid-2'])).records.map((r) => r.key);
    out.aliceAfterForget = (await store.load(ALICE, ['uid-1'])).records.map((r) => r.key);
    out.bobListed = (await store.list(BOB)).map((m) => m.key);
    // The server lists it again (restored from a backup): still stored, not downloaded twice.
    out.bobRelisted = (await store.load(BOB, ['uid-1', 'uid-2'])).records.map((r) => r.key);
    await store.close();
    return out;
  }, { name: freshName(), messages: [plain, dotLines, eightBit] });

  expect(result.all).toEqual([[ALICE, 'uid-1'], [BOB, 'uid-1'], [BOB, 'uid-2']]);
  expect(result.bobFirst).toBe(dotLines);
  expect(result.alice.records.map((r) => r.key)).toEqual(['uid-1']);
  expect(result.alice.lastLogin).toBeUndefined();
  expect(result.bob.records.map((r) => r.key)).toEqual(['uid-1', 'uid-2']);
  expect(result.bob.lastLogin).toBe(42);
  expect(result.aliceOnly).toEqual(['uid-1']);
  expect(result.bobAfterForget).toEqual(['uid-2']);
  expect(result.aliceAfterForget).toEqual(['uid-1']);
  expect(result.bobListed).toEqual(['uid-1', 'uid-2']);
  expect(result.bobRelisted).toEqual(['uid-1', 'uid-2']);
});

test('a 5 MB message streamed through one reused buffer is stored intact', async () => {
  const result = await inPage(async ({ ALICE, FIVE_MB, name }) => {
    const { IndexedDbStore, message, stream, sha256 } = window.storeTest;
    const bytes = message(FIVE_MB, 7);
    const store = await IndexedDbStore.open(name);
    await store.put(ALICE, { key: 'big', storedAt: 1, partial: false, size: FIVE_MB }, stream(bytes, { chunkSize: 64 * 1024 + 3 }));
    const [stored] = await store.list();
    const read = await stored.read();
    let streamed = 0;
    for await (const chunk of stored.stream()) streamed += chunk.length;
    await store.close();
    return { expected: await sha256(bytes), got: await sha256(read), length: read.length, streamed, size: stored.size };
  }, { name: freshName() });

  expect(result.length).toBe(FIVE_MB);
  expect(result.streamed).toBe(FIVE_MB);
  expect(result.got).toBe(result.expected);
  expect(result.size).toBe(FIVE_MB);
});

// Starts a put of a 5 MB streamed message in the page without waiting for it; `reloadAt` says
// when the page reloads itself: at chunk 10 of 20, `n` ms after the last chunk was read (while
// the transaction runs, or just after), or once put() resolved.
function startPut({ name, key, seed, reloadAt }) {
  return inPage(({ ALICE, FIVE_MB, name, key, seed, reloadAt }) => {
    const { IndexedDbStore, message, stream } = window.storeTest;
    const bytes = message(FIVE_MB, seed);
    const reload = () => location.reload();
    (async () => {
      const store = await IndexedDbStore.open(name);
      const content = stream(bytes, {
        chunkSize: 256 * 1024,
        onChunk: (i) => reloadAt === 'mid-stream' && i === 10 && reload(),
        onEnd: () => typeof reloadAt === 'number' && setTimeout(reload, reloadAt),
      });
      await store.put(ALICE, { key, storedAt: 1, partial: false, size: FIVE_MB }, content);
      if (reloadAt === 'after-put') reload();
    })();
  }, { name, key, seed, reloadAt });
}

// What the database holds after the crashes, read raw and through a reopened store.
async function afterCrashes(name, seeds) {
  return inPage(async ({ ALICE, FIVE_MB, name, seeds }) => {
    const { IndexedDbStore, message, sha256, rawDump } = window.storeTest;
    const expected = {};
    for (const [key, seed] of Object.entries(seeds)) expected[key] = await sha256(message(FIVE_MB, seed));
    const raw = await rawDump(name);
    const store = await IndexedDbStore.open(name);
    const loaded = (await store.load(ALICE, Object.keys(seeds))).records.map((r) => r.key).sort();
    const listed = [];
    for (const m of await store.list(ALICE)) {
      listed.push({ key: m.key, sha256: await m.read().then(sha256, (error) => `unreadable: ${error.message}`) });
    }
    await store.close();
    return { expected, raw, loaded, listed };
  }, { name, seeds });
}

function expectBothOrNeither({ expected, raw, loaded, listed }) {
  const records = new Map(raw.records.map((r) => [r.key, r]));
  const contents = new Map(raw.contents.map((c) => [c.key, c]));
  const committed = [];
  for (const key of Object.keys(expected)) {
    expect([key, records.has(key)]).toEqual([key, contents.has(key)]);
    if (!records.has(key)) continue;
    committed.push(key);
    expect(records.get(key)).toMatchObject({ bytes: FIVE_MB, deletedLocally: false });
    expect(contents.get(key)).toEqual({ account: ALICE, key, size: FIVE_MB, sha256: expected[key] });
  }
  committed.sort();
  expect(loaded).toEqual(committed);
  expect(listed.map((m) => m.key).sort()).toEqual(committed);
  for (const m of listed) expect(m.sha256).toBe(expected[m.key]);
  return committed;
}

test('a reload in the middle of a put leaves the message and its record both stored or both absent', async () => {
  const name = freshName();
  const plan = ['mid-stream', 0, 1, 2, 4, 6, 9, 12, 16, 20, 25, 'after-put'];
  const seeds = {};
  for (const [i, reloadAt] of plan.entries()) {
    const key = `uid-${i}`;
    seeds[key] = 100 + i;
    const reloaded = browser.page.waitForEvent('load', { timeout: 15_000 });
    await startPut({ name, key, seed: seeds[key], reloadAt });
    await reloaded;
    await pageReady();
  }
  const committed = expectBothOrNeither(await afterCrashes(name, seeds));
  expect(committed).not.toContain('uid-0');  // reloaded while streaming: never committed
  expect(committed).toContain(`uid-${plan.length - 1}`);  // reloaded after put() resolved
}, 30_000);

test('a renderer killed in the middle of a put leaves both or neither', async () => {
  const name = freshName();
  const seeds = {};
  for (const [i, delayMs] of [0, 0, 2, 5, 10, 40].entries()) {
    const key = `uid-${i}`;
    seeds[key] = 200 + i;
    // A page of its own each time: a crashed page cannot be reloaded, its storage lives on.
    const page = await browser.context.newPage();
    await page.goto(new URL(PAGE, browser.url).href);
    await pageReady(page);
    const cdp = await browser.context.newCDPSession(page);
    await inPage(({ ALICE, FIVE_MB, name, key, seed }) => {
      const { IndexedDbStore, message, stream } = window.storeTest;
      const bytes = message(FIVE_MB, seed);
      return new Promise((resolve) => {
        (async () => {
          const store = await IndexedDbStore.open(name);
          const content = stream(bytes, { chunkSize: 256 * 1024, onEnd: resolve });
          await store.put(ALICE, { key, storedAt: 1, partial: false, size: FIVE_MB }, content);
        })();
      });
    }, { name, key, seed: seeds[key] }, page);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const crashed = page.waitForEvent('crash', { timeout: 10_000 });
    cdp.send('Page.crash').catch(() => {});  // never answers: the renderer is gone
    await crashed;
    await page.close();
  }
  // A control: one put that finished before its renderer was killed must have survived, or the
  // check above would also pass for a store that keeps nothing at all.
  const done = 'uid-finished';
  seeds[done] = 299;
  const page = await browser.context.newPage();
  await page.goto(new URL(PAGE, browser.url).href);
  await pageReady(page);
  await inPage(async ({ ALICE, FIVE_MB, name, key, seed }) => {
    const { IndexedDbStore, message, stream } = window.storeTest;
    const store = await IndexedDbStore.open(name);
    await store.put(ALICE, { key, storedAt: 1, partial: false, size: FIVE_MB }, stream(message(FIVE_MB, seed), { chunkSize: 256 * 1024 }));
  }, { name, key: done, seed: seeds[done] }, page);
  const cdp = await browser.context.newCDPSession(page);
  const crashed = page.waitForEvent('crash', { timeout: 10_000 });
  cdp.send('Page.crash').catch(() => {});
  await crashed;
  await page.close();
  const committed = expectBothOrNeither(await afterCrashes(name, seeds));
  expect(committed).toContain(done);
}, 40_000);

test('putBatch commits a batch in one transaction: a reload in the middle leaves all of it or none', async () => {
  const name = freshName();
  const BATCH = 8;
  const MESSAGE = 512 * 1024;
  const delays = [0, 1, 3, 6, 10, 20, 40, 'after'];
  for (const [b, reloadAt] of delays.entries()) {
    const reloaded = browser.page.waitForEvent('load', { timeout: 15_000 });
    await inPage(({ ALICE, name, b, BATCH, MESSAGE, reloadAt }) => {
      const { IndexedDbStore, message } = window.storeTest;
      const items = Array.from({ length: BATCH }, (_, i) => ({
        record: { key: `b${b}-${i}`, storedAt: 1, partial: false, size: MESSAGE },
        content: message(MESSAGE, b * 100 + i),
      }));
      (async () => {
        const store = await IndexedDbStore.open(name);
        const putting = store.putBatch(ALICE, items);
        if (typeof reloadAt === 'number') setTimeout(() => location.reload(), reloadAt);
        await putting;
        if (reloadAt === 'after') location.reload();
      })();
    }, { name, b, BATCH, MESSAGE, reloadAt });
    await reloaded;
    await pageReady();
  }
  const raw = await inPage(({ name }) => window.storeTest.rawDump(name), { name });
  const byBatch = new Map();
  for (const r of raw.records) byBatch.set(r.key.split('-')[0], (byBatch.get(r.key.split('-')[0]) ?? 0) + 1);
  // Every batch is whole or absent, and every record has its bytes.
  for (const [batch, count] of byBatch) expect([batch, count]).toEqual([batch, BATCH]);
  expect(raw.contents.map((c) => c.key).sort()).toEqual(raw.records.map((r) => r.key).sort());
  expect(raw.contents.every((c) => c.size === MESSAGE)).toBe(true);
  expect(byBatch.get(`b${delays.length - 1}`)).toBe(BATCH);  // the control: resolved before the reload
}, 60_000);
