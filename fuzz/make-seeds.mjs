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

// server_session_fuzzer: config, output limit, host chunk, random seed, then operations: a byte
// below 0xc0 is a chunk of that many client bytes plus one; 0xc0 reads all output, 0xc2 times
// out, 0xc3 hangs up, 0xc4 reports TLS up (see the fuzzer).
function serverInput(config, lines, { read = true } = {}) {
  const parts = [Buffer.from([config, 4, 16, 1])];
  for (const line of lines) {
    if (typeof line === 'number') {
      parts.push(Buffer.from([line]));
      continue;
    }
    const bytes = Buffer.from(line, 'latin1');
    parts.push(Buffer.from([bytes.length - 1]), bytes);
    if (read) parts.push(Buffer.from([0xc0]));
  }
  return Buffer.concat(parts);
}
const b64 = (s) => Buffer.from(s, 'latin1').toString('base64');
const transaction = ['STAT\r\n', 'LIST\r\n', 'UIDL\r\n', 'LIST 2\r\n', 'UIDL 3\r\n', 'RETR 1\r\n', 'TOP 3 1\r\n',
  'RETR 2\r\n', 'DELE 1\r\n', 'NOOP\r\n', 'RSET\r\n', 'DELE 2\r\n', 'QUIT\r\n'];
out('server_session_fuzzer', 'user-pass-session', serverInput(0xd4, ['CAPA\r\n', 'USER alice\r\n', 'PASS secret\r\n', ...transaction]));
out('server_session_fuzzer', 'pipelined-unread', serverInput(0x14, [['USER alice\r\nPASS secret\r\n', ...transaction].join('')], { read: false }));
out('server_session_fuzzer', 'auth-plain', serverInput(0x04, ['AUTH PLAIN ' + b64('\0alice\0secret') + '\r\n', 'RETR 3\r\n', 0xc2]));
out('server_session_fuzzer', 'auth-login-cancel', serverInput(0x04, ['AUTH LOGIN\r\n', b64('alice') + '\r\n', '*\r\n', 'AUTH LOGIN ' + b64('alice') + '\r\n', b64('secret') + '\r\n', 'QUIT\r\n']));
out('server_session_fuzzer', 'stls-injection', serverInput(0x11, ['CAPA\r\n', 'STLS\r\nUSER alice\r\nPASS secret\r\n', 0xc4, 'CAPA\r\n', 'USER alice\r\n', 'PASS secret\r\n', 'STLS\r\n', 0xc3]));
out('server_session_fuzzer', 'hostile', serverInput(0x30, ['USER ' + 'a'.repeat(180) + '\r\n', 'NO\0OP\r\n', 'AUTH CRAM-MD5\r\n', '!!!!\r\n', 'APOP alice 0123456789abcdef0123456789abcdef\r\n', 'JUNK\r\n', 'UTF8\r\n', 'LANG\r\n']));

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
