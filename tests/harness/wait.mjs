// Polling for tests that wait on something outside their control (a server's counters, a
// process's output): a clear error naming what never happened instead of a Jest time-out.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition()` (sync or async) is true; throws after `timeoutMs`. */
export async function waitFor(condition, timeoutMs = 10_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met in ${timeoutMs} ms`);
    await sleep(10);
  }
}
