/**
 * sync(): download a maildrop into a local store and apply the retention policy, without ever
 * losing or duplicating a message (docs/architecture.md, "Rules every change keeps").
 *
 * Order of safety:
 *   1. LIST + UIDL (pipelined). Servers without UIDL get a documented fallback key: a SHA-256 of
 *      the message's headers (TOP n 0) and size, prefixed "hdr:".
 *   2. The core's planner decides what to fetch and delete (core/src/mailbox/sync_planner.cpp).
 *   3. Each message is streamed into the store; DELE for it is sent only after the store has
 *      durably committed it.
 *   4. QUIT only after every planned DELE was accepted. Any failure before that drops the
 *      connection without QUIT: the server enters no UPDATE state and deletes nothing, and the
 *      next sync finds the stored messages in the store and does not fetch them again.
 *   5. Bookkeeping of messages gone from the server is forgotten only after a successful QUIT.
 */
import { Pop3Error } from './errors.js';
import { Pop3Client } from './pop3-client.js';
import { loadCore } from './wasm-module.js';

// Messages up to this size are retrieved whole (pipelined, fast for small mail); larger ones are
// streamed into the store with bounded memory.
const WHOLE_MESSAGE_LIMIT = 1 << 20;
// Fetches in flight at once: enough to fill the pipeline on a slow link, few enough to bound memory.
const FETCH_WINDOW = 16;

async function sha256Hex(bytes) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// Without UIDL: key = "hdr:" + SHA-256(headers + size), from TOP n 0. Two messages with the same
// headers and size get "#2" suffixes from the planner and are both kept, never lost.
async function headerKeys(client, list, signal) {
  const heads = await Promise.all(list.map((m) => client.top(m.number, 0, { signal })));
  return Promise.all(
    heads.map(async (head, i) => {
      const sized = new Uint8Array(head.length + 16);
      sized.set(head);
      sized.set(new TextEncoder().encode(String(list[i].size).padStart(16, '0')), head.length);
      return `hdr:${(await sha256Hex(sized)).slice(0, 40)}`;
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
  const core = await loadCore();
  try {
    signal?.throwIfAborted();
    const list = await client.list({ signal });
    const uids = list.every((m) => m.uid) ? list.map((m) => m.uid) : await headerKeys(client, list, signal);
    const server = list.map((m, i) => ({ number: m.number, size: m.size, uid: uids[i] }));
    const nowSeconds = Math.floor(clock() / 1000);
    const keysOnly = core.planSync({ server, local: [], policy: {}, now: nowSeconds });
    if (keysOnly.error) throw new Pop3Error(keysOnly.error.code, keysOnly.error.message);
    const state = await store.load(account, keysOnly.keys);
    const plan = core.planSync({ server, local: state.records, policy, now: nowSeconds, capabilities: client.capabilities });
    if (plan.error) throw new Pop3Error(plan.error.code, plan.error.message);

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
    const fetches = plan.actions.filter((a) => a.kind !== 'delete');
    const storeOne = async (action) => {
      const partial = action.kind === 'fetch-headers';
      const record = { key: action.key, storedAt: nowSeconds, partial, size: action.size };
      let content;
      if (partial) content = await client.top(action.number, 0, { signal });
      else if (action.size <= WHOLE_MESSAGE_LIMIT) content = await client.retrieve(action.number, { signal });
      else content = client.retrieveStream(action.number, { signal });
      await store.put(account, record, content);
      progress.fetched(action.size);
      const deletion = afterStore.get(action.key);
      // Durably stored: only now may the server copy be marked for deletion.
      if (deletion) track(client.delete(deletion.number, { signal }).then(() => progress.deleted()));
    };
    // A sliding window of fetches: commands are pipelined, stores run in listing order.
    let next = 0;
    const workers = Array.from({ length: Math.min(FETCH_WINDOW, fetches.length) }, async () => {
      while (next < fetches.length) await storeOne(fetches[next++]);
    });
    await Promise.all(workers);
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
