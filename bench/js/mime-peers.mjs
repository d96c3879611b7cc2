// What other JavaScript MIME parsers make of the corpus, next to GMime (the MIME module's
// engine) and next to what the RFCs define. For every corpus message each parser's result is
// mapped to one small shape (subject, from, date, Message-ID, text, html, attachments by
// name/size/SHA-256), differences are sorted into categories, and the table of categories is
// printed; `--write-doc` regenerates docs/mime-comparison.md from it.
//
// The oracle is GMime through the MIME module's own wrapper: the native `mime-dump` tool (built
// against Debian's libgmime-3.0) when it exists, else the WASM `parseMessage`, else none (the
// peers are then compared with each other and with the RFC expectations only). Another oracle
// can be passed to compareCorpus() as { name, parse(bytes, name) -> wrapper JSON, prepare?(corpus),
// close() }.
//
//   node bench/js/mime-peers.mjs [--write-doc] [--oracle=auto|native|wasm|none] [--no-huge]
//                                [--show=<category, name prefix, or all>]
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { simpleParser } from 'mailparser';
import PostalMime from 'postal-mime';

import { CORPUS_CATEGORIES, corpusCategory, mimeCorpus } from '../../tests/fixtures/mime-corpus.mjs';
import {
  checkExpectation, comparable, fromOracleJson, same, view,
} from '../../tests/fixtures/mime-view.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Where the oracles appear once the MIME module is built. */
export const ORACLE_PATHS = {
  native: path.join(root, 'build/native/tools/mime-dump'),
  wasm: path.join(root, 'bindings/js/mime-node.js'),
  wasmBinary: path.join(root, 'bindings/js/wasm/pop3-mime.wasm'),
};

const packageVersion = (name) => JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

// ---------------------------------------------------------------------------------------------
// One shape for every parser


const flatten = (list) => list.flatMap((a) => (a.group ? a.group : [a]));

export async function parseWithMailparser(bytes) {
  const mail = await simpleParser(Buffer.from(bytes));
  return view({
    subject: mail.subject,
    from: flatten(mail.from?.value ?? []),
    date: mail.date,
    messageId: mail.messageId,
    text: mail.text,
    html: mail.html || null,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, size: a.content.length, sha256: sha256(a.content), contentType: a.contentType })),
  });
}

export async function parseWithPostalMime(bytes) {
  const mail = await PostalMime.parse(bytes);
  return view({
    subject: mail.subject,
    from: mail.from ? flatten([mail.from]) : [],
    date: mail.date,
    messageId: mail.messageId,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments.map((a) => {
      const content = typeof a.content === 'string' ? Buffer.from(a.content) : Buffer.from(a.content);
      return { filename: a.filename, size: content.length, sha256: sha256(content), mimeType: a.mimeType };
    }),
  });
}

export const PEERS = {
  mailparser: parseWithMailparser,
  'postal-mime': parseWithPostalMime,
};

// ---------------------------------------------------------------------------------------------
// Oracles

/**
 * GMime through the native `mime-dump` tool, which prints one JSON line per file argument.
 * `prepare(corpus)` writes the corpus to a temp dir and runs it in batches (a process per
 * message would measure process start-up, not parsing); `parse` then answers from that.
 */
export function nativeOracle(binary = ORACLE_PATHS.native) {
  const results = new Map();
  const runFiles = async (files) => {
    const { stdout } = await run(binary, files, { maxBuffer: 1 << 30, encoding: 'utf8' });
    const lines = stdout.split('\n').filter(Boolean);
    if (lines.length !== files.length) throw new Error(`mime-dump printed ${lines.length} lines for ${files.length} files`);
    return lines.map((l) => JSON.parse(l));
  };
  const withFiles = async (messages, fn) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mime-peers-'));
    try {
      const files = messages.map((m, i) => {
        const file = path.join(dir, `${String(i).padStart(5, '0')}.eml`);
        writeFileSync(file, m.bytes);
        return file;
      });
      return await fn(files);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    name: 'GMime (native mime-dump)',
    async prepare(corpus) {
      await withFiles(corpus, async (files) => {
        for (let i = 0; i < files.length; i += 100) {
          const out = await runFiles(files.slice(i, i + 100));
          out.forEach((json, k) => results.set(corpus[i + k].name, json));
        }
      });
    },
    async parse(bytes, name) {
      if (name && results.has(name)) return results.get(name);
      return withFiles([{ bytes }], async (files) => (await runFiles(files))[0]);
    },
    close: () => results.clear(),
  };
}

/** GMime through the WASM module's `parseMessage`; each result is freed once read. */
export async function wasmOracle(modulePath = ORACLE_PATHS.wasm) {
  const { parseMessage } = await import(pathToFileURL(modulePath).href);
  const parse = async (bytes) => {
    const result = await parseMessage(bytes);
    try {
      return JSON.parse(JSON.stringify(result));
    } finally {
      result.close?.();
    }
  };
  return { name: 'GMime (WASM parseMessage)', parse, close: () => {} };
}

/** The oracle asked for: 'auto' takes native, then WASM, then none. */
export async function findOracle(kind = 'auto') {
  if ((kind === 'auto' || kind === 'native') && existsSync(ORACLE_PATHS.native)) return nativeOracle();
  if ((kind === 'auto' || kind === 'wasm') && existsSync(ORACLE_PATHS.wasm) && existsSync(ORACLE_PATHS.wasmBinary)) return wasmOracle();
  if (kind !== 'auto' && kind !== 'none') throw new Error(`oracle '${kind}' is not built (${kind === 'native' ? ORACLE_PATHS.native : ORACLE_PATHS.wasm})`);
  return null;
}

// ---------------------------------------------------------------------------------------------
// Comparing and classifying

export const FIELDS = ['subject', 'from', 'date', 'messageId', 'text', 'html', 'attachments'];


/** Fields in which `a` and `b` differ; a parse error differs from everything but an equal error. */
function differingFields(a, b) {
  if (a.error || b.error) return a.error && b.error ? [] : ['error'];
  return FIELDS.filter((f) => !same(comparable(a, f), comparable(b, f)));
}

