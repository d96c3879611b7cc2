// parseMessage(): the MIME module (GMime in WASM) on real-shaped messages: decoded headers,
// addresses, bodies in UTF-8, attachments decoded on demand, cid: resolution, damage reported,
// streamed input, and retrieveMessage(client, n) against Dovecot.
import { createHash } from 'node:crypto';

import { Pop3Client } from '../../bindings/js/node.js';
import { parseMessage, retrieveMessage } from '../../bindings/js/mime-node.js';
import { startDovecot } from '../harness/dovecot.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const fixtures = Object.fromEntries(fixtureMessages().map((f) => [f.name, f.bytes]));
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('decodes RFC 2047 headers, addresses, the date and 8-bit text', async () => {
  const msg = await parseMessage(fixtures['03-eight-bit.eml']);
  expect(msg.subject).toBe('Grüße aus München');
  expect(msg.from).toEqual([{ name: 'Jörg Müller', address: 'joerg@example.de' }]);
  expect(msg.to).toEqual([{ name: null, address: 'alice@example.com' }]);
  expect(msg.date).toBe('2026-11-26T06:00:00.000Z');
  expect(msg.messageId).toBe('8bit-0001@example.de');
  // The body is ISO-8859-1 (declared): converted to UTF-8.
  expect(msg.text).toContain('Grüße aus München (ISO-8859-1)');
  msg.close();
});

test('finds the text body and decodes a base64 attachment on demand', async () => {
  const msg = await parseMessage(fixtures['04-multipart.eml']);
  expect(msg.text).toBe('Hi Alice, the report is attached. Café at 3?\n.');
  expect(msg.html).toBeNull();
  expect(msg.attachments).toHaveLength(1);
  const [report] = msg.attachments;
  expect(report).toMatchObject({ partId: '2', filename: 'report.bin', contentType: 'application/octet-stream', size: 256, disposition: 'attachment' });
  const bytes = report.content();
  expect(Buffer.from(bytes)).toEqual(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  expect(report.sha256).toBe(sha256(bytes));
  expect(msg.parts.contentType).toBe('multipart/mixed');
  expect(msg.parts.children.map((p) => p.transferEncoding)).toEqual(['quoted-printable', 'base64']);
  msg.close();
  expect(() => msg.content('2')).toThrow(/closed/);
});

test("an attachment's size and SHA-256 are computed when first read, and kept after close()", async () => {
  const msg = await parseMessage(fixtures['04-multipart.eml']);
  const [report] = msg.attachments;
  expect(report.size).toBe(256);
  msg.close();
  expect(report.size).toBe(256);  // read before close(): kept
  expect(() => report.sha256).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  const again = await parseMessage(fixtures['04-multipart.eml']);
  const json = JSON.parse(JSON.stringify(again));  // reads them, as the field list says
  expect(json.attachments[0]).toMatchObject({ size: 256, sha256: sha256(Buffer.from(Array.from({ length: 256 }, (_, i) => i))) });
  again.close();
});

test('picks text and HTML from multipart/alternative', async () => {
  const msg = await parseMessage(fixtures['05-alternative.eml']);
  expect(msg.text).toMatch(/^This week: “dots” and long lines that are soft-wrapped/);
  expect(msg.html).toContain('<p>This week: &ldquo;dots&rdquo;</p>');
  expect(msg.attachments).toEqual([]);
  msg.close();
});

test('resolves cid: references of inline images in multipart/related', async () => {
  const raw = [
    'From: a@example.org', 'To: b@example.org', 'Subject: inline', 'MIME-Version: 1.0',
    'Content-Type: multipart/related; boundary="rel"', '',
    '--rel', 'Content-Type: text/html; charset=utf-8', '', '<img src="cid:logo@example.org">',
    '--rel', 'Content-Type: image/png', 'Content-ID: <logo@example.org>', 'Content-Transfer-Encoding: base64', '',
    Buffer.from('\x89PNG fake image bytes', 'latin1').toString('base64'), '--rel--', '',
  ].join('\r\n');
  const msg = await parseMessage(raw);
  const logo = msg.resolveCid('cid:logo@example.org');
  expect(logo).toMatchObject({ contentType: 'image/png', related: true, contentId: 'logo@example.org' });
  expect(Buffer.from(logo.content()).toString('latin1')).toBe('\x89PNG fake image bytes');
  expect(msg.resolveCid('<nothing@x>')).toBeNull();
  msg.close();
});

test('damaged MIME still yields something readable, and the damage is reported', async () => {
  const raw = [
    'From: broken@example.org', 'Subject: =?UTF-8?B?not base64!?= ok', 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed', '', 'no boundary parameter at all',
    '--x', 'Content-Type: text/plain', '', 'still text', '',
  ].join('\r\n');
  const msg = await parseMessage(raw);
  expect(msg.subject).toContain('ok');
  expect(msg.damage.map((d) => d.kind)).toContain('multipart-without-boundary');
  msg.close();
  const nothing = await parseMessage(new Uint8Array(0));
  expect(nothing.subject).toBeNull();
  nothing.close();
});

test('takes a message in chunks, as RETR streams it', async () => {
  const bytes = fixtures['04-multipart.eml'];
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
  }
  const streamed = await parseMessage(chunks());
  const whole = await parseMessage(bytes);
  expect(streamed.toJSON()).toEqual(whole.toJSON());
  streamed.close();
  whole.close();
});

test('retrieveMessage(client, n) fetches and parses from Dovecot', async () => {
  const dovecot = await startDovecot({ users: { alice: { password: 'pw', messages: Object.values(fixtures) } } });
  try {
    const client = await Pop3Client.connect({ host: dovecot.host, port: dovecot.port, tls: 'none', allowInsecureAuth: true });
    await client.login({ user: 'alice', password: 'pw' });
    const msg = await retrieveMessage(client, 4);
    expect(msg.subject).toBe('Report and photo');
    expect(msg.text).toBe('Hi Alice, the report is attached. Café at 3?\r\n.');  // CRLF as delivered
    expect(msg.attachments[0].size).toBe(256);
    msg.close();
    await client.quit();
  } finally {
    await dovecot.stop();
  }
});
