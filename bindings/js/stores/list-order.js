/**
 * The order of list() in every store: by account, then oldest first, then by key. Plain code-unit
 * comparison, not localeCompare, so the order does not depend on the user's locale.
 * @param {{ account: string, storedAt: number, key: string }} a
 * @param {{ account: string, storedAt: number, key: string }} b
 */
export function listOrder(a, b) {
  if (a.account !== b.account) return a.account < b.account ? -1 : 1;
  if (a.storedAt !== b.storedAt) return a.storedAt - b.storedAt;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