/** The charset a charset/ case is about, from its name. */
function charsetOf(slug) {
  if (/^(windows-1252|alias-cp1252|[bq]-windows-1252|windows-1252-smart)/.test(slug)) return 'windows-1252';
  const m = /^(utf-16(?:le|be)?|utf-8|iso-8859-\d+|windows-\d+|koi8-r|shift_jis|euc-jp|iso-2022-jp|gb2312|gbk|gb18030|big5|euc-kr|utf-7)-/.exec(slug);
  return m ? m[1].replace(/^utf-16(le|be)$/, 'utf-16') : null;
}

/**
 * The category of a difference in `field` of message `name`. `reference` and `other` are the two
 * views compared; they refine the category where the corpus category alone would say too little.
 */
export function categorize(name, field, reference, other) {
  const category = corpusCategory(name);
  const slug = name.slice(category.length + 1).replace(/\.eml$/, '');
  const JOINED = 'several inline text or HTML parts (joined, or the first only)';
  const C1g = /[\u0080-\u009f]/g;
  if (field === 'error') return 'parse failure (the library throws)';
  // ISO-8859-1 bytes 0x80-0x9F: C1 controls by the charset's definition, windows-1252 in practice.
  const c1 = (v) => (typeof v === 'string' ? (v.match(C1g) ?? []).length : -1);
  const latin1ish = category !== 'charset' || /latin1|iso-8859-1-/.test(slug);
  if ((field === 'text' || field === 'subject') && latin1ish && charsetOf(slug) !== 'windows-1252' && c1(reference[field]) >= 0 && c1(other[field]) >= 0 && c1(reference[field]) !== c1(other[field])) {
    return 'ISO-8859-1 bytes 0x80-0x9F (C1 controls or windows-1252)';
  }
  if (field === 'date') return 'date parsing';
  if (field === 'messageId') return 'Message-ID parsing';
  if (field === 'from') {
    if (category === 'encoded-word') return 'encoded words in display names';
    if (category === 'header8bit') return 'unencoded 8-bit headers';
    const [r, o] = [reference.from, other.from];
    const prefix = (a, b) => a.length < b.length && a.length > 0 && same(a, b.slice(0, a.length));
    if (prefix(r, o) || prefix(o, r)) return 'several mailboxes in From (RFC 5322 3.6.2)';
    if (category === 'header') return 'header syntax (duplicates, folding, invalid lines)';
    if (category === 'lineend') return 'line ends (CR, CRCRLF, mixed)';
    return 'address parsing';
  }
  if (field === 'subject') {
    if (category === 'encoded-word' && charsetOf(slug) === 'windows-1252') return 'charset decoding: windows-1252';
    if (category === 'encoded-word' || category === 'many') return 'encoded-word edge cases';
    if (category === 'header8bit' || category === 'rfc822') return 'unencoded 8-bit headers';
    return 'header syntax (duplicates, folding, invalid lines)';
  }
  if (field === 'text' || field === 'html') {
    const r = reference?.[field] ?? null;
    const o = other?.[field] ?? null;
    if (category === 'charset') {
      if (field === 'text' && (r === null) !== (o === null)) return 'text generated from HTML (or not)';
      const cs = charsetOf(slug);
      return cs ? `charset decoding: ${cs}` : 'charset aliases, mislabels and missing charsets';
    }
    if (field === 'text' && (r === null) !== (o === null) && (reference?.html ?? other?.html)) return 'text generated from HTML (or not)';
    if (field === 'html' && r !== null && o !== null && /cid:/i.test(r) !== /cid:/i.test(o)) return 'cid: links rewritten to data: URLs';
    if (slug.startsWith('format-flowed')) return 'format=flowed (RFC 3676)';
    if (category === 'cte') return 'transfer-encoding edge cases (base64, QP)';
    if (category === 'uuencode') return 'uuencode and yEnc';
    if (category === 'boundary') return 'broken boundaries';
    if (category === 'rfc822') return 'message/rfc822 parts';
    if (category === 'lineend') return 'line ends (CR, CRCRLF, mixed)';
    if (category === 'empty') return 'empty bodies and headers-only messages';
    if (r !== null && o !== null && r !== o && (r.startsWith(o) || o.startsWith(r))) return JOINED;
    if (['nested', 'body', 'inline', 'attachment', 'many', 'huge'].includes(category)) return 'which part is the body (alternatives, reports, digests)';
    if (category === 'header') return 'header syntax (duplicates, folding, invalid lines)';
    return 'body text (other)';
  }
  // attachments
  const ra = reference?.attachments ?? [];
  const oa = other?.attachments ?? [];
  const names = (list) => list.map((a) => a.filename).sort();
  if (category === 'rfc2231') return 'RFC 2231 parameters (file names)';
  if (category === 'encoded-word') return 'RFC 2047 words in file names';
  if (category === 'header8bit') return 'unencoded 8-bit headers';
  if (category === 'uuencode') return 'uuencode and yEnc';
  if (category === 'rfc822' || [...ra, ...oa].some((a) => a.type.startsWith('message/'))) return 'message/rfc822 parts';
  if (category === 'boundary' || category === 'lineend') return category === 'boundary' ? 'broken boundaries' : 'line ends (CR, CRCRLF, mixed)';
  // Inline text parts listed as nameless attachments by one side and merged into the body by the other.
  const textOnly = (a, b) => a.length > b.length && a.filter((x) => !b.some((y) => y.sha256 === x.sha256)).every((x) => x.filename === null && x.type.startsWith('text/'));
  if (textOnly(ra, oa) || textOnly(oa, ra)) return JOINED;
  if (same(names(ra), names(oa))) return category === 'cte' ? 'transfer-encoding edge cases (base64, QP)' : 'decoded bytes of attachments (line ends, a byte added)';
  return 'attachment detection (which parts are files)';
}


