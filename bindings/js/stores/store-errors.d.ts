import type { Pop3Error } from '../index.js';
import type { StoreErrorCodeName } from './store-types.js';

/** The codes only stores raise; see StoreErrorCodeName. */
export declare const StoreErrorCode: Readonly<{ [K in StoreErrorCodeName]: K }>;
/** Wraps a file-system or IndexedDB failure in a Pop3Error; Pop3Errors pass through unchanged. */
export declare function storeFailure(error: unknown, doing: string): Pop3Error;
