// The MIME edge-case corpus is a fixture other tests and the MIME comparison depend on: it must be
// the same bytes on every run, big enough, and cover every category it claims to.
import { createHash } from 'node:crypto';

import { CORPUS_CATEGORIES, corpusCategory, encodeCharset, mimeCorpus } from '../fixtures/mime-corpus.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const digest = (corpus) => corpus.map(({ name, bytes }) => `${name} ${createHash('sha256').update(bytes).digest('hex')}`);

const corpus = mimeCorpus();

test('the generator is deterministic: two runs give the same names and bytes', () => {
  expect(digest(mimeCorpus())).toEqual(digest(corpus));
});

test('the corpus has at least 300 messages with unique .eml names', () => {
  expect(corpus.length).toBeGreaterThanOrEqual(300);
  const names = corpus.map((m) => m.name);
  expect(new Set(names).size).toBe(names.length);
  for (const name of names) expect(name).toMatch(/^[a-z0-9-]+\/[^/]+\.eml$/i);
});

test('every listed category has messages, and every message belongs to a listed category', () => {
  const counts = {};
  for (const { name } of corpus) counts[corpusCategory(name)] = (counts[corpusCategory(name)] ?? 0) + 1;
  expect(Object.keys(counts).sort()).toEqual(Object.keys(CORPUS_CATEGORIES).sort());
  for (const category of Object.keys(CORPUS_CATEGORIES)) expect(counts[category]).toBeGreaterThan(0);
});

test('the categories the MIME module is specified against are all covered by name', () => {
  const has = (prefix) => corpus.some((m) => m.name.startsWith(prefix));
  const required = [
    'nested/depth-12-', 'boundary/missing-close', 'boundary/in-preamble', 'boundary/wrong-boundary', 'boundary/trailing-whitespace', 'boundary/lf-only',
    'header/missing-from', 'header/duplicate-subject', 'header/line-without-colon', 'header8bit/latin1-subject', 'header8bit/utf8-subject',
    'encoded-word/b-utf8', 'encoded-word/q-utf8', 'encoded-word/adjacent-', 'encoded-word/mixed-charsets', 'encoded-word/invalid-base64', 'encoded-word/display-name-',
    'rfc2231/continuations', 'rfc2231/charset-uppercase-hex-language', 'rfc2231/encoded-continuations',
    'cte/qp-soft-breaks', 'cte/qp-equals-3d', 'cte/qp-lowercase-hex', 'cte/qp-invalid-escape', 'cte/base64-garbage', 'cte/base64-whitespace', 'cte/base64-missing-padding',
    'uuencode/', 'rfc822/attachment-with-filename', 'attachment/no-name', 'attachment/name-in-content-type-only', 'inline/related-cid',
    'empty/zero-bytes', 'empty/headers-only', 'many/multipart-1000-parts', 'date/', 'address/', 'lineend/crlf', 'lineend/lf',
  ];
  for (const charset of ['utf-8', 'iso-8859-1', 'iso-8859-2', 'iso-8859-15', 'windows-1250', 'windows-1251', 'windows-1252', 'koi8-r', 'shift_jis', 'euc-jp', 'iso-2022-jp', 'gb2312', 'gbk', 'big5', 'euc-kr', 'utf-16-bom', 'utf-16-no-bom']) {
    required.push(`charset/${charset}-`);
  }
  expect(required.filter((prefix) => !has(prefix))).toEqual([]);
});

test('the huge messages are between 5 and 21 MB, and the 1000-part message has 1000 parts', () => {
  const huge = corpus.filter((m) => m.name.startsWith('huge/'));
  expect(huge.length).toBeGreaterThanOrEqual(3);
  for (const { bytes } of huge) {
    expect(bytes.length).toBeGreaterThan(5 * 1000 * 1000);
    expect(bytes.length).toBeLessThan(21 * 1024 * 1024 * 1.4);  // base64 of 20 MiB
  }
  const thousand = corpus.find((m) => m.name === 'many/multipart-1000-parts.eml').bytes.toString('latin1');
  expect(thousand.split('\r\n--thousand\r\n').length - 1).toBe(1000);
});

test('the repository fixtures are included byte for byte', () => {
  for (const { name, bytes } of fixtureMessages()) {
    expect(corpus.find((m) => m.name === `fixture/${name}`)?.bytes.equals(bytes)).toBe(true);
  }
});

test('quick mode leaves out only the huge messages', () => {
  const quick = mimeCorpus({ huge: false }).map((m) => m.name);
  expect(quick).toEqual(corpus.map((m) => m.name).filter((n) => !n.startsWith('huge/')));
});

test('legacy charset samples are the bytes the charset defines', () => {
  // Spot checks against byte values published in the charset tables.
  expect([...encodeCharset('日本', 'shift_jis')]).toEqual([0x93, 0xfa, 0x96, 0x7b]);
  expect([...encodeCharset('日本', 'euc-jp')]).toEqual([0xc6, 0xfc, 0xcb, 0xdc]);
  expect([...encodeCharset('日本', 'iso-2022-jp')]).toEqual([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42]);
  expect([...encodeCharset('€“”', 'windows-1252')]).toEqual([0x80, 0x93, 0x94]);
  expect([...encodeCharset('Привет', 'koi8-r')]).toEqual([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]);
  expect([...encodeCharset('한', 'euc-kr')]).toEqual([0xc7, 0xd1]);
  expect(() => encodeCharset('€', 'iso-8859-1')).toThrow(/no iso-8859-1 encoding/);
});