const short = (value, max = 70) => {
  if (value === null || value === undefined) return 'null';
  let s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, (k, v) => (k === 'sha256' ? `${v.slice(0, 8)}…` : v));
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  // C1 controls and U+FEFF are invisible on the page: show them escaped.
  return s.replace(/[\u0080-\u009f\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
};

// A parser's "now" fallback (mailparser) is shown as such so that the generated page does not
// change with every run: a date near the run with milliseconds (corpus dates have none).
const runStart = Date.now();
const isNow = (ms) => Math.abs(ms - runStart) < 3600e3 && ms % 1000 !== 0;

const display = (field, v, focus = 0) => {
  if (v.error) return `throws ${short(v.error, 60)}`;
  if (field === 'error') return 'parses';
  if (typeof v[field] === 'string' && focus > 25) return `…${short(v[field].slice(focus - 20), 60)}`;
  if (field === 'date') return v.date === null ? 'null' : isNow(v.date) ? 'the time of parsing' : new Date(v.date).toISOString();
  if (field === 'attachments') return short(v.attachments.map((a) => `${a.filename ?? '(no name)'} ${a.size} B`), 90);
  return short(v[field]);
};

/**
 * Parses the corpus with every parser and the oracle. Returns per-message views and the
 * difference categories. `oracle` is { name, parse(bytes, name) } or null.
 */
export async function compareCorpus({ corpus = mimeCorpus(), oracle = null, peers = PEERS, secondOracle = null, onProgress } = {}) {
  await oracle?.prepare?.(corpus);
  await secondOracle?.prepare?.(corpus);
  const parsers = { ...(oracle ? { oracle: async (bytes, name) => fromOracleJson(await oracle.parse(bytes, name)) } : {}), ...peers };
  const messages = [];
  for (const [i, m] of corpus.entries()) {
    const views = {};
    for (const [name, parse] of Object.entries(parsers)) {
      try {
        views[name] = await parse(m.bytes, m.name);
      } catch (error) {
        views[name] = { error: String(error?.message ?? error).split('\n')[0] };
      }
    }
    let oracleMismatch = null;
    if (secondOracle && views.oracle) {
      try {
        const second = fromOracleJson(await secondOracle.parse(m.bytes, m.name));
        oracleMismatch = differingFields(views.oracle, second);
      } catch (error) {
        oracleMismatch = ['error'];
      }
    }
    messages.push({ name: m.name, size: m.bytes.length, expect: m.expect ?? null, views, oracleMismatch });
    onProgress?.(i + 1, corpus.length);
  }
  return summarize(messages, Object.keys(peers), oracle?.name ?? null, secondOracle?.name ?? null);
}

// The clearest example of each category, when it is among the category's messages.
const PREFERRED_EXAMPLES = {
  'date parsing': 'date/garbage',
  'message/rfc822 parts': 'rfc822/attachment-with-filename',
  'header syntax (duplicates, folding, invalid lines)': 'header/duplicate-content-type',
  'text generated from HTML (or not)': 'body/html-only',
  'several mailboxes in From (RFC 5322 3.6.2)': 'address/from-two-mailboxes',
  'cid: links rewritten to data: URLs': 'inline/related-cid',
  'charset decoding: windows-1252': 'charset/windows-1252-8bit',
  'line ends (CR, CRCRLF, mixed)': 'lineend/crcrlf',
  'attachment detection (which parts are files)': 'attachment/text-plain-inline-with-filename',
  'encoded words in display names': 'encoded-word/in-address-local-part',
  'address parsing': 'address/from-quoted-local-part',
  'decoded bytes of attachments (line ends, a byte added)': 'attachment/octet-stream-8bit-binary',
  'transfer-encoding edge cases (base64, QP)': 'cte/base64-text-after-data',
  'several inline text or HTML parts (joined, or the first only)': 'body/text-image-text',
  'charset aliases, mislabels and missing charsets': 'charset/alias-ks_c_5601-1987-uhc',
  'unencoded 8-bit headers': 'header8bit/latin1-subject',
};

function pickExamples(category, examples) {
  const preferred = examples.findIndex((e) => e.message === `${PREFERRED_EXAMPLES[category]}.eml`);
  const ordered = preferred > 0 ? [examples[preferred], ...examples.filter((_, i) => i !== preferred)] : examples;
  return ordered.slice(0, 3);
}

function summarize(messages, peerNames, oracleName, secondOracleName) {
  // With an oracle each peer is compared with it; without one, the peers with each other.
  const pairs = oracleName ? peerNames.map((p) => ['oracle', p]) : [[peerNames[0], peerNames[1]]];
  const categories = new Map();
  for (const m of messages) {
    for (const [refName, otherName] of pairs) {
      const ref = m.views[refName];
      const other = m.views[otherName];
      for (const field of differingFields(ref, other)) {
        const cat = categorize(m.name, field, ref, other);
        if (!categories.has(cat)) categories.set(cat, { category: cat, counts: {}, messages: {}, examples: [] });
        const entry = categories.get(cat);
        const key = oracleName ? otherName : `${refName} vs ${otherName}`;
        entry.messages[key] ??= new Set();
        entry.messages[key].add(m.name);
        if (!entry.examples.some((e) => e.message === m.name)) {
          // Long strings are shown from a little before the first character where parsers differ.
          const strings = Object.values(m.views).map((v) => v[field]).filter((x) => typeof x === 'string');
          let focus = 0;
          while (strings.length > 1 && focus < strings[0].length && strings.every((x) => x[focus] === strings[0][focus])) focus++;
          entry.examples.push({ message: m.name, field, values: Object.fromEntries(Object.entries(m.views).map(([p, v]) => [p, display(field, v, focus)])) });
        }
      }
    }
  }
  const rows = [...categories.values()]
    .map((e) => ({ ...e, examples: pickExamples(e.category, e.examples) }))
    .map((e) => ({ ...e, counts: Object.fromEntries(Object.entries(e.messages).map(([k, s]) => [k, s.size])), messages: Object.fromEntries(Object.entries(e.messages).map(([k, s]) => [k, [...s].sort()])) }))
    .sort((a, b) => Math.max(...Object.values(b.counts)) - Math.max(...Object.values(a.counts)) || a.category.localeCompare(b.category));
  // RFC expectations: per parser and field, how many messages with an expectation it meets.
  const parserNames = Object.keys(messages[0]?.views ?? {});
  const expectations = {};
  for (const m of messages) {
    if (!m.expect) continue;
    for (const field of Object.keys(m.expect)) {
      expectations[field] ??= { total: 0, wrong: Object.fromEntries(parserNames.map((p) => [p, []])) };
      expectations[field].total++;
    }
    for (const p of parserNames) for (const field of checkExpectation(m.expect, m.views[p])) expectations[field].wrong[p].push(m.name);
  }
  const oracleVsSecond = secondOracleName ? messages.filter((m) => m.oracleMismatch?.length).map((m) => ({ name: m.name, fields: m.oracleMismatch })) : null;
  return { oracle: oracleName, secondOracle: secondOracleName, peers: peerNames, parsers: parserNames, count: messages.length, rows, expectations, oracleVsSecond, messages };
}

// ---------------------------------------------------------------------------------------------
// Why the parsers differ: one explanation per category, written from the RFCs and from what each
// library was seen to do on this corpus (see the example column for the evidence).

export const WHY = {
  'decoded bytes of attachments (line ends, a byte added)':
    'RFC 2046 5.1.1: the CRLF before a delimiter belongs to the delimiter, so a part ends with its own last byte; text travels with CRLF line ends (RFC 2045 2.1). ' +
    'GMime and mailparser return the bytes as sent. postal-mime returns parts that are not base64 with every CRLF turned into LF and one LF added at the end, ' +
    'so text attachments get another size and SHA-256, and binary files sent as 8bit/binary or quoted-printable get one byte appended (`attachment/octet-stream-8bit-binary`, `cte/qp-binary-attachment`: 3023 bytes instead of 3022).',
  'message/rfc822 parts':
    'A forwarded message (RFC 2046 5.2.1) is a message of its own. mailparser lists it as an attachment with its file name and its exact bytes. ' +
    'postal-mime parses one without Content-Disposition inline (its text goes into the body and its files into the outer list, `rfc822/inline-no-disposition`), and otherwise returns its bytes with postal-mime\'s line-end rewriting. ' +
    'The MIME module lists it as an attachment without the file name from Content-Disposition, and its bytes are GMime\'s re-serialization (LF line ends, 508 instead of 528 bytes), not the bytes received. Saving it as .eml or checking its DKIM/S/MIME signature needs the original bytes. ' +
    'In multipart/digest the default type of a part is message/rfc822 (RFC 2046 5.1.5). Only GMime applies it; both peers read the digest entries as text (`nested/digest`).',
  'date parsing':
    'RFC 5322 3.3 and 4.3 define the date, including obsolete forms: 2-digit years (+2000 below 50, else +1900), 3-digit years (+1900), the US zone names, and military zones other than Z, which mean -0000. ' +
    'Both peers hand the header to JavaScript\'s `new Date()`, which does not implement RFC 5322. It accepts ISO 8601 and "+05:30", turns 31 February into 3 March and 24:00 into the next day, reads year 126 as 126 and guesses at military zones. ' +
    'When `new Date()` fails, mailparser returns the time of parsing (garbage and empty Date headers look like mail sent "now"). postal-mime returns the raw string, counted as no date here. ' +
    'GMime rejects impossible dates and non-RFC forms. At the time of writing it also returned no date for year 1900 and 3-digit years, and read zone "A" with RFC 822\'s inverted sign. For two Date headers GMime takes the last, the peers the first.',
  'address parsing':
    'RFC 5322 3.4 and 4.4. An obsolete route ("<@relay:alice@example.com>") must be ignored. postal-mime keeps it in the address, mishandles nested comments (name "Alice one)") and drops the quotes of a quoted local part ("john doe"@example.com becomes john doe@example.com, another address). ' +
    'For invalid syntax (no angle brackets, an unclosed quote or bracket, no @) each parser guesses differently. GMime drops what it cannot parse; the peers turn the words into a mailbox. ' +
    'A folded display name must be unfolded, by removing the CRLF only (RFC 5322 2.2.3). Look at `address/from-folded` for what GMime returns.',
  'transfer-encoding edge cases (base64, QP)':
    'Quoted-printable (RFC 2045 6.7): whitespace at the end of a line was added in transit and must be deleted, and "=" followed by whitespace and a line break is a soft break. mailparser does both; GMime and postal-mime keep the whitespace, and keep "=  " as text. ' +
    'Base64 (RFC 2045 6.8): "=" means the data has ended. GMime stops there (`cte/base64-padding-in-middle`, `cte/base64-text-after-data`); the peers decode what follows and append garbage to the file. Without padding GMime drops the last incomplete group (996 of 998 bytes) and the peers decode it. ' +
    'With two Content-Transfer-Encoding headers GMime uses the last, the peers the first. A quoted value ("base64") is not a token: GMime and mailparser treat it as unknown, postal-mime strips the quotes and decodes. RFC 2045 6.4 says an unknown encoding makes the part application/octet-stream, which none of them does. ' +
    'A NUL byte in a text body ends GMime\'s `text` (`cte/qp-nul`, `cte/binary-with-nul`); the peers keep it.',
  'header syntax (duplicates, folding, invalid lines)':
    'RFC 5322 3.6 allows one Subject, Date and From, and RFC 2045 one Content-Type. With two, GMime uses the last and both peers the first. No rule decides, but the user sees a different subject and the body is read differently (`header/duplicate-content-type`: text/html for GMime, text/plain for the peers). ' +
    'Unfolding removes the CRLF only (RFC 5322 2.2.3); mailparser also turns the following tab into a space. A NUL byte (not allowed) ends the value in GMime; the peers keep it. A bare CR: GMime drops it, the peers make it a space. ' +
    'A message that starts with a continuation line loses all its headers in GMime; the peers skip the stray line. A Content-Type that does not parse means text/plain (RFC 2045 5.2). Only mailparser follows that; GMime and postal-mime make the body an attachment.',
  'ISO-8859-1 bytes 0x80-0x9F (C1 controls or windows-1252)':
    'ISO-8859-1 maps bytes 0x80-0x9F to the C1 control characters. Text labelled iso-8859-1 or us-ascii that uses those bytes was nearly always written in windows-1252 (smart quotes, €, dashes), so the WHATWG Encoding Standard decodes those labels as windows-1252. ' +
    'mailparser does the same: libmime maps iso-8859-1 and ascii to windows-1252, and its table leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined (U+FFFD). postal-mime uses TextDecoder, which should decode windows-1252 too. ' +
    'But Node from 20.18.3 on decodes windows-1252 as ISO-8859-1 (nodejs/node#60888), so in Node postal-mime returns C1 controls; in a browser it would return windows-1252. The example shows which choice GMime made through the wrapper.',
  'cid: links rewritten to data: URLs':
    'mailparser\'s simpleParser replaces every cid: reference in the HTML with a data: URL holding the image, unless `keepCidLinks: true` is passed. ' +
    'GMime and postal-mime return the HTML as sent and leave the cid: URLs (RFC 2392) to the app; the MIME module offers `resolveCid()` for that. Inlining keeps the HTML self-contained, but every image is copied into the HTML string as base64.',
  'encoded-word edge cases':
    'Whitespace between adjacent encoded words is dropped (RFC 2047 6.2), and each word decodes on its own (section 5). GMime 3.2.13 joins runs of words in the same charset before decoding, to repair senders that split characters. ' +
    'Its base64 decoder then stops at the first word\'s "=" padding, so "=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=" decodes to "é" instead of "éé" (`encoded-word/adjacent-three`, `many/encoded-words-500`). This is upstream jstedfast/gmime#133, closed as a bug; Debian\'s 3.2.13+dfsg-2 has no fix, so native and WASM both have it. ' +
    'Mailers split long subjects and names into words this way, so it is the most visible defect found here. ' +
    'The same decoder drops an incomplete last group, so a B word without padding or with stray characters decodes to nothing in GMime, while the peers decode "é". ' +
    'UTF-7 words (RFC 2152, allowed by RFC 2047): the MIME module decodes them (its own UTF-7 decoder in WASM, glibc natively). mailparser refuses UTF-7 on purpose (it can carry markup past filters), and postal-mime has no UTF-7 decoder. ' +
    'A quoted charset name (invalid) is accepted by GMime and postal-mime and left as it is by mailparser.',
  'several inline text or HTML parts (joined, or the first only)':
    'A multipart/mixed with several inline text parts (text, image, more text; Apple Mail\'s HTML split around an image) has no single body: RFC 2046 5.1.3 says to show the parts in order. ' +
    'The peers join them, mailparser with a line break and postal-mime with a blank line; postal-mime also adds the plain part of an outer alternative to the HTML of an inner one (`body/nested-alternatives`). ' +
    'The MIME module\'s `text`/`html` is the first text/plain (text/html) part, and the other inline text parts are listed as attachments without names. Neither choice loses data, but an app that shows only `text` hides the later parts; walk `parts` for such messages. ' +
    'mailparser also adds the text of message/delivery-status to the body of a DSN (`nested/report-dsn`).',
  'text generated from HTML (or not)':
    'When there is no text/plain part, mailparser makes `text` from the HTML with html-to-text. GMime\'s `text` is a text/plain part or nothing, and postal-mime leaves it empty. ' +
    'This is a feature for apps that need plain text, not a parsing difference. It also explains why mailparser\'s text differs where the HTML\'s charset is unknown (`charset/html-meta-only`).',
  'charset aliases, mislabels and missing charsets':
    'Outside registered names and correct labels every decoder has its own fallbacks. us-ascii over UTF-8 bytes: mailparser passes UTF-8 through, postal-mime returns Latin-1 mojibake (Node\'s windows-1252 bug, see above), GMime replaces or drops the bytes. ' +
    '"unknown-8bit": postal-mime guesses Latin-1, the others give U+FFFD. A UTF-8 BOM is stripped by postal-mime (TextDecoder) and kept as U+FEFF by GMime and mailparser; the RFCs do not settle it. ' +
    'Invalid UTF-8: the peers write one U+FFFD per maximal invalid subsequence (the Unicode and WHATWG practice), GMime fewer. ' +
    'ks_c_5601-1987 (Outlook\'s label for CP949/UHC): mailparser maps it to CP949 and the MIME module reads it as WHATWG\'s euc-kr (natively glibc\'s CP949; in Node its own UHC decoder, as Node\'s ICU euc-kr lacks the extension); both decode 똠. postal-mime (TextDecoder in Node) does not, and loses the lead byte without a U+FFFD. ' +
    'UTF-7 bodies: the MIME module decodes them; the peers do not (mailparser by policy).',
  'charset decoding':
    'Every body charset of the corpus decodes identically in GMime and both peers, except the rows listed separately here.',
  'charset decoding: windows-1252':
    'windows-1252 labels (also cp1252 and encoded words in windows-1252): postal-mime decodes with TextDecoder, which in Node 20.18.3 and later decodes windows-1252 as ISO-8859-1 (nodejs/node#60888, #56542), so smart quotes, € and dashes become C1 control characters. ' +
    'This is a Node bug, not a postal-mime one, and it does not happen in browsers or in Node versions that have the fix. The MIME module (its own windows-1252 decoder; glibc natively) and mailparser (iconv-lite) decode correctly.',
  'charset decoding: utf-16':
    'RFC 2781 4.3: text labelled "UTF-16" starts with a BOM giving the byte order, or is big-endian without one. postal-mime decodes "utf-16" with TextDecoder, for which the label means little-endian, so big-endian text (with a BE BOM, or without a BOM) comes out as CJK-looking garbage. ' +
    'GMime and mailparser honour the BOM. For "UTF-16LE" with a BOM (RFC 2781 says it should not have one), GMime keeps U+FEFF and the peers strip it.',
  'RFC 2231 parameters (file names)':
    'RFC 2231 does not say which wins when a part has both `filename` and `filename*`. The peers prefer the extended (RFC 2231) value, as RFC 6266 later asked for HTTP; GMime takes whichever comes first (`rfc2231/both-forms-plain-first`: "fallback.pdf"). ' +
    'Invalid encodings: mailparser turns "%" into "=" (its decoder is quoted-printable based; "bad=ZZname=4.pdf") and leaves a value without the charset quotes undecoded; GMime and postal-mime percent-decode anyway. ' +
    'Continuations, charset and language, out-of-order sections and percent-encoding otherwise decode the same in all three.',
  'several mailboxes in From (RFC 5322 3.6.2)':
    'From may list several mailboxes (Sender then names the one who sent it). postal-mime\'s `from` is a single address by design, so later mailboxes are lost. ' +
    'Two From headers are not allowed. Debian\'s GMime appends the second to the first, while the WASM build (without Debian\'s patch for GMime issue #129) kept only the last, so a forged second From replaced the real one; the peers keep the first. ' +
    'A list separated by ";" (Outlook) is read as two mailboxes by mailparser and as one by GMime and postal-mime (";" is not a separator in RFC 5322).',
  'unencoded 8-bit headers':
    'RFC 6532 allows UTF-8 in headers; any other 8-bit charset is unlabelled, so a decoder can only guess. The peers decode headers as UTF-8 and write U+FFFD for the rest. ' +
    'GMime tries the fallback charsets of its parser options in order; the wrapper chooses them. With ISO-8859-1 as a fallback, Latin-1 headers come out right and Shift_JIS or windows-1251 headers as Latin-1 mojibake; without one, they get U+FFFD like the peers. ' +
    'mailparser alone decodes a raw Latin-1 file name in Content-Disposition (`header8bit/latin1-filename`). The example shows the choice the wrapper makes at the time of writing.',
  'uuencode and yEnc':
    'Content-Transfer-Encoding x-uuencode (and "uuencode") is not in RFC 2045 but is still sent. GMime decodes it (500 bytes in `uuencode/cte-x-uuencode`); both peers return the encoded text as the file. ' +
    'uuencoded or yEnc blocks inside a text body are left as text by all three.',
  'attachment detection (which parts are files)':
    'Whether a part is a file: RFC 2183 (Content-Disposition) and RFC 2046 leave it open for inline parts. Text parts with a file name but an inline disposition are attachments for GMime and body text for the peers (`attachment/text-plain-inline-with-filename`); see also the Content-Type rule under header syntax.',
  'encoded words in display names':
    'Encoded words may appear in a display name, not in an address (RFC 2047 5(3)). mailparser decodes one in the local part ("jörg@example.com", an address the sender did not write); postal-mime makes the decoded text the name. GMime leaves the address as written. ' +
    'postal-mime also keeps only the first mailbox of From (see "several mailboxes").',
  'line ends (CR, CRCRLF, mixed)':
    'Mail uses CRLF (RFC 5322 2.2); a lone LF is the common local form and every parser accepts it. A lone CR (old Mac) is read as a line end by GMime, while the peers see one long header line. ' +
    'CRCRLF (a broken gateway) is read by postal-mime, which strips the extra CR. GMime and mailparser lose the structure: GMime found an empty attachment, mailparser none.',
  'parse failure (the library throws)':
    'Resource limits. mailparser (mailsplit) throws "Max allowed child nodes exceeded" above 1000 MIME parts (`many/multipart-1000-parts`), and postal-mime throws above 256 levels of nesting (`nested/depth-300`). ' +
    'GMime has no part limit. Past its nesting limit it keeps the rest as unparsed content instead of failing (the wrapper reports it in `damage`).',
  'which part is the body (alternatives, reports, digests)':
    'multipart/alternative offers one content in several forms (RFC 2046 5.1.4); a reader picks one, and joining them is wrong. postal-mime joins nested alternatives. multipart/digest: see message/rfc822 parts.',
  'format=flowed (RFC 3676)':
    'text/plain; format=flowed marks soft line breaks with a trailing space; readers should join those lines for display (RFC 3676 4.2) and, with delsp=yes, delete the space. ' +
    'Both peers do; the MIME module returns the text as sent (GMime has a filter for it that the wrapper does not apply). postal-mime also drops the quote marks of a flowed quoted line.',
  'Message-ID parsing':
    'A Message-ID is "<" id-left "@" id-right ">"; comments and whitespace around it are CFWS (RFC 5322 3.6.4). GMime returns the id alone; both peers keep the text after ">" ("spaced@example.com> (comment)").',
  'RFC 2047 words in file names':
    'RFC 2047 5 forbids encoded words in MIME parameters (RFC 2231 is the standard way), but Outlook and others send them in `name` and `filename`, and all three decode them.',
  'empty bodies and headers-only messages':
    'Messages without a body, or with empty parts: the RFCs define no body text, and parsers differ between null and an empty string (counted as equal here).',
  'body text (other)': '',
};

const why = (category) => {
  if (WHY[category]) return WHY[category];
  if (category.startsWith('charset decoding: ')) return WHY['charset decoding'] ?? '';
  return '';
};

// ---------------------------------------------------------------------------------------------
// Output

const columnsFor = (report) => (report.oracle ? report.peers : [`${report.peers[0]} vs ${report.peers[1]}`]);

export function formatTable(report) {
  const cols = columnsFor(report);
  const width = Math.max(...report.rows.map((r) => r.category.length), 20);
  const lines = [`${'category'.padEnd(width)}  ${cols.map((c) => c.padStart(Math.max(c.length, 6))).join('  ')}   example`];
  for (const r of report.rows) {
    const ex = r.examples[0];
    lines.push(`${r.category.padEnd(width)}  ${cols.map((c) => String(r.counts[c] ?? 0).padStart(Math.max(c.length, 6))).join('  ')}   ${ex.message} (${ex.field})`);
  }
  lines.push('', `RFC expectations met (messages with an expectation for the field), ${report.parsers.join(' / ')}:`);
  for (const [field, e] of Object.entries(report.expectations)) {
    lines.push(`  ${field.padEnd(12)} ${String(e.total).padStart(4)}   ${report.parsers.map((p) => `${p} ${e.total - e.wrong[p].length}`).join('   ')}`);
  }
  if (report.oracleVsSecond) lines.push('', `${report.oracle} vs ${report.secondOracle}: ${report.oracleVsSecond.length} message${report.oracleVsSecond.length === 1 ? ' differs' : 's differ'}${report.oracleVsSecond.length ? `: ${report.oracleVsSecond.map((m) => `${m.name} (${m.fields.join(', ')})`).join(', ')}` : ''}`);
  return lines.join('\n');
}

const md = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderDoc(report, { date = new Date().toISOString().slice(0, 10), intro = DOC_INTRO, notes = DOC_NOTES } = {}) {
  const cols = columnsFor(report);
  const out = [];
  out.push('# MIME parsing compared: GMime, mailparser, postal-mime', '');
  out.push(`<!-- Generated by \`node bench/js/mime-peers.mjs --write-doc\` on ${date}; edit the script, not this file. -->`, '');
  out.push(intro({ report }), '');
  out.push('## Differences by category', '');
  out.push(
    report.oracle
      ? `Each count is the number of corpus messages (of ${report.count}) where the library's result differs from the oracle, ${report.oracle}, in that category. One message can count in several categories.`
      : `**No oracle was available for this run** (neither \`build/native/tools/mime-dump\` nor the WASM module was built), so the counts are messages (of ${report.count}) where mailparser and postal-mime differ from each other. Rerun the script once the MIME module is built to compare both with GMime.`,
    '',
  );
  out.push(`| category | ${cols.join(' | ')} | example | why |`, `| --- | ${cols.map(() => '---:').join(' | ')} | --- | --- |`);
  for (const r of report.rows) {
    const ex = r.examples[0];
    const values = Object.entries(ex.values).map(([p, v]) => `${p === 'oracle' ? 'GMime' : p}: \`${v.replace(/`/g, "'")}\``).join('<br>');
    out.push(`| ${md(r.category)} | ${cols.map((c) => r.counts[c] ?? 0).join(' | ')} | \`${ex.message}\` (${ex.field})<br>${md(values)} | ${md(why(r.category) || '(not analysed yet)')} |`);
  }
  out.push('', '## Against the RFCs', '');
  out.push(
    'Where a corpus message has one unambiguous reading under RFC 2045-2049, 2047, 2231, 5322, 6532 or 2781, the corpus records it (`expect` in `tests/fixtures/mime-corpus.mjs`). ' +
      'Each cell is how many of those messages the parser gets right, for that field.',
    '',
  );
  const names = report.parsers.map((p) => (p === 'oracle' ? 'GMime' : p));
  out.push(`| field | messages | ${names.join(' | ')} |`, `| --- | ---: | ${names.map(() => '---:').join(' | ')} |`);
  for (const [field, e] of Object.entries(report.expectations)) out.push(`| ${field} | ${e.total} | ${report.parsers.map((p) => e.total - e.wrong[p].length).join(' | ')} |`);
  out.push('');
  for (const p of report.parsers) {
    const wrong = Object.entries(report.expectations).flatMap(([field, e]) => e.wrong[p].map((n) => `\`${n.replace(/\.eml$/, '')}\` (${field})`));
    if (wrong.length) out.push(`- ${p === 'oracle' ? 'GMime' : p} misses: ${wrong.join(', ')}`);
  }
  if (report.oracleVsSecond) {
    out.push('', '## WASM against native', '', `${report.oracle} and ${report.secondOracle} differ on ${report.oracleVsSecond.length} message${report.oracleVsSecond.length === 1 ? '' : 's'}${report.oracleVsSecond.length ? `: ${report.oracleVsSecond.map((m) => `\`${m.name}\` (${m.fields.join(', ')})`).join(', ')}` : ''}.`);
  }
  out.push('', notes({ report }), '');
  out.push('## Every differing message, by category', '');
  for (const r of report.rows) {
    out.push(`- **${r.category}**: ${Object.entries(r.messages).map(([peer, list]) => `${peer} (${list.length}): ${list.map((n) => `\`${n.replace(/\.eml$/, '')}\``).join(', ')}`).join('; ')}`);
  }
  return `${out.join('\n')}\n`;
}

