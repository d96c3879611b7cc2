// Writes seed corpora for the fuzzers from the recorded Dovecot transcripts and fixtures, in
// each fuzzer's input format (see fuzz_input.hpp). Run: node fuzz/make-seeds.mjs
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

import { corpusCategory, mimeCorpus } from '../tests/fixtures/mime-corpus.mjs';

const root = new URL('../', import.meta.url);
const out = (target, name, bytes) => {
  const dir = new URL(`corpus/${target}/`, import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(name, dir), bytes);
};
const u32 = (n) => Buffer.from([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

// session_fuzzer: config, status-line limit, listing limit, script, then chunks of
// [size byte][4-byte length][bytes]; the 0xff size byte allows chunks up to 2041 bytes.
function sessionInput(config, script, stream, chunk) {
  const parts = [Buffer.from([config, 0xff]), u32(0xffffffff), Buffer.from([script])];
  for (let i = 0; i < stream.length; i += chunk) {
    const piece = stream.subarray(i, i + chunk);
    parts.push(Buffer.from([0xff]), u32(piece.length), piece);
  }
  return Buffer.concat(parts);
}

const transcripts = new URL('tests/fixtures/transcripts/', root);
for (const file of readdirSync(transcripts).filter((f) => f.endsWith('.server'))) {
  const stream = readFileSync(new URL(file, transcripts));
  out('session_fuzzer', `${file}-pipelined`, sessionInput(0x0f, 0x7f, stream, 2041));
  out('session_fuzzer', `${file}-small-chunks`, sessionInput(0x05, 0x0b, stream, 7));
}

// parsers_fuzzer: newline-separated lines.
out('parsers_fuzzer', 'capa', Buffer.from('TOP\nUSER\nSASL PLAIN SCRAM-SHA-256\nRESP-CODES\nLOGIN-DELAY 900 USER\nPIPELINING\nEXPIRE NEVER\nUIDL\nIMPLEMENTATION x\nSTLS\nUTF8 USER\nLANG'));
out('parsers_fuzzer', 'status', Buffer.from('+OK 2 320\n-ERR [SYS/TEMP/QUOTA] later\n+ PDEyMzQ+\n1 whqtswO00WBw418f9t5JxYwZ\n+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\nAGFsaWNlAHNlY3JldA=='));

// sasl_fuzzer: mechanism selector, then [4-byte length][challenge] rounds.
const round = (text) => Buffer.concat([u32(Buffer.byteLength(text)), Buffer.from(text)]);
out('sasl_fuzzer', 'scram-sha1', Buffer.concat([Buffer.from([3]), round('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096'), round('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=')]));
out('sasl_fuzzer', 'cram', Buffer.concat([Buffer.from([2]), round('<1896.697170952@postoffice.reston.mci.net>')]));
out('sasl_fuzzer', 'oauth', Buffer.concat([Buffer.from([6]), round('{"status":"invalid_token"}')]));

// sync_planner_fuzzer: any bytes are a valid description; a few shapes to start from.
out('sync_planner_fuzzer', 'three-messages', Buffer.from([3, 1, 0, 0, 0, 0, 100, 0, 1, 0, 0, 0, 0, 200, 1, 1, 0, 0, 0, 0, 50, 2, 2, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 2, 2, 1, 3]));
// mime_fuzzer: an options byte (bit 0: builtin charsets only; the rest: chunk size), then a
// message: the first three small messages of each MIME corpus category.
const perCategory = new Map();
for (const m of mimeCorpus({ huge: false })) {
  const category = corpusCategory(m.name);
  if (m.bytes.length > 3000 || (perCategory.get(category) ?? 0) >= 3) continue;
  perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
  out('mime_fuzzer', m.name.replace('/', '-'), Buffer.concat([Buffer.from([perCategory.size & 1 ? 0x0e : 0x41]), m.bytes]));
}
// charset_fuzzer: an options byte (low bits: which decoder; high nibble: where to cut), then text.
const seedTexts = [
  '=?UTF-8?B?SsO8cmdlbg==?= =?UTF-8?B?IE3DvGxsZXI=?= <j@example.org>',
  'Re: =?iso-8859-1?Q?Caf=E9?= and =?utf-8?q?na=C3=AFve?= plain =?x-unknown?B?w6k=?=',
  '=?ks_c_5601-1987?B?jGO55rCix8/AzA==?= +AGEAYgBj- \u00e9',
];
seedTexts.forEach((t, i) => out('charset_fuzzer', `header-${i}`, Buffer.concat([Buffer.from([0x30 + i * 4]), Buffer.from(t, 'latin1')])));
out('charset_fuzzer', 'uhc-pairs', Buffer.from([0x5b, 0x81, 0x41, 0xb0, 0xa1, 0x41, 0xc6, 0x52, 0xc6, 0x53, 0xa1, 0xa1, 0x81]));
out('charset_fuzzer', 'utf-16-surrogates', Buffer.from([0x72, 0xd8, 0x3d, 0xde, 0x00, 0xdc, 0x00, 0x00, 0x41]));
console.log('seeds written to fuzz/corpus/');
