/**
 * client.messages(): the natural `for await` loop over a maildrop at pipelined speed. RETRs are
 * sent ahead of the consumer within a window (bytes by the listed sizes, and a count), so a slow
 * link stays full while at most about `windowBytes` of mail waits in memory; messages come out in
 * listing order. A message larger than the window is fetched alone.
 */
const DEFAULT_WINDOW_BYTES = 4 * 1024 * 1024;
const DEFAULT_WINDOW_MESSAGES = 1000;  // the core pipelines at most 1,000 commands (limits.maxPipelinedCommands)

/**
 * @param {import('./pop3-client.js').Pop3Client} client logged in
 * @param {{ numbers?: number[], windowBytes?: number, windowMessages?: number, signal?: AbortSignal, timeoutMs?: number }} options
 * @returns {AsyncGenerator<{ number: number, size: number, uid?: string, bytes: Uint8Array }>}
 */
export async function* pipelinedMessages(client, options = {}) {
  const windowBytes = options.windowBytes ?? DEFAULT_WINDOW_BYTES;
  const windowMessages = options.windowMessages ?? DEFAULT_WINDOW_MESSAGES;
  let list = await client.list({ signal: options.signal, timeoutMs: options.timeoutMs });
  if (options.numbers) {
    const wanted = new Set(options.numbers);
    list = list.filter((m) => wanted.has(m.number));
  }
  // One abort controller per RETR, each with a single listener: a shared signal would collect a
  // listener per command in flight (Node warns past ten).
  const ahead = [];
  const cancelAhead = (reason) => {
    for (const entry of ahead) entry.controller.abort(reason);
  };
  const onAbort = () => cancelAhead(options.signal.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let aheadBytes = 0;
  let next = 0;
  const fill = () => {
    // Topped up once half the window is free (or nothing is ahead), not after every message: the
    // RETRs then leave a few hundred to a write instead of one write each, and the pipeline
    // never runs dry.
    const halfFree = aheadBytes <= windowBytes / 2 && ahead.length <= windowMessages / 2;
    if (ahead.length > 0 && !halfFree) return;
    while (
      next < list.length &&
      (ahead.length === 0 || (ahead.length < windowMessages && aheadBytes + list[next].size <= windowBytes))
    ) {
      const info = list[next++];
      const controller = new AbortController();
      if (options.signal?.aborted) controller.abort(options.signal.reason);
      const bytes = client.retrieve(info.number, { signal: controller.signal, timeoutMs: options.timeoutMs });
      bytes.catch(() => {});  // awaited in order below; a later failure must not go unhandled first
      ahead.push({ info, bytes, controller });
      aheadBytes += info.size;
    }
  };
  try {
    fill();
    while (ahead.length > 0) {
      const { info, bytes } = ahead[0];
      const message = { ...info, bytes: await bytes };
      ahead.shift();
      aheadBytes -= info.size;
      fill();
      yield message;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    cancelAhead(new Error('the loop over client.messages() ended early'));
  }
}