function DOC_INTRO({ report }) {
  return [
    `Parsers: ${report.oracle ?? 'GMime 3.2.13 (not run here, see below)'}; mailparser ${packageVersion('mailparser')} (\`simpleParser\`, default options); postal-mime ${packageVersion('postal-mime')} (\`PostalMime.parse\`, default options); Node ${process.version}.`,
    '',
    `Corpus: \`tests/fixtures/mime-corpus.mjs\`, ${report.count} messages in ${Object.keys(CORPUS_CATEGORIES).length} categories (the name prefix), generated deterministically, plus the repository's real fixtures. ` +
      'Run `node bench/js/mime-peers.mjs` to print the table, `--write-doc` to regenerate this page, `--show=<category, name prefix or all>` to see the values behind a row.',
    '',
    'What is compared, after mapping each result to the MIME module\'s JSON shape: `subject`; `from` (display name and address of each mailbox, groups flattened); `date` (as an instant); `messageId` (without angle brackets); `text` and `html`; `attachments` (file name, decoded size and SHA-256, in any order). ' +
      'Before comparing, line ends in bodies become LF, trailing whitespace of a body or subject is dropped, and an empty string counts as absent: those differences are not findings.',
  ].join('\n');
}

/** What explains a difference between the native and the WASM build, by message name. */
const WASM_NATIVE_CAUSES = [
  [/header\/duplicate-from/, "Debian builds GMime 3.2.13 with one patch, `0001-Avoid-clearing-a-header-list-if-it-is-being-appended` (upstream issue #129): without it a repeated address header replaces the earlier one instead of adding to it. The WASM module compared here was built without it; `scripts/build-gmime-wasm.sh` now applies Debian's patches, so a rebuild should remove this difference."],
  [/./, "charset conversion: natively the C library's iconv (glibc), in WASM the platform's TextDecoder and the module's own decoders (`docs/mime.md`, Charsets). They know different labels and replace invalid bytes differently."],
];

