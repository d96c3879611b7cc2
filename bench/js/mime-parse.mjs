// Parse throughput of the MIME module (GMime in WASM) against native GMime, postal-mime and
// mailparser on the MIME corpus, plus the module's size and its cold load time in Node.
//
// Two sets, because they measure different things: "small" is every corpus message under 1 MB
// (per-message overhead: headers, part walk, JSON), "huge" the 5-20 MB ones (decoding speed).
// Messages that any parser refuses (mailparser's 1000-part limit, postal-mime's nesting limit)
// are left out of both, so every parser parses the same bytes. Each figure is the best of a few
// rounds after a warm-up pass: the machine is shared with builds, and the best round is the one
// least disturbed.
//
// Native GMime: build/native/bench/native/mime_parse_bench when it exists, called as
// `mime_parse_bench <file>...` and expected to print one JSON object with `mb_per_s` (the
// convention of codec_throughput). Otherwise build/native/tools/mime-dump over the files in
// batches of 100, which includes process start-up and JSON output, so it understates GMime.
//
//   node bench/js/mime-parse.mjs [--rounds=N] [--no-huge]     prints `name  ours  peer  ratio`
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

import { simpleParser } from 'mailparser';
import PostalMime from 'postal-mime';

import { mimeCorpus } from '../../tests/fixtures/mime-corpus.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

export const PATHS = {
  mimeJs: path.join(root, 'bindings/js/mime-node.js'),  // the Node entry of pop3-wasm/mime
  mimeLoader: path.join(root, 'bindings/js/mime.js'),   // what a browser loads
  wasm: path.join(root, 'bindings/js/wasm/pop3-mime.wasm'),
  glue: path.join(root, 'bindings/js/wasm/pop3-mime.mjs'),
  nativeBench: path.join(root, 'build/native/bench/native/mime_parse_bench'),
  mimeDump: path.join(root, 'build/native/tools/mime-dump'),
};

const HUGE = 1024 * 1024;

/** The in-process parsers, each taking bytes and producing its full result. */
async function inProcessParsers() {
  const parsers = {
    'postal-mime': (bytes) => PostalMime.parse(bytes),
    mailparser: (bytes) => simpleParser(bytes),
  };
  if (existsSync(PATHS.mimeJs) && existsSync(PATHS.wasm)) {
    const { parseMessage } = await import(pathToFileURL(PATHS.mimeJs).href);
    // parseMessage reads the summary (headers, addresses, text, html, the list of attachments);
    // attachment bytes are decoded only when asked for. close() frees the WASM-side document, as
    // an app should once it has read what it needs.
    parsers.wasm = async (bytes) => (await parseMessage(bytes)).close();
    // The peers decode every attachment while parsing: this row does the same work.
    parsers['wasm+attachments'] = async (bytes) => {
      const message = await parseMessage(bytes);
      for (const attachment of message.attachments) attachment.content();
      message.close();
    };
  }
  return parsers;
}

async function timeSet(parse, messages, rounds) {
  for (const m of messages) await parse(m.bytes);  // warm-up: JIT, WASM memory growth
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (const m of messages) await parse(m.bytes);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  const bytes = messages.reduce((n, m) => n + m.bytes.length, 0);
  return { seconds: best, mbPerS: bytes / best / 1e6, messagesPerS: messages.length / best };
}

/** Native GMime over files on disk: the bench binary if built, else mime-dump in batches. */
async function nativeThroughput(messages, rounds) {
  const tool = existsSync(PATHS.nativeBench) ? 'bench' : existsSync(PATHS.mimeDump) ? 'mime-dump' : null;
  if (!tool) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mime-parse-'));
  try {
    const files = messages.map((m, i) => {
      const file = path.join(dir, `${String(i).padStart(5, '0')}.eml`);
      writeFileSync(file, m.bytes);
      return file;
    });
    const bytes = messages.reduce((n, m) => n + m.bytes.length, 0);
    if (tool === 'bench') {
      const { stdout } = await run(PATHS.nativeBench, files, { maxBuffer: 1 << 26 });
      const out = JSON.parse(stdout.trim().split('\n').pop());
      return { tool: 'mime_parse_bench', mbPerS: out.mb_per_s, seconds: out.seconds ?? bytes / out.mb_per_s / 1e6, raw: out };
    }
    const once = async () => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < files.length; i += 100) await run(PATHS.mimeDump, files.slice(i, i + 100), { maxBuffer: 1 << 30 });
      return Number(process.hrtime.bigint() - start) / 1e9;
    };
    await once();
    let best = Infinity;
    for (let r = 0; r < rounds; r++) best = Math.min(best, await once());
    return { tool: 'mime-dump (incl. process start and JSON output)', mbPerS: bytes / best / 1e6, seconds: best, messagesPerS: messages.length / best };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizeOf = (file) => {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};

