// The MIME summary's field names come from the contract (scripts/contract/contract.json), which
// the C++ JSON writer (core/src/mime/summary_json.cpp) uses through generated constants;
// bindings/js/mime.js passes them through unnamed. They are also spelled in the TypeScript types
// (bindings/js/mime.d.ts) and in the docs (docs/mime.md): this test holds all four to the same
// names in the same order, for every object of the summary, as the WASM module and the native
// build (the oracle's mime-dump) write them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseMessage } from '../../bindings/js/mime-node.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mimeDump = path.join(root, 'build/native/tools/mime-dump');

// One message that has every kind of object the summary holds: headers, addresses, an
// attachment, a tree, and damage (an 8-bit header).
const sample = [
  'From: "Ann" <ann@example.org>', 'To: bob@example.org', 'Subject: caf\xe9', 'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"', '',
  '--b', 'Content-Type: text/plain; charset=utf-8', '', 'hello',
  '--b', 'Content-Type: application/octet-stream; name="a.bin"', 'Content-Transfer-Encoding: base64', '', 'AAEC',
  '--b--', '',
].join('\r\n');

/** Field names of each object of a summary, keyed as in the table below. */
function shapeOf(summary) {
  return {
    ParsedMessageData: Object.keys(summary),
    header: Object.keys(summary.headers[0]),
    MailAddress: Object.keys(summary.from[0]),
    Attachment: Object.keys(summary.attachments[0]),
    MimePart: Object.keys(summary.parts),
    MimeDamage: Object.keys(summary.damage[0]),
  };
}

/** The same, read from mime.d.ts: the data members of each interface, in order. */
function shapeInTypes() {
  const source = readFileSync(path.join(root, 'bindings/js/mime.d.ts'), 'utf8');
  const members = (name) => {
    const body = source.match(new RegExp(`export interface ${name} (?:extends [^{]+)?\\{([\\s\\S]*?)\\n\\}`))?.[1];
    if (!body) throw new Error(`no interface ${name} in mime.d.ts`);
    return body.replace(/\/\*\*[\s\S]*?\*\//g, '').split('\n')
      .map((line) => line.match(/^ {2}(?:readonly )?(\w+)\??:/)?.[1])  // methods (`content(): ...`) are not data
      .filter(Boolean);
  };
  const headers = source.match(/^ {2}headers: \{ ([^}]*) \}\[\];/m)?.[1];
  return {
    ParsedMessageData: members('ParsedMessageData'),
    header: headers.split(';').map((m) => m.trim().split(':')[0]).filter(Boolean),
    MailAddress: members('MailAddress'),
    Attachment: members('Attachment'),
    MimePart: members('MimePart'),
    MimeDamage: members('MimeDamage'),
  };
}

/** The same, read from the Fields table of docs/mime.md. */
function shapeInDocs() {
  const doc = readFileSync(path.join(root, 'docs/mime.md'), 'utf8');
  const table = doc.split('## Fields')[1].split('\n## ')[0].split('\n').filter((l) => l.startsWith('| `'));
  const rows = table.map((line) => {
    const [, names, meaning] = line.split('|');
    return { names: [...names.matchAll(/`(\w+)`/g)].map((m) => m[1]), meaning };
  });
  const fieldsIn = (name) => {
    const row = rows.find((r) => r.names.includes(name));
    // The first `{ a, b, ... }` of the row's meaning lists the object's fields.
    return row.meaning.match(/`\[?\{ ([^}]*) \}\]?`/)[1].split(',').map((f) => f.trim());
  };
  return {
    ParsedMessageData: rows.flatMap((r) => r.names),
    header: fieldsIn('headers'),
    MailAddress: fieldsIn('from'),
    Attachment: fieldsIn('attachments'),
    MimePart: fieldsIn('parts'),
    MimeDamage: fieldsIn('damage'),
  };
}

test('the summary written by the WASM module has the fields of the contract, mime.d.ts and docs/mime.md, in order', async () => {
  const message = await parseMessage(Buffer.from(sample, 'latin1'));
  const json = shapeOf(message.toJSON());
  message.close();
  expect(json.Attachment).toContain('sha256');
  const { $comment: _comment, ...contract } = JSON.parse(readFileSync(path.join(root, 'scripts/contract/contract.json'), 'utf8')).mimeFields;
  expect(json).toEqual(contract);
  expect(shapeInTypes()).toEqual(json);
  expect(shapeInDocs()).toEqual(json);
});

test('the native build (the oracle) writes the same fields as the WASM module', async () => {
  expect(existsSync(mimeDump)).toBe(true);  // built by scripts/build.sh
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mime-fields-'));
  try {
    const file = path.join(dir, 'sample.eml');
    writeFileSync(file, Buffer.from(sample, 'latin1'));
    const native = JSON.parse(execFileSync(mimeDump, [file], { encoding: 'utf8' }));
    const message = await parseMessage(Buffer.from(sample, 'latin1'));
    expect(shapeOf(native)).toEqual(shapeOf(message.toJSON()));
    message.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