/** Notes shown while the finding they describe still reproduces on this run. */
const FINDINGS = [
  {
    when: (v) => v('encoded-word/adjacent-three', 'oracle')?.subject === 'é',
    text: 'GMime 3.2.13 decodes runs of adjacent same-charset B-encoded words as one base64 stream that ends at the first padding: `=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=` gives "é". This is jstedfast/gmime#133 (a regression from a base64 decoder speed-up, closed upstream). Debian\'s package carries no fix, so the native oracle has it too. Mailers split long subjects and display names this way, so the MIME module should carry a fix as a patch in `scripts/gmime-wasm/patches/`; the native oracle would then differ on exactly these messages.',
  },
  {
    when: (v) => v('rfc822/attachment-with-filename', 'oracle')?.attachments?.some((a) => a.filename === null),
    text: 'The MIME module lists a message/rfc822 attachment without the file name its Content-Disposition gives. Its bytes are GMime\'s re-serialization of the message with LF line ends, not the bytes received (see "message/rfc822 parts").',
  },
  {
    when: (v) => v('cte/qp-nul', 'oracle')?.text === 'nul',
    text: 'The MIME module\'s `text` ends at the first NUL byte of a body (`cte/qp-nul`, `cte/binary-with-nul`), as if read as a C string, and a NUL in a header ends its value.',
  },
  {
    when: (v) => /\r\n/.test(v('address/from-folded', 'oracle')?.from?.[0]?.name ?? ''),
    text: 'The MIME module returns a folded display name with the fold\'s CRLF inside (`address/from-folded`: "Alice\\r\\n Example"); RFC 5322 2.2.3 unfolding removes the CRLF.',
  },
  {
    when: (v) => /[\u0080-\u009f]/.test(v('charset/windows-1252-8bit', 'postal-mime')?.text ?? ''),
    text: `Node ${process.version}'s TextDecoder decodes windows-1252 (and the labels that WHATWG maps to it: iso-8859-1, latin1, us-ascii) as ISO-8859-1 (nodejs/node#60888, a regression since 20.18.3 and 22.13.0). Every TextDecoder-based parser, postal-mime included, turns smart quotes, € and dashes into C1 control characters in this Node. The corpus generator writes out the windows-1252 table for the same reason.`,
  },
  {
    when: (v) => !(v('charset/alias-ks_c_5601-1987-uhc', 'postal-mime')?.text ?? '').includes('똠'),
    text: "Node's TextDecoder('euc-kr') (ICU) lacks the CP949/UHC syllables that WHATWG's euc-kr index has, and drops the lead byte without a U+FFFD. Korean mail from Outlook (ks_c_5601-1987) therefore loses characters in TextDecoder-based parsers such as postal-mime, silently (`charset/alias-ks_c_5601-1987-uhc`: 똠 becomes \"c\"). Browsers that follow WHATWG decode it; the MIME module decodes the extension itself where the platform lacks it (docs/mime.md, Charsets).",
  },
  {
    when: (v) => v('date/garbage', 'mailparser')?.date !== null,
    text: 'mailparser gives an unparsable or empty Date header the time of parsing (its code falls back to `new Date()`), so an app cannot tell "no date" from "sent now".',
  },
  {
    when: (v) => v('attachment/octet-stream-8bit-binary', 'postal-mime')?.attachments?.[0]?.size === 3023,
    text: 'postal-mime appends a line feed to the content of parts that are not base64, which corrupts binary files sent as binary or quoted-printable (one byte more, another SHA-256).',
  },
];

