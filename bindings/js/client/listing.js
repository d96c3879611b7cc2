/**
 * LIST, UIDL and the joined maildrop listing arrive from the core packed (js_values.hpp,
 * packed_listing): the numbers and sizes as typed arrays, the uids as one LF-joined string. The
 * objects are made here, in JS, where making 2,000 of them takes well under a millisecond rather
 * than one boundary crossing per field.
 */

/**
 * @param {{ numbers: Uint32Array, sizes?: Float64Array, uids?: string }} packed
 * @returns {{ number: number, size?: number, uid?: string }[]} `uid` left out where the server
 *   gave none
 */
export function unpackListing({ numbers, sizes, uids }) {
  const ids = uids === undefined ? null : numbers.length === 0 ? [] : uids.split('\n');
  const out = new Array(numbers.length);
  for (let i = 0; i < numbers.length; i++) {
    const entry = { number: numbers[i] };
    if (sizes) entry.size = sizes[i];
    if (ids && ids[i] !== '') entry.uid = ids[i];
    out[i] = entry;
  }
  return out;
}

/** Whether a reply's data is a packed listing (a whole LIST or UIDL) rather than one entry. */
export const isPackedListing = (data) => data !== undefined && data !== null && data.numbers instanceof Uint32Array;
