// The browser transport in headless Chromium: a page loads pop3-wasm (JS + WASM), connects
// through the bridge to Dovecot with TLS in the page's WASM module, and fetches every message.
import { createHash } from 'node:crypto';

import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { openBridgePage } from '../harness/bridge-page.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages, largeMessage } from '../fixtures/messages.mjs';

const pki = testPki();
const messages = [...fixtureMessages().map((f) => f.bytes), largeMessage(2 * 1024 * 1024, 21)];
let dovecot;
let bridge;
let browser;

beforeAll(async () => {
  dovecot = await startDovecot({ users: { alice: { password: 'browser-pw', messages } }, tls: pki.server, mechanisms: 'plain login scram-sha-256 apop' });
  ({ browser, bridge } = await openBridgePage([dovecot.pop3sPort, dovecot.port]));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.stop();
  await dovecot?.stop();
});

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

test.each([
  ['implicit', () => dovecot.pop3sPort],
  ['starttls', () => dovecot.port],
])('Chromium fetches every message through the bridge (tls: %s, in the WASM engine)', async (tls, port) => {
  const result = await browser.page.evaluate((options) => window.fetchMail(options), {
    bridge: bridge.url,
    host: 'localhost',
    port: port(),
    tls,
    ca: pki.caPem,
    user: 'alice',
    password: 'browser-pw',
  });
  expect(result.secure).toBe(true);
  expect(result.tls).toMatchObject({ protocol: 'TLSv1.3', engine: 'wasm' });
  expect(result.mechanism).toBe('SCRAM-SHA-256');
  expect(result.hashes).toEqual(messages.map((m) => sha256(toWire(m))));
  expect(result.transcript.join('\n')).not.toContain('browser-pw');
});

test('a target the bridge does not allow fails in the page with the reason', async () => {
  const error = await browser.page.evaluate((options) => window.failToConnect(options), {
    bridge: bridge.url,
    host: 'localhost',
    port: 1,
    tls: 'implicit',
  });
  expect(error).toMatchObject({ name: 'Pop3Error', code: 'CONNECTION_FAILED' });
  expect(error.message).toMatch(/not allowed/);
});
