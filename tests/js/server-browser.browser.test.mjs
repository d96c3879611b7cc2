// The embedded server in headless Chromium: the browser entry of pop3-wasm/server runs a session
// in the page and our client fetches the whole sample mailbox through the in-memory transport,
// in clear and over TLS in the WASM engine on both sides, with no network request at all; every
// message is byte-identical (SHA-256) to the sample mailbox as Node builds it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { sampleMessages } from '../../bindings/js/server-node.js';
import { openBrowserPage } from '../harness/browser.mjs';
import { testPki } from '../harness/test-pki.mjs';

const SAMPLE = sampleMessages().map((m) => ({ uid: m.uid, size: m.bytes.length, sha256: createHash('sha256').update(m.bytes).digest('hex') }));

let browser;
let pem;
beforeAll(async () => {
  const pki = testPki();
  pem = { cert: readFileSync(pki.server.certFile, 'utf8'), key: readFileSync(pki.server.keyFile, 'utf8'), ca: pki.caPem };
  browser = await openBrowserPage({ path: 'tests/e2e/server-page.html' });
  await browser.page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 });
});
afterAll(async () => {
  await browser?.close();
});

test('the page builds the same sample mailbox as Node', async () => {
  const inPage = await browser.page.evaluate(() => window.sampleHashes());
  expect(inPage).toEqual(SAMPLE.map(({ uid, sha256 }) => ({ uid, sha256 })));
});

test.each(['none', 'starttls', 'implicit'])('tls %s: the whole sample mailbox, byte-identical, with no network', async (tls) => {
  const before = await browser.page.evaluate(() => window.requests().length);
  const network = [];
  const onRequest = (request) => network.push(request.url());
  browser.page.on('request', onRequest);
  const result = await browser.page.evaluate(([mode, keys]) => window.fetchSample(mode, mode === 'none' ? undefined : keys), [tls, pem]);
  browser.page.off('request', onRequest);
  expect(network).toEqual([]);
  expect(await browser.page.evaluate(() => window.requests().length)).toBe(before);
  expect(result.messages).toEqual(SAMPLE.map((m, i) => ({ number: i + 1, uid: m.uid, size: m.size, length: m.size, sha256: m.sha256 })));
  expect(result.sessions).toBe(0);
  if (tls === 'none') expect(result.secure).toBeNull();
  else expect(result.secure).toMatchObject({ engine: 'wasm', protocol: 'TLSv1.3' });
});
