/**
 * The rules every store applies to its records, whatever it keeps them in (MaildirStore's
 * journal, IndexedDbStore's object stores), so that the sync engine sees the same answers from
 * both. A record here: { partial, forgotten } plus whether its local copy is gone
 * (`deletedLocally`, which each store learns its own way).
 */

/**
 * A put() of `offered` is a no-op when the stored copy is at least as complete: a full copy, or
 * any copy when only the headers are offered.
 * @param {{ partial: boolean } | undefined | null} existing
 * @param {{ partial: boolean }} offered
 */
export const covers = (existing, offered) => Boolean(existing) && (!existing.partial || offered.partial);

/**
 * forget(): a record whose local copy is gone has nothing left to name and is dropped; one with a
 * copy is kept, marked forgotten, so that list() still names the copy.
 * @param {{ forgotten: boolean }} existing
 * @param {boolean} deletedLocally
 * @returns {'keep' | 'drop' | 'mark'} 'keep': already forgotten
 */
export function forgetting(existing, deletedLocally) {
  if (existing.forgotten) return 'keep';
  return deletedLocally ? 'drop' : 'mark';
}

/**
 * load(): a forgotten record comes back when the server lists its key again and the copy is
 * still here; a forgotten one whose copy is gone is dropped (nothing would name it).
 * @param {{ forgotten: boolean }} existing
 * @param {boolean} listed the server lists the key now
 * @param {boolean} deletedLocally
 * @returns {'revive' | 'drop' | 'keep'}
 */
export function reloading(existing, listed, deletedLocally) {
  if (!existing.forgotten) return 'keep';
  if (deletedLocally) return 'drop';
  return listed ? 'revive' : 'keep';
}

/**
 * What load() reports of a record; forgotten records are not reported (null).
 * @param {string} key
 * @param {{ storedAt: number, partial: boolean, size: number, forgotten: boolean }} entry
 * @param {boolean} deletedLocally
 * @returns {import('./store-types').StoreRecord | null}
 */
export function reported(key, entry, deletedLocally) {
  if (entry.forgotten) return null;
  return { key, storedAt: entry.storedAt, partial: entry.partial, deletedLocally, size: entry.size };
}
