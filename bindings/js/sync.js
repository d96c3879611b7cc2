/**
 * sync(): download a maildrop into a local store and apply the retention policy, without ever
 * losing or duplicating a message (docs/architecture.md, "Rules every change keeps").
 *
 * Order of safety:
 *   1. LIST + UIDL (pipelined). Servers without UIDL get a documented fallback key, made by the
 *      core from a SHA-256 of the message's headers (TOP n 0) and size.
 *   2. The core assigns keys and plans what to fetch and delete, in one call
 *      (core/src/mailbox/sync_planner.cpp).
 *   3. Messages are fetched pipelined and committed to the store in batches (group commit: one
 *      fsync of the directory and one journal record per batch, one transaction in IndexedDB);
 *      DELE for a message is sent only after the store has durably committed its batch.
 *   4. QUIT only after every planned DELE was accepted. Any failure before that drops the
 *      connection without QUIT: the server enters no UPDATE state and deletes nothing, and the
 *      next sync finds the stored messages in the store and does not fetch them again.
 *   5. Bookkeeping of messages gone from the server is forgotten only after a successful QUIT.
 */
import { Pop3Error } from './errors.js';
import { Pop3Client } from './pop3-client.js';
import { coreOf } from './client/internal.js';
import { assignKeys, planSync } from './sync-plan.js';

// Messages up to this size are retrieved whole (pipelined, fast for small mail) and committed in
// batches; larger ones are streamed into the store alone, with bounded memory.
const WHOLE_MESSAGE_LIMIT = 1 << 20;
// A batch is committed when it holds this many messages or bytes: large enough that the fixed
// cost of a commit (two fsyncs, a journal line) vanishes per message, small enough that DELEs
// follow their messages closely and a failed commit costs little to redo.
const BATCH_MESSAGES = 256;
const BATCH_BYTES = 4 << 20;
// Fetches sent ahead of the store: the pipeline stays full while a batch commits. It is topped up
// once half of it has arrived, not after every message: the RETRs then leave in one write
// instead of one write (and one system call) each.
const AHEAD_MESSAGES = 512;
const AHEAD_BYTES = 8 << 20;

async function sha256Hex(bytes) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// Without UIDL: the core keys a message by a SHA-256 of its headers (TOP n 0) and size. Two
// messages with the same headers and size get "#2" suffixes from the planner and are both kept.
async function headerDigests(client, list, signal) {
  const heads = await Promise.all(list.map((m) => client.top(m.number, 0, { signal })));
  return Promise.all(
    heads.map(async (head, i) => {
      const sized = new Uint8Array(head.length + 16);
      sized.set(head);
      sized.set(new TextEncoder().encode(String(list[i].size).padStart(16, '0')), head.length);
      return (await sha256Hex(sized)).slice(0, 40);
    }),
  );
}

function progressTracker(total, totalBytes, onProgress, clock) {
  const start = clock();
  const state = { count: 0, total, bytes: 0, totalBytes, deleted: 0 };
  return {
    fetched(bytes) {
      state.count += 1;
      state.bytes += bytes;
      this.report();
    },
    deleted() {
      state.deleted += 1;
      this.report();
    },
    report() {
      if (!onProgress) return;
      const seconds = Math.max((clock() - start) / 1000, 1e-3);
      const rate = state.bytes / seconds;
      const remaining = Math.max(state.totalBytes - state.bytes, 0);
      onProgress({ ...state, rate, etaSeconds: rate > 0 ? remaining / rate : undefined });
    },
  };
}

const streamed = (action) => action.kind === 'fetch' && action.size > WHOLE_MESSAGE_LIMIT;

/**
 * Fetches `actions` in listing order, pipelined within AHEAD_*, and hands them to `commit` in
 * batches; one batch is committed while the next one arrives. A streamed message is committed
 * alone, once everything before it is.
 */
async function fetchInBatches(client, actions, commit, nowSeconds, signal) {
  const ahead = [];
  let aheadBytes = 0;
  let issued = 0;
  const issue = () => {
    while (issued < actions.length) {
      const action = actions[issued];
      if (ahead.length > 0 && (streamed(action) || ahead.length >= AHEAD_MESSAGES || aheadBytes + action.size > AHEAD_BYTES)) return;
      let content;
      if (action.kind === 'fetch-headers') content = client.top(action.number, 0, { signal });
      else if (streamed(action)) content = client.retrieveStream(action.number, { signal });
      else content = client.retrieve(action.number, { signal });
      content.catch?.(() => {});  // awaited below, in order; this keeps a later failure from being unhandled meanwhile
      ahead.push({ action, content });
      aheadBytes += action.size;
      issued += 1;
      if (streamed(action)) return;
    }
  };
  const halfArrived = () => ahead.length <= AHEAD_MESSAGES / 2 && aheadBytes <= AHEAD_BYTES / 2;
  let committing = Promise.resolve();
  let batch = [];
  let batchBytes = 0;
  const flush = async () => {
    await committing;  // one batch commits while the next fills: memory stays bounded
    if (batch.length === 0) return;
    committing = commit(batch);
    committing.catch(() => {});
    batch = [];
    batchBytes = 0;
  };
  issue();
  while (ahead.length > 0) {
    const { action, content } = ahead.shift();
    aheadBytes -= action.size;
    const record = { key: action.key, storedAt: nowSeconds, partial: action.kind === 'fetch-headers', size: action.size };
    if (streamed(action)) {
      await flush();
      await committing;
      await commit([{ record, content }]);
      issue();
    } else {
      const bytes = await content;
      if (halfArrived()) issue();  // before a commit may make us wait: the pipeline stays full
      batch.push({ record, content: bytes });
      batchBytes += bytes.length;
      if (batch.length >= BATCH_MESSAGES || batchBytes >= BATCH_BYTES) await flush();
    }
  }
  await flush();
  await committing;
}