/** What an app downloads for the MIME module, and postal-mime's own files for scale. */
export function moduleSizes() {
  const sizes = {};
  if (existsSync(PATHS.wasm)) {
    sizes.wasm = sizeOf(PATHS.wasm);
    sizes.glue = sizeOf(PATHS.glue);
    sizes.loader = sizeOf(PATHS.mimeLoader);
    sizes.total = { raw: sizes.wasm.raw + sizes.glue.raw + sizes.loader.raw, gzip: sizes.wasm.gzip + sizes.glue.gzip + sizes.loader.gzip };
  }
  // postal-mime has no dependencies: its ESM build is everything it ships (gzip per file, summed).
  const dist = path.join(root, 'node_modules/postal-mime/dist/esm');
  const files = readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => path.join(dist, f));
  sizes.postalMime = files.map(sizeOf).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });
  return sizes;
}

/**
 * Cold load in Node: a fresh process imports the parser and parses a one-line message; the time
 * from before the import to the result (process start-up itself is not counted). Median of `runs`.
 */
export function coldLoadMs(which, runs = 7) {
  const imports = {
    wasm: `const { parseMessage } = await import(${JSON.stringify(pathToFileURL(PATHS.mimeJs).href)}); const parse = async (b) => (await parseMessage(b)).close();`,
    'postal-mime': "const { default: PostalMime } = await import('postal-mime'); const parse = (b) => PostalMime.parse(b);",
    mailparser: "const { simpleParser } = await import('mailparser'); const parse = (b) => simpleParser(Buffer.from(b));",
  };
  const script = `const t0 = performance.now(); ${imports[which]} await parse(new TextEncoder().encode('Subject: hi\\r\\n\\r\\nbody\\r\\n')); process.stdout.write(String(performance.now() - t0));`;
  const samples = [];
  for (let i = 0; i < runs; i++) {
    samples.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })));
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)], samples };
}

/** Runs everything and returns the figures (and the rows printed by the command line). */
export async function mimeParseBenchmark({ rounds = 3, huge = true, corpus = mimeCorpus({ huge }) } = {}) {
  const parsers = await inProcessParsers();
  // Only messages every parser accepts, so that all parse the same bytes.
  const refused = new Set();
  for (const m of corpus) {
    for (const [name, parse] of Object.entries(parsers)) {
      try {
        await parse(m.bytes);
      } catch {
        refused.add(`${m.name} (${name})`);
        m.refused = true;
      }
    }
  }
  const usable = corpus.filter((m) => !m.refused);
  const sets = { small: usable.filter((m) => m.bytes.length < HUGE), huge: usable.filter((m) => m.bytes.length >= HUGE) };
  const throughput = {};
  for (const [set, messages] of Object.entries(sets)) {
    if (!messages.length) continue;
    const n = set === 'huge' ? Math.max(1, rounds - 1) : rounds;
    throughput[set] = { messages: messages.length, bytes: messages.reduce((s, m) => s + m.bytes.length, 0) };
    for (const [name, parse] of Object.entries(parsers)) throughput[set][name] = await timeSet(parse, messages, n);
    throughput[set].native = await nativeThroughput(messages, n);
  }
  const load = {};
  for (const which of ['wasm', 'postal-mime', 'mailparser'].filter((w) => parsers[w])) load[which] = coldLoadMs(which);
  const sizes = moduleSizes();
  return { date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0].model, cores: os.cpus().length, refused: [...refused], throughput, load, sizes, rows: rowsOf({ throughput, load, sizes }) };
}