function DOC_NOTES({ report }) {
  const byName = new Map(report.messages.map((m) => [m.name.replace(/\.eml$/, ''), m]));
  const v = (name, parser) => byName.get(name)?.views[parser];
  const notes = FINDINGS.filter((f) => {
    try {
      return f.when(v);
    } catch {
      return false;
    }
  });
  const out = [];
  if (notes.length) out.push('## Findings to act on', '', ...notes.map((n) => `- ${n.text}`));
  if (report.oracleVsSecond?.length) {
    const causes = new Map();
    for (const m of report.oracleVsSecond) {
      const [, cause] = WASM_NATIVE_CAUSES.find(([re]) => re.test(m.name));
      if (!causes.has(cause)) causes.set(cause, []);
      causes.get(cause).push(`\`${m.name.replace(/\.eml$/, '')}\``);
    }
    out.push('', 'Why the WASM module and native GMime differ:', '', ...[...causes].map(([cause, names]) => `- ${cause} (${names.join(', ')})`));
  }
  out.push(
    '',
    '## Caveats',
    '',
    '- The comparison runs each library with its defaults; several of the differences above are options (mailparser `keepCidLinks`, postal-mime `rfc822Attachments`, GMime\'s fallback charsets).',
    '- A category counts messages, not severity: one wrong date is one message, and so is one lost attachment.',
    '- The RFC expectations cover only what the RFCs settle. Where they do not (a UTF-8 BOM, duplicated headers, several inline text parts), no parser is counted wrong.',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Command line

async function main() {
  const args = process.argv.slice(2);
  const flag = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const value = (name, fallback) => flag(name)?.split('=')[1] ?? fallback;
  const oracle = await findOracle(value('oracle', 'auto'));
  // With both builds present, the WASM module is checked against native on the same corpus.
  const second = oracle && oracle.name.includes('native') && existsSync(ORACLE_PATHS.wasm) && existsSync(ORACLE_PATHS.wasmBinary) && !flag('no-wasm-check') ? await wasmOracle() : null;
  const corpus = mimeCorpus({ huge: !flag('no-huge') });
  console.log(`corpus: ${corpus.length} messages; oracle: ${oracle?.name ?? 'none (peers compared with each other)'}${second ? `; checked against ${second.name}` : ''}`);
  const report = await compareCorpus({
    corpus,
    oracle,
    secondOracle: second,
    onProgress: (i, n) => process.stderr.isTTY && process.stderr.write(`\r${i}/${n}`),
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  oracle?.close();
  const show = value('show');
  if (show) {
    const wanted = (x) => show === 'all' || x.name.startsWith(show) || report.rows.some((r) => r.category === show && Object.values(r.messages).some((l) => l.includes(x.name)));
    for (const m of report.messages.filter(wanted)) {
      console.log(`\n== ${m.name}${m.expect ? `  expect ${JSON.stringify(m.expect).slice(0, 300)}` : ''}`);
      for (const field of FIELDS) {
        const values = Object.entries(m.views).map(([p, v]) => [p, display(field, v)]);
        if (new Set(values.map(([, v]) => v)).size > 1) for (const [p, v] of values) console.log(`  ${field.padEnd(11)} ${p.padEnd(12)} ${v}`);
      }
    }
    return;
  }
  console.log(`\n${formatTable(report)}`);
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  const { messages: _messages, ...summary } = report;
  writeFileSync(path.join(root, 'bench/results/mime-peers.json'), JSON.stringify(summary, null, 2));
  if (flag('write-doc')) {
    writeFileSync(path.join(root, 'docs/mime-comparison.md'), renderDoc(report));
    console.log('\nwrote docs/mime-comparison.md');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
