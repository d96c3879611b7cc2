// The MIME module in headless Chromium: loaded only when a message is first parsed, and giving
// the same result as in Node.
import { readFileSync } from 'node:fs';

import { parseMessage } from '../../bindings/js/mime-node.js';
import { mimeCorpus } from '../fixtures/mime-corpus.mjs';
import { openBrowserPage } from '../harness/browser.mjs';

let browser;
beforeAll(async () => {
  browser = await openBrowserPage({ path: 'tests/e2e/mime-page.html' });
  await browser.page.waitForFunction(() => window.ready === true);
});
afterAll(async () => {
  await browser?.close();
});

test('the MIME module is loaded on first use, not with the page', async () => {
  const before = await browser.page.evaluate(() => window.loadedResources());
  expect(before.some((p) => p.endsWith('pop3-mime.wasm'))).toBe(false);
  await browser.page.evaluate(() => window.parse('/tests/fixtures/messages/01-plain.eml'));
  const after = await browser.page.evaluate(() => window.loadedResources());
  expect(after.some((p) => p.endsWith('pop3-mime.wasm'))).toBe(true);
});

test.each(['03-eight-bit.eml', '04-multipart.eml', '05-alternative.eml'])('%s parses in Chromium as in Node', async (name) => {
  const inBrowser = await browser.page.evaluate((path) => window.parse(path), `/tests/fixtures/messages/${name}`);
  const inNode = await parseMessage(readFileSync(new URL(`../fixtures/messages/${name}`, import.meta.url)));
  const { attachments, ...rest } = inBrowser;
  expect(rest).toEqual({ ...inNode.toJSON(), attachments: undefined });
  expect(attachments.map(({ contentLength: _contentLength, ...a }) => a)).toEqual(inNode.attachments.map((a) => ({ ...a })));
  expect(attachments.map((a) => a.contentLength)).toEqual(inNode.attachments.map((a) => a.size));
  inNode.close();
});

// Chromium's TextDecoder is the full WHATWG one: euc-kr includes the UHC syllables that Node 20's
// ICU decoder lacks (docs/mime.md), so messages labelled euc-kr or ks_c_5601-1987 decode whole.
test.each(['charset/mislabel-euc-kr-with-uhc-bytes.eml', 'charset/alias-ks_c_5601-1987-uhc.eml'])('%s decodes the UHC syllables in Chromium', async (name) => {
  const message = mimeCorpus({ huge: false }).find((m) => m.name === name);
  expect(message).toBeDefined();
  const parsed = await browser.page.evaluate((bytes) => window.parseBytes(bytes), [...message.bytes]);
  expect(parsed.text).toContain('똠방각하');
  expect(parsed.text).not.toContain('\ufffd');
  expect(parsed.damage.map((d) => d.kind)).not.toContain('undecodable-text');
});
