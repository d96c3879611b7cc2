/**
 * Argument checks shared by the stores. A store is where "nothing lost" is decided, so a wrong
 * argument fails loudly before anything is written instead of storing a message under a bad key.
 */
import { Pop3Error } from '../errors.js';

const invalid = (message) => new Pop3Error('INVALID_ARGUMENT', message);

/** @param {unknown} account */
export function checkAccount(account) {
  if (typeof account !== 'string' || account === '') throw invalid('account must be a non-empty string');
}

/** @param {unknown} keys */
export function checkKeys(keys, name = 'keys') {
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k === '')) {
    throw invalid(`${name} must be an array of non-empty strings`);
  }
}

/** @param {unknown} record */
export function checkPutRecord(record) {
  if (record === null || typeof record !== 'object') throw invalid('record must be an object');
  const { key, storedAt, partial, size } = /** @type {any} */ (record);
  if (typeof key !== 'string' || key === '') throw invalid('record.key must be a non-empty string');
  if (!Number.isFinite(storedAt)) throw invalid('record.storedAt must be a number (unix seconds)');
  if (typeof partial !== 'boolean') throw invalid('record.partial must be a boolean');
  if (!Number.isSafeInteger(size) || size < 0) throw invalid('record.size must be a non-negative integer');
}

/** @param {unknown} content */
export function checkContent(content) {
  const ok = content instanceof Uint8Array || (content != null && typeof content[Symbol.asyncIterator] === 'function');
  if (!ok) throw invalid('content must be a Uint8Array or an AsyncIterable<Uint8Array>');
}

/** @param {unknown} unixMs */
export function checkTime(unixMs) {
  if (!Number.isFinite(unixMs)) throw invalid('the time must be a number (unix milliseconds)');
}

/** @param {unknown} items a putBatch() argument: [{ record, content }] */
export function checkBatch(items) {
  if (!Array.isArray(items)) throw invalid('items must be an array of { record, content }');
  for (const item of items) {
    if (item === null || typeof item !== 'object') throw invalid('each item must be { record, content }');
    checkPutRecord(item.record);
    checkContent(item.content);
  }
}
