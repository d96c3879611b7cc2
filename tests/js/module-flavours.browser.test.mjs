// The protocol module's flavour in Chromium, where the download is what matters: a page whose
// connection needs no TLS in WASM (tls: 'none' through the bridge, as behind a TLS-terminating
// proxy) fetches pop3-core-lite.wasm and not pop3-core.wasm; a page with TLS in WASM fetches
// pop3-core.wasm only. Each case runs in a freshly loaded page (a new realm, nothing loaded).
import { createHash } from 'node:crypto';

import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { openBridgePage } from '../harness/bridge-page.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const pki = testPki();
const messages = fixtureMessages().map((f) => f.bytes).slice(0, 3);
let dovecot;
let bridge;
let browser;

beforeAll(async () => {
  dovecot = await startDovecot({ users: { alice: { password: 'flavour-pw', messages } }, tls: pki.server, mechanisms: 'plain login scram-sha-256' });
  ({ browser, bridge } = await openBridgePage([dovecot.pop3sPort, dovecot.port]));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.stop();
  await dovecot?.stop();
});

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Reloads the page, fetches every message with `tls`, and names the .wasm files it downloaded. */
async function fetchInFreshPage(tls, port) {
  await browser.page.reload();
  await browser.page.waitForFunction(() => window.ready === true);
  const result = await browser.page.evaluate((options) => window.fetchMail(options), {
    bridge: bridge.url, host: 'localhost', port, tls, ca: pki.caPem, user: 'alice', password: 'flavour-pw',
  });
  const wasm = await browser.page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname.split('/').pop()).filter((name) => name.endsWith('.wasm')),
  );
  return { engine: result.tls?.engine ?? 'none', mechanism: result.mechanism, hashes: result.hashes, wasm };
}

test("tls: 'none' through the bridge downloads only the lite module, and SCRAM logs in with it", async () => {
  expect(await fetchInFreshPage('none', dovecot.port)).toEqual({
    engine: 'none', mechanism: 'SCRAM-SHA-256', hashes: messages.map((m) => sha256(toWire(m))), wasm: ['pop3-core-lite.wasm'],
  });
});

test('TLS in the page downloads only the full module', async () => {
  expect(await fetchInFreshPage('implicit', dovecot.pop3sPort)).toEqual({
    engine: 'wasm', mechanism: 'SCRAM-SHA-256', hashes: messages.map((m) => sha256(toWire(m))), wasm: ['pop3-core.wasm'],
  });
});