/**
 * Synchronises one logged-in session into `store`.
 * @param {import('./pop3-client.js').Pop3Client} client logged in
 * @param {import('./stores/store-types').MessageStore} store
 * @param {object} [policy] { retention: 'keep' | 'delete' | 'keep-days', keepDays, deleteWhenDeletedLocally, maxMessageSize, oversize: 'headers' | 'skip' }
 * @param {object} [options] { account, onProgress, signal, now }
 * @returns {Promise<{fetched: number, bytes: number, deleted: number, warnings: string[], forgotten: number}>}
 */
export async function sync(client, store, policy = {}, options = {}) {
  const { onProgress, signal } = options;
  const clock = options.now ?? (() => Date.now());
  if (!client.authenticated) throw new Pop3Error('INVALID_STATE', 'sync needs a logged-in client');
  const account = options.account ?? client.account;
  try {
    signal?.throwIfAborted();
    const list = await client.list({ signal });
    const digests = list.every((m) => m.uid) ? null : await headerDigests(client, list, signal);
    const { core, connection } = client[coreOf]();
    const keys = assignKeys(core, connection, digests);
    const state = await store.load(account, keys);
    const nowSeconds = Math.floor(clock() / 1000);
    const plan = planSync(core, connection, { list, keys, digests, records: state.records, policy, now: nowSeconds });

    const progress = progressTracker(plan.fetchCount, plan.fetchBytes, onProgress, clock);
    progress.report();
    const deletes = [];
    // Awaited together after the fetches; a handler now keeps an early failure from being reported
    // as unhandled while the fetches are still being awaited.
    const track = (promise) => {
      promise.catch(() => {});
      deletes.push(promise);
    };
    const afterStore = new Map();
    for (const action of plan.actions) {
      if (action.kind === 'delete' && action.afterStore) afterStore.set(action.key, action);
    }
    const commitBatch = async (items) => {
      if (store.putBatch) await store.putBatch(account, items);
      else await Promise.all(items.map((item) => store.put(account, item.record, item.content)));
      for (const { record } of items) {
        progress.fetched(record.size);
        const deletion = afterStore.get(record.key);
        // Durably stored: only now may the server copy be marked for deletion.
        if (deletion) track(client.delete(deletion.number, { signal }).then(() => progress.deleted()));
      }
    };
    await fetchInBatches(client, plan.actions.filter((a) => a.kind !== 'delete'), commitBatch, nowSeconds, signal);
    for (const action of plan.actions) {
      if (action.kind === 'delete' && !action.afterStore) {
        track(client.delete(action.number, { signal }).then(() => progress.deleted()));
      }
    }
    await Promise.all(deletes);
    signal?.throwIfAborted();
    await client.quit();  // UPDATE: the server applies the deletions now
    await store.forget(account, plan.forget);
    return { fetched: plan.fetchCount, bytes: plan.fetchBytes, deleted: plan.deleteCount, warnings: plan.warnings, forgotten: plan.forget.length };
  } catch (error) {
    client.close();  // no QUIT: nothing is deleted on the server
    throw error instanceof Pop3Error ? error : new Pop3Error(signal?.aborted ? 'ABORTED' : 'SYNC_FAILED', `sync failed: ${error.message}`, { cause: error });
  }
}

/**
 * Connects, honours LOGIN-DELAY, logs in and syncs: what `pop3-wasm fetch` does.
 * @param {import('./index.js').ConnectOptions} connectOptions
 * @param {import('./index.js').LoginOptions} credentials
 */
export async function syncAccount(connectOptions, credentials, store, policy = {}, options = {}) {
  const clock = options.now ?? (() => Date.now());
  const account = options.account ?? `${credentials.user}@${connectOptions.host}:${connectOptions.port}`;
  const client = await Pop3Client.connect(connectOptions);
  try {
    const delay = client.capabilities?.loginDelay;
    if (delay) {
      const { lastLogin } = await store.load(account, []);
      const wait = lastLogin === undefined ? 0 : lastLogin + delay * 1000 - clock();
      if (wait > 0) {
        throw new Pop3Error('LOGIN_DELAY', `the server allows one login every ${delay} s: try again in ${Math.ceil(wait / 1000)} s`, {
          responseCode: 'LOGIN-DELAY',
        });
      }
    }
    await client.login(credentials);
    await store.setLastLogin(account, clock());
  } catch (error) {
    client.close();
    throw error;
  }
  return sync(client, store, policy, { ...options, account });
}
