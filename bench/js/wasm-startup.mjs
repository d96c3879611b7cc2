// What loading the WASM modules costs: the download (gzip -9 of each module's .wasm and glue) and
// the time to compile and instantiate each protocol flavour, in Node (loadCore() in a fresh
// process: read, compile, instantiate, Embind set-up) and in headless Chromium (compileStreaming
// over HTTP, then instantiate; no code cache, every response is no-store).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

import { launchChromium, startStaticServer } from '../../tests/harness/browser.mjs';

const run = promisify(execFile);
const WASM_DIR = new URL('../../bindings/js/wasm/', import.meta.url);
export const MODULES = { lite: 'pop3-core-lite', full: 'pop3-core', mime: 'pop3-mime' };

/** gzip -9 and raw bytes of each module (its .wasm plus its Emscripten glue). */
export function moduleSizes() {
  const sizes = {};
  for (const [name, file] of Object.entries(MODULES)) {
    const wasm = readFileSync(new URL(`${file}.wasm`, WASM_DIR));
    const glue = readFileSync(new URL(`${file}.mjs`, WASM_DIR));
    const gzip = (b) => gzipSync(b, { level: 9 }).length;
    sizes[name] = { wasmRaw: wasm.length, wasmGzip: gzip(wasm), glueRaw: glue.length, glueGzip: gzip(glue), gzip: gzip(wasm) + gzip(glue) };
  }
  return sizes;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// One fresh Node process per sample, so that nothing is cached in the process.
const NODE_PROBE = `
const start = performance.now();
const { loadCore } = await import(process.argv[1]);
const imported = performance.now();
const core = await loadCore(undefined, { wasmTls: process.argv[2] === 'full' });
if (core.hasTlsEngine !== (process.argv[2] === 'full')) throw new Error('wrong flavour loaded');
console.log(JSON.stringify({ ms: performance.now() - imported, importMs: imported - start }));
`;

async function nodeStartup(flavour, samples) {
  const entry = new URL('../../bindings/js/node.js', import.meta.url).href;
  const ms = [];
  for (let i = 0; i < samples; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', NODE_PROBE, entry, flavour], { env: { ...process.env, NODE_OPTIONS: '' } });
    ms.push(JSON.parse(stdout).ms);
  }
  return median(ms);
}

// In the page: compileStreaming from the served file, then instantiate with stand-in imports
// (instantiating runs no import: Emscripten's start-up code is called by the glue afterwards).
async function pageStartup(url) {
  const start = performance.now();
  const module = await WebAssembly.compileStreaming(fetch(url, { cache: 'no-store' }));
  const compiled = performance.now();
  const imports = {};
  for (const { module: name, name: field, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function') throw new Error(`unexpected ${kind} import ${name}.${field}`);
    (imports[name] ??= {})[field] = () => 0;
  }
  await WebAssembly.instantiate(module, imports);
  return { compileMs: compiled - start, totalMs: performance.now() - start };
}

async function chromiumStartup(flavours, samples) {
  const server = await startStaticServer({ root: new URL('.', WASM_DIR).pathname });
  const chromium = await launchChromium();
  const results = {};
  try {
    for (const flavour of flavours) {
      const totals = [];
      const compiles = [];
      for (let i = 0; i < samples; i++) {
        const { page, close } = await chromium.open(`${server.url}pop3-core.mjs`);  // any same-origin page
        try {
          const r = await page.evaluate(`(${pageStartup})(${JSON.stringify(`${server.url}${MODULES[flavour]}.wasm`)})`);
          totals.push(r.totalMs);
          compiles.push(r.compileMs);
        } finally {
          await close();
        }
      }
      results[flavour] = { ms: median(totals), compileMs: median(compiles) };
    }
  } finally {
    await chromium.close();
    await server.close();
  }
  return results;
}

export async function wasmStartupBenchmark({ samples = 5 } = {}) {
  const node = {};
  for (const flavour of ['lite', 'full']) node[flavour] = { ms: await nodeStartup(flavour, samples) };
  const chromium = await chromiumStartup(['lite', 'full'], samples);
  return { samples, sizes: moduleSizes(), node, chromium };
}
