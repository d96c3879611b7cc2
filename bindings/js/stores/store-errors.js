/**
 * The errors of the message stores. They are Pop3Errors like every failure of the library, so an
 * app handles a full disk during a sync the same way it handles a dropped connection: by `code`.
 */
import { Pop3Error } from '../errors.js';

/** The codes only stores raise (INVALID_ARGUMENT, INVALID_STATE and UNSUPPORTED are shared). */
export const StoreErrorCode = Object.freeze({
  /** Another store object (this process or another) holds the account. */
  STORE_LOCKED: 'STORE_LOCKED',
  /** The store's bookkeeping cannot be read; it is left as found for a human to look at. */
  STORE_CORRUPT: 'STORE_CORRUPT',
  /** No space left (disk full, quota, IndexedDB quota). */
  STORE_FULL: 'STORE_FULL',
  /** Any other failure to read or write the store. */
  STORE_FAILED: 'STORE_FAILED',
});

const FULL_ERRNOS = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Wraps a file-system or IndexedDB failure in a Pop3Error; Pop3Errors pass through unchanged.
 * @param {unknown} error
 * @param {string} doing what the store was doing, e.g. 'storing message "uid1" of alice@pop'
 * @returns {Pop3Error}
 */
export function storeFailure(error, doing) {
  if (error instanceof Pop3Error) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const full = FULL_ERRNOS.has(error?.code) || error?.name === 'QuotaExceededError';
  return new Pop3Error(
    full ? StoreErrorCode.STORE_FULL : StoreErrorCode.STORE_FAILED,
    full ? `${doing}: no space left (${reason}); free some space and sync again` : `${doing}: ${reason}`,
    { cause: error },
  );
}
