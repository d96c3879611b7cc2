// Our client in headless Chromium, through the bridge, fetching 2,000 messages of 4 KB from
// Dovecot behind a proxy that adds `delayMs` each way (between the bridge and Dovecot, where a
// real network would be): `Promise.all` over retrieve(), the natural `for await` loop over
// messages(), and that loop parsing each message as it arrives (pop3-wasm/mime). The same run
// measures our client in Node directly against the same proxy, so the browser's cost (the
// bridge hop, the page's event loop) shows as a ratio, and parsing's cost against the fetch alone.
import { Pop3Client } from '../../bindings/js/node.js';
import { openBridgePage } from '../../tests/harness/bridge-page.mjs';
import { startMaildropServer } from './maildrop.mjs';

// Runs in the page. `mode`: 'all' (Promise.all), 'loop' (messages()), 'parse' (messages() and
// parseMessage() on each, reading its subject).
async function fetchInPage({ bridge, host, port, user, password, mode }) {
  const { Pop3Client } = await import('/bindings/js/index.js');
  const mime = mode === 'parse' ? await import('/bindings/js/mime.js') : null;
  if (mime) await mime.loadMime();  // loaded before the clock starts, as in a page that parses
  const start = performance.now();
  const client = await Pop3Client.connect({ bridge, host, port, tls: 'none', allowInsecureAuth: true, timeoutMs: 120_000 });
  await client.login({ user, password, method: 'user' });
  let bytes = 0;
  let count = 0;
  let subjects = 0;
  if (mode === 'all') {
    const list = await client.list();
    for (const body of await Promise.all(list.map((m) => client.retrieve(m.number)))) {
      bytes += body.length;
      count += 1;
    }
  } else {
    for await (const message of client.messages()) {
      bytes += message.bytes.length;
      count += 1;
      if (mime) {
        const parsed = await mime.parseMessage(message.bytes);
        if (parsed.subject !== null) subjects += 1;
        parsed.close();
      }
    }
  }
  await client.quit();
  return { seconds: (performance.now() - start) / 1000, bytes, count, subjects };
}

// The same two fetches in Node, straight to the proxy.
async function inNode({ host, port, user, password, mode }) {
  const start = performance.now();
  const client = await Pop3Client.connect({ host, port, tls: 'none', allowInsecureAuth: true, timeoutMs: 120_000 });
  await client.login({ user, password, method: 'user' });
  const bodies = [];
  if (mode === 'all') bodies.push(...(await Promise.all((await client.list()).map((m) => client.retrieve(m.number)))));
  else for await (const message of client.messages()) bodies.push(message.bytes);
  await client.quit();
  const bytes = bodies.reduce((n, b) => n + b.length, 0);
  return { seconds: (performance.now() - start) / 1000, bytes, count: bodies.length };
}

/**
 * @returns {Promise<{count: number, rttMs: number, results: Record<'node-all'|'node-loop'|'chromium-all'|
 *   'chromium-loop'|'chromium-parse', {seconds: number, bytes: number, count: number}>}>}
 */
export async function browserFetchBenchmark({ count = 2000, delayMs = 10 } = {}) {
  const server = await startMaildropServer({ count, delayMs });
  const { expectedBytes } = server;
  const target = { ...server.target, host: 'localhost' };  // the name the bridge's allow rule uses
  let page;
  try {
    page = await openBridgePage([target.port]);
    const { browser, bridge } = page;
    const inPage = (mode) => browser.page.evaluate(fetchInPage, { ...target, bridge: bridge.url, mode });
    const results = {
      'node-all': await inNode({ ...target, mode: 'all' }),
      'node-loop': await inNode({ ...target, mode: 'loop' }),
      'chromium-all': await inPage('all'),
      'chromium-loop': await inPage('loop'),
      'chromium-parse': await inPage('parse'),
    };
    for (const [name, r] of Object.entries(results)) {
      if (r.count !== count || r.bytes !== expectedBytes) {
        throw new Error(`${name} fetched ${r.count} messages, ${r.bytes} bytes; expected ${count}, ${expectedBytes}`);
      }
    }
    if (results['chromium-parse'].subjects !== count) throw new Error('a parsed message had no subject');
    return { count, rttMs: 2 * delayMs, results };
  } finally {
    await page?.bridge.stop();
    await page?.browser.close();
    await server.stop();
  }
}
