/**
 * The sample mailbox: a small, realistic set of messages generated deterministically in pure JS
 * (no files), so that Node and a browser page hold the very same bytes. Browser-safe.
 *
 * 1 plain text, 2 multipart/alternative with HTML, 3 a PDF attachment, 4 an HTML body with an
 * inline image referenced by cid:, 5 non-ASCII headers in several charsets, 6 lines that begin
 * with a dot (dot-stuffed on the wire), 7 a large message (about 1 MiB).
 */
import { MemoryMailboxStore, toWireForm } from './mailbox-store.js';

/** The sample account: user `sample`, password `sample`. */
export const SAMPLE_USER = 'sample';
export const SAMPLE_PASSWORD = 'sample';

// A 1x1 red PNG.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

function base64Lines(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/.{1,76}/g, '$&\r\n');
}

// Deterministic pseudo-random bytes (a linear congruential generator): a stable "PDF".
function pseudoRandomBytes(length, seed) {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function headers(fields) {
  return `${fields.join('\r\n')}\r\n\r\n`;
}

const COMMON = (n, subject, extra = []) => [
  'Return-Path: <alice@example.org>',
  'From: Alice Example <alice@example.org>',
  'To: Sample <sample@example.net>',
  `Subject: ${subject}`,
  `Date: Mon, 0${n} Jun 2025 09:${String(10 + n).padStart(2, '0')}:00 +0200`,
  `Message-ID: <sample-${n}@example.org>`,
  'MIME-Version: 1.0',
  ...extra,
];

function plainText() {
  return (
    headers(COMMON(1, 'Lunch on Thursday?', ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'])) +
    'Hi,\r\n\r\nShall we try the new café near the station on Thursday at 12:30?\r\n\r\n— Alice\r\n'
  );
}

function alternative() {
  return (
    headers(COMMON(2, 'Your weekly report', ['Content-Type: multipart/alternative; boundary="alt-2"'])) +
    '--alt-2\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
    'Weekly report: 12 tickets closed, 3 opened. Caf=C3=A9 budget: =E2=82=AC42.\r\n\r\n' +
    '--alt-2\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
    '<html><body><h1>Weekly report</h1><p><b>12</b> tickets closed, <b>3</b> opened.</p>=\r\n' +
    '<p>Caf=C3=A9 budget: =E2=82=AC42.</p></body></html>\r\n\r\n--alt-2--\r\n'
  );
}

function attachment() {
  const pdf = new Uint8Array([...new TextEncoder().encode('%PDF-1.4\n'), ...pseudoRandomBytes(6000, 3)]);
  return (
    headers(COMMON(3, 'Invoice 2025-06', ['Content-Type: multipart/mixed; boundary="mix-3"'])) +
    '--mix-3\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nPlease find the invoice attached.\r\n\r\n' +
    '--mix-3\r\nContent-Type: application/pdf; name="invoice-2025-06.pdf"\r\n' +
    'Content-Disposition: attachment; filename="invoice-2025-06.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
    `${base64Lines(pdf)}\r\n--mix-3--\r\n`
  );
}

function inlineImage() {
  return (
    headers(COMMON(4, 'Our new logo', ['Content-Type: multipart/related; boundary="rel-4"; type="text/html"'])) +
    '--rel-4\r\nContent-Type: text/html; charset=utf-8\r\n\r\n' +
    '<html><body><p>Here it is:</p><img src="cid:logo@example.org" alt="logo"></body></html>\r\n\r\n' +
    '--rel-4\r\nContent-Type: image/png\r\nContent-ID: <logo@example.org>\r\n' +
    'Content-Disposition: inline; filename="logo.png"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
    `${PNG_BASE64}\r\n\r\n--rel-4--\r\n`
  );
}

function charsets() {
  return (
    headers([
      'Return-Path: <jose@example.es>',
      'From: =?ISO-8859-1?Q?Jos=E9_Mu=F1oz?= <jose@example.es>',
      'To: =?UTF-8?B?0JDQvdC90LA=?= <anna@example.ru>, Sample <sample@example.net>',
      'Cc: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>',
      // Space between encoded words is dropped (RFC 2047 section 6.2): the first word carries it.
      'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln,_?= =?KOI8-R?B?6c3FzsEg0M8t0tXT08vJ?=',
      'Date: Fri, 06 Jun 2025 18:00:00 +0200',
      'Message-ID: <sample-5@example.es>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
    ]) + 'Hola, =BFqu=E9 tal? Se=F1or Mu=F1oz saluda desde Espa=F1a.\r\n'
  );
}

function dotLines() {
  return (
    headers(COMMON(6, 'Dots at the start of lines', ['Content-Type: text/plain; charset=us-ascii'])) +
    '.hidden starts with a dot\r\n..two dots\r\n.\r\n. a lone dot and a space\r\n...\r\nlast line\r\n'
  );
}

function large() {
  const lines = [];
  for (let i = 1, length = 0; length < 1024 * 1024; i++) {
    const line = `Line ${String(i).padStart(6, '0')}: the quick brown fox jumps over the lazy dog, again and again.\r\n`;
    lines.push(line);
    length += line.length;
  }
  return headers(COMMON(7, 'A large message', ['Content-Type: text/plain; charset=us-ascii'])) + lines.join('');
}

/**
 * The sample messages in wire form (CRLF), in mailbox order, each with a stable unique id.
 * @returns {{ uid: string, bytes: Uint8Array }[]}
 */
export function sampleMessages() {
  // The names are spelled out: a minifier renames functions, and the ids must not change in a bundle.
  const makers = { plainText, alternative, attachment, inlineImage, charsets, dotLines, large };
  return Object.entries(makers).map(([name, make], i) => ({
    uid: `sample-${i + 1}-${name}`,
    bytes: toWireForm(make()),
  }));
}

/**
 * A store holding the sample mailbox for `user` (default `sample`).
 * @param {string} [user]
 */
export function sampleMailboxStore(user = SAMPLE_USER) {
  return new MemoryMailboxStore({ [user]: sampleMessages() });
}
