// The WASM MIME module against its oracle: the same wrapper built natively with Debian's GMime
// (build/native/tools/mime-dump). Every message of the corpus (the fixtures plus the generated
// edge cases of tests/fixtures/mime-corpus.mjs) must give the same summary, byte for byte, and
// every attachment the same decoded bytes. Twice: with each platform's charset decoding
// (TextDecoder in WASM, glibc's iconv natively) and with the module's own decoders only, which
// isolates GMime and GLib from the two platforms' charset tables.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadMime, parseMessage } from '../../bindings/js/mime-node.js';
import { mimeCorpus } from '../fixtures/mime-corpus.mjs';

const mimeDump = fileURLToPath(new URL('../../build/native/tools/mime-dump', import.meta.url));

// Node's ICU-based TextDecoder('euc-kr') lacks the UHC (CP949) syllables of the Encoding
// Standard, which glibc's CP949 has: the module decodes them itself then (uhc_extension.hpp), and
// the corpus has every one of them (charset/uhc-every-extension-syllable).
const nodeLacksUhc = new TextDecoder('euc-kr').decode(Uint8Array.of(0x81, 0x41)) !== '\uac02';
const corpus = mimeCorpus();
let work;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-mime-oracle-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test.each([
  ['platform charset decoding', false],
  ['builtin charset decoding only', true],
])(`native GMime and the WASM module agree on all ${corpus.length} corpus messages (%s)`, async (_, builtinOnly) => {
  (await loadMime()).setBuiltinCharsetsOnly(builtinOnly);
  expect(corpus.length).toBeGreaterThanOrEqual(300);
  // The native side: one mime-dump run over every file (one JSON line each).
  const files = [];
  for (const [i, message] of corpus.entries()) {
    const file = path.join(work, `${String(i).padStart(4, '0')}.eml`);
    await writeFile(file, message.bytes);
    files.push(file);
  }
  const native = [];
  for (let i = 0; i < files.length; i += 100) {
    const args = [...(builtinOnly ? ['--builtin-charsets'] : []), ...files.slice(i, i + 100)];
    const out = execFileSync(mimeDump, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
    native.push(...out.split('\n').filter(Boolean));
  }
  expect(native).toHaveLength(corpus.length);

  const mismatches = [];
  let attachmentsCompared = 0;
  for (const [i, message] of corpus.entries()) {
    const parsed = await parseMessage(message.bytes);
    const wasm = JSON.stringify(parsed.toJSON());
    const oracle = JSON.stringify(JSON.parse(native[i]));
    if (wasm !== oracle) mismatches.push(message.name);
    // Decoded bytes: each attachment's SHA-256 is computed in the module (when toJSON() above
    // read it); check the bytes handed to JS match it too.
    for (const attachment of parsed.attachments) {
      const bytes = attachment.content();
      const digest = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
      if (digest !== attachment.sha256) mismatches.push(`${message.name} part ${attachment.partId} bytes`);
      attachmentsCompared++;
    }
    parsed.close();
  }
  (await loadMime()).setBuiltinCharsetsOnly(false);
  console.log(
    `MIME oracle (${_}): ${corpus.length} messages, ${attachmentsCompared} attachments, ${mismatches.length} mismatches` +
      (nodeLacksUhc && !builtinOnly ? " (this Node's TextDecoder lacks UHC: the module's extension decoder was used)" : ''),
  );
  expect(mismatches).toEqual([]);
}, 300_000);
