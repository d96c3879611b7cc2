/**
 * sync()'s calls into the core's planner (core/src/mailbox/sync_planner.cpp): keys for the
 * server's messages, then the plan. The server's listing is not passed: the core reads it from
 * the client's own session (what client.list() returned). The local records go in packed and
 * the plan comes out packed (mailbox_bindings.cpp says why); this file packs and unpacks.
 */
import { Pop3Error } from './errors.js';

const fail = (error) => {
  throw new Pop3Error(error.code, error.message);
};

/**
 * @param {object} core the client's core module
 * @param {object} connection the client's ClientConnection, listed (LIST + UIDL)
 * @param {string[] | null} digests without UIDL: each message's header digest, in listing order
 * @returns {string[]} the local key of each listed message, in listing order
 */
export function assignKeys(core, connection, digests) {
  const keyed = core.assignKeys(connection, digests?.join('\n'));
  if (keyed.error) fail(keyed.error);
  return keyed.keys === '' ? [] : keyed.keys.split('\n');
}

/**
 * @param {object} core
 * @param {object} connection as for assignKeys()
 * @param {{ list: { number: number, size: number }[], keys: string[], digests: string[] | null,
 *   records: import('./stores/store-types').StoreRecord[], policy: object, now: number }} input
 *   `list` and `keys` as client.list() and assignKeys() returned them; `now` in unix seconds
 * @returns {{ actions: { kind: string, number: number, key: string, size: number, afterStore: boolean }[],
 *   forget: string[], warnings: string[], fetchCount: number, fetchBytes: number, deleteCount: number }}
 */
export function planSync(core, connection, { list, keys, digests, records, policy, now }) {
  // Keys are packed LF-separated. A record whose key is empty or holds an LF (a custom store's)
  // matches no server key: it is forgotten, as the planner forgets every unlisted key.
  const planned = [];
  const unplanned = [];
  for (const r of records) (r.key !== '' && !r.key.includes('\n') ? planned : unplanned).push(r);
  const storedAt = new Float64Array(planned.length);
  const flags = new Uint8Array(planned.length);
  planned.forEach((r, i) => {
    storedAt[i] = Number.isFinite(r.storedAt) ? r.storedAt : 0;
    flags[i] = (r.partial ? 1 : 0) | (r.deletedLocally ? 2 : 0);
  });
  const plan = core.planSync({
    connection,
    digests: digests?.join('\n'),
    localKeys: planned.map((r) => r.key).join('\n'),
    localStoredAt: storedAt,
    localFlags: flags,
    policy,
    now,
  });
  if (plan.error) fail(plan.error);
  const actions = [];
  for (let i = 0; i < plan.actions.length; i += 3) {
    const listed = plan.actions[i + 1];
    const { number, size } = list[listed];
    actions.push({ kind: plan.kinds[plan.actions[i]], number, key: keys[listed], size, afterStore: plan.actions[i + 2] === 1 });
  }
  return {
    actions,
    forget: [...Array.from(plan.forget, (i) => planned[i].key), ...unplanned.map((r) => r.key)],
    warnings: plan.warnings,
    fetchCount: plan.fetchCount,
    fetchBytes: plan.fetchBytes,
    deleteCount: plan.deleteCount,
  };
}