function rowsOf({ throughput, load, sizes }) {
  const rows = [];
  const row = (name, ours, peer, peerValue, unit, higherIsBetter) => {
    if (ours === undefined || peerValue === undefined || peerValue === null) return;
    rows.push({ name, unit, ours, peer, peerValue, ratio: higherIsBetter ? ours / peerValue : peerValue / ours, higherIsBetter });
  };
  for (const [set, t] of Object.entries(throughput)) {
    const label = `parse ${t.messages} ${set} msgs, ${(t.bytes / 1e6).toFixed(1)} MB (MB/s)`;
    row(label, t.wasm?.mbPerS, 'native', t.native?.mbPerS, 'MB/s', true);
    row(label, t.wasm?.mbPerS, 'postal-mime', t['postal-mime'].mbPerS, 'MB/s', true);
    row(label, t.wasm?.mbPerS, 'mailparser', t.mailparser.mbPerS, 'MB/s', true);
    const all = `${label.replace(' (MB/s)', '')}, every attachment read (MB/s)`;
    row(all, t['wasm+attachments']?.mbPerS, 'postal-mime', t['postal-mime'].mbPerS, 'MB/s', true);
    row(all, t['wasm+attachments']?.mbPerS, 'mailparser', t.mailparser.mbPerS, 'MB/s', true);
    if (set === 'small') {
      row(`parse ${set} msgs (msgs/s)`, t.wasm?.messagesPerS, 'postal-mime', t['postal-mime'].messagesPerS, 'msg/s', true);
      row(`parse ${set} msgs (msgs/s)`, t.wasm?.messagesPerS, 'mailparser', t.mailparser.messagesPerS, 'msg/s', true);
    }
  }
  row('cold load + first parse in Node (ms)', load.wasm?.medianMs, 'postal-mime', load['postal-mime']?.medianMs, 'ms', false);
  row('cold load + first parse in Node (ms)', load.wasm?.medianMs, 'mailparser', load.mailparser?.medianMs, 'ms', false);
  row('download, gzip -9 (KB)', sizes.total && sizes.total.gzip / 1024, 'postal-mime', sizes.postalMime.gzip / 1024, 'KB', false);
  return rows;
}

export function formatRows(rows) {
  return rows
    .map((r) => `${r.name.padEnd(44)} ours ${r.ours.toFixed(2).padStart(9)} ${r.unit.padEnd(5)} ${r.peer.padEnd(11)} ${r.peerValue.toFixed(2).padStart(9)} ${r.unit.padEnd(5)} ratio ${r.ratio.toFixed(2)}x ${r.higherIsBetter ? '(ours/peer)' : '(peer/ours)'}`)
    .join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 3);
  if (!existsSync(PATHS.mimeJs) || !existsSync(PATHS.wasm)) console.log('the MIME module is not built (bindings/js/wasm/pop3-mime.wasm): only the peers are measured\n');
  const result = await mimeParseBenchmark({ rounds, huge: !args.includes('--no-huge') });
  console.log(`MIME parse benchmark, ${result.date}, ${result.cores} x ${result.cpu}, Node ${result.node}\n`);
  console.log(formatRows(result.rows));
  for (const [set, t] of Object.entries(result.throughput)) {
    console.log(`\n${set}: ${t.messages} messages, ${(t.bytes / 1e6).toFixed(1)} MB; ` + ['wasm', 'wasm+attachments', 'postal-mime', 'mailparser'].filter((p) => t[p]).map((p) => `${p} ${t[p].mbPerS.toFixed(1)} MB/s`).join(', ') + (t.native ? `, native ${t.native.mbPerS.toFixed(1)} MB/s via ${t.native.tool}` : ', native not built'));
  }
  const s = result.sizes;
  if (s.total) {
    console.log(`\nMIME module: pop3-mime.wasm ${(s.wasm.raw / 1024).toFixed(0)} KB raw / ${(s.wasm.gzip / 1024).toFixed(0)} KB gzip, pop3-mime.mjs ${(s.glue.raw / 1024).toFixed(0)} / ${(s.glue.gzip / 1024).toFixed(0)} KB, mime.js ${(s.loader.raw / 1024).toFixed(0)} / ${(s.loader.gzip / 1024).toFixed(0)} KB; total ${(s.total.raw / 1024).toFixed(0)} KB raw, ${(s.total.gzip / 1024).toFixed(0)} KB gzip`);
  }
  console.log(`postal-mime dist/esm: ${(s.postalMime.raw / 1024).toFixed(0)} KB raw, ${(s.postalMime.gzip / 1024).toFixed(0)} KB gzip`);
  console.log(`cold load + first parse (median of 7): ${Object.entries(result.load).map(([k, v]) => `${k} ${v.medianMs.toFixed(1)} ms`).join(', ')}`);
  if (result.refused.length) console.log(`left out (refused by a parser): ${result.refused.join(', ')}`);
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/mime-parse.json'), JSON.stringify(result, null, 2));
  console.log('\nsaved bench/results/mime-parse.json');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
