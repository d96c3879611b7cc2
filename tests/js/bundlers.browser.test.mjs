// The package in every bundler, as a new user meets it: the packed tarball installed into an
// empty app (its own npm cache), built with no configuration by Vite 5, 6 and 8, webpack 5,
// esbuild and Rollup, served, and run in headless Chromium, where the page fetches every message
// from Dovecot through the bridge with TLS in the page's WASM and parses one. Also: the bundle of
// an app that never parses holds no GMime and no `node:` import, nor does one that runs the
// embedded server (pop3-wasm/server) in the page; a missing .wasm, an HTML page in
// its place and a CSP without 'wasm-unsafe-eval' each end in WASM_LOAD_FAILED saying why; the
// Vite dev servers, whose dependency pre-bundling moves the code away from its .wasm, work too.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

import { startBridge } from '../harness/bridge.mjs';
import { launchChromium, startStaticServer } from '../harness/browser.mjs';
import { BUNDLERS, bundleApp, listFiles } from '../harness/bundle-app.mjs';
import { freePort, startDovecot, toWire } from '../harness/dovecot.mjs';
import { installPackedPackage, ROOT } from '../harness/packed-package.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';
import { sampleMessages } from '../../bindings/js/server-node.js';

const FIXTURE_APP = path.join(ROOT, 'tests', 'fixtures', 'bundler-app');
const VARIANTS = ['fetch-only', 'fetch-and-parse', 'embedded-server'];
const pki = testPki();
const messages = fixtureMessages().map((f) => f.bytes);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const expectedHashes = messages.map((m) => sha256(toWire(m)));
const lastSubject = 'Weekly digest';  // 05-alternative.eml, the last message

let dovecot;
let bridge;
let chromium;
let app;
let wasmFiles;  // the package's own .wasm files: name -> { bytes, sha256 }
const builds = {};  // `${bundler}/${variant}` -> { dir, files, output }
const sizes = [];

beforeAll(async () => {
  dovecot = await startDovecot({ users: { alice: { password: 'bundled-pw', messages } }, tls: pki.server, mechanisms: 'plain login scram-sha-256' });
  bridge = await startBridge({ allow: [{ host: 'localhost', ports: [dovecot.pop3sPort], allowPrivate: true }], origins: ['*'] });
  chromium = await launchChromium();
  app = await installPackedPackage();
  const wasmDir = path.join(app.dir, 'node_modules', 'pop3-wasm', 'bindings', 'js', 'wasm');
  wasmFiles = {};
  for (const name of ['pop3-core.wasm', 'pop3-core-lite.wasm', 'pop3-mime.wasm']) {
    const bytes = await readFile(path.join(wasmDir, name));
    wasmFiles[name] = { bytes: bytes.length, sha256: sha256(bytes) };
  }
  await cp(path.join(FIXTURE_APP, 'index.html'), path.join(app.dir, 'index.html'));
  for (const file of ['mail.js', 'worker.js']) await cp(path.join(FIXTURE_APP, file), path.join(app.dir, 'src', file));
  // Every bundler builds both apps; src/index.js is the entry webpack looks for by default.
  for (const variant of VARIANTS) {
    await cp(path.join(FIXTURE_APP, `${variant}.js`), path.join(app.dir, 'src', 'index.js'));
    for (const bundler of Object.keys(BUNDLERS)) {
      builds[`${bundler}/${variant}`] = await bundleApp(bundler, app.dir, 'src/index.js', `dist-${bundler}-${variant}`);
    }
  }
}, 600_000);

afterAll(async () => {
  if (sizes.length) console.log(['output files, KB raw/gzip -9:', ...sizes].join('\n'));
  await chromium?.close();
  await bridge?.stop();
  await dovecot?.stop();
  await app?.cleanup();
});

const mailOptions = () => ({
  bridge: bridge.url, host: 'localhost', port: dovecot.pop3sPort, tls: 'implicit', ca: pki.caPem, user: 'alice', password: 'bundled-pw',
});

/** Serves `dir`, opens it, and runs window[fn](options) in the page. */
async function runInPage(dir, fn = 'fetchMail', serverOptions = {}) {
  const server = await startStaticServer({ root: dir, ...serverOptions });
  const { page, logs, close } = await chromium.open(server.url);
  try {
    await page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 }).catch((error) => {
      throw new Error(`the page never became ready: ${error.message}\n${logs.join('\n')}`);
    });
    return await page.evaluate(([name, options]) => window[name](options), [fn, mailOptions()]);
  } finally {
    await close();
    await server.close();
  }
}

/**
 * The recipe of docs/bundlers.md for bundlers that do not emit files named by new URL(): copy the
 * protocol module's two flavours next to the bundle, and the MIME module only for an app that
 * parses.
 */
async function copyWasmBesideBundle(dir, { parses }) {
  await mkdir(path.join(dir, 'wasm'), { recursive: true });
  for (const name of Object.keys(wasmFiles).filter((n) => parses || n !== 'pop3-mime.wasm')) {
    await cp(path.join(app.dir, 'node_modules', 'pop3-wasm', 'bindings', 'js', 'wasm', name), path.join(dir, 'wasm', name));
  }
}

async function recordSizes(name, build) {
  const files = await listFiles(build.dir);  // with the .wasm copied in, for esbuild and Rollup
  const kb = (n) => (n / 1024).toFixed(1);
  sizes.push(`${name.padEnd(24)} ${files.map((f) => `${f.name.replace(/^assets\//, '')} ${kb(f.bytes)}/${kb(f.gzip)}`).join('  ')}`);
}

/** The text of every JS file of a build, and the sha256 of every other file. */
async function contents(build) {
  const text = [];
  const hashes = [];
  for (const f of build.files) {
    const bytes = await readFile(path.join(build.dir, f.name));
    if (/\.m?js$/.test(f.name)) text.push(bytes.toString('utf8'));
    else hashes.push(sha256(bytes));
  }
  return { text: text.join('\n'), hashes };
}

describe.each(Object.keys(BUNDLERS))('%s', (bundler) => {
  const { emitsAssets, workers } = BUNDLERS[bundler];

  test('the app that never parses: no node: import, no GMime, and every message fetched in Chromium', async () => {
    const build = builds[`${bundler}/fetch-only`];
    const { text, hashes } = await contents(build);
    // What the bundlers said about Node modules before: warnings (Vite 8), errors (the others).
    expect(build.output).not.toMatch(/externalized for browser compatibility|Could not resolve|UnhandledSchemeError|node:/);
    expect(text).not.toMatch(/["'`]node:[a-z/]+["'`]/);
    expect(text).not.toMatch(/["'`][^"'`\n]*pop3-mime[^"'`\n]*["'`]/);  // the MIME glue names its .wasm
    expect(hashes).not.toContain(wasmFiles['pop3-mime.wasm'].sha256);
    if (emitsAssets) {
      // Both flavours of the protocol module: which one loads is decided at connect time.
      expect(hashes).toEqual(expect.arrayContaining([wasmFiles['pop3-core.wasm'].sha256, wasmFiles['pop3-core-lite.wasm'].sha256]));
    } else {
      // Not emitted: the page says so with the typed error, then works once the files are copied.
      const missing = await runInPage(build.dir);
      expect(missing).toMatchObject({ ok: false, name: 'Pop3Error', code: 'WASM_LOAD_FAILED', url: expect.stringMatching(/\/wasm\/pop3-core\.wasm$/) });
      expect(missing.message).toMatch(/the server answered HTTP 404.*configureWasm/);
      await copyWasmBesideBundle(build.dir, { parses: false });
    }
    const result = await runInPage(build.dir);
    expect(result).toEqual({ ok: true, value: { engine: 'wasm', hashes: expectedHashes } });
    await recordSizes(`${bundler} (fetch only)`, build);
  });

  test(`the app that parses: fetches and parses in the page${workers ? ' and in a module worker' : ''}`, async () => {
    const build = builds[`${bundler}/fetch-and-parse`];
    const { hashes } = await contents(build);
    if (emitsAssets) {
      expect(hashes).toEqual(expect.arrayContaining([wasmFiles['pop3-core.wasm'].sha256, wasmFiles['pop3-mime.wasm'].sha256]));
    } else {
      await copyWasmBesideBundle(build.dir, { parses: true });
    }
    const expected = { engine: 'wasm', hashes: expectedHashes, parsed: { subject: lastSubject, from: [expect.objectContaining({ address: expect.any(String) })], attachments: expect.any(Number) } };
    expect(await runInPage(build.dir)).toEqual({ ok: true, value: expected });
    if (workers) {
      expect(await runInPage(build.dir, 'fetchMailInWorker')).toEqual({ ok: true, value: { ...expected, inWorker: true } });
    }
    await recordSizes(`${bundler} (parse)`, build);
  });

  test('the app that runs pop3-wasm/server in the page: no node: import, the sample mailbox fetched in memory', async () => {
    const build = builds[`${bundler}/embedded-server`];
    const { text, hashes } = await contents(build);
    expect(build.output).not.toMatch(/externalized for browser compatibility|Could not resolve|UnhandledSchemeError|node:/);
    expect(text).not.toMatch(/["'`]node:[a-z/]+["'`]/);
    expect(hashes).not.toContain(wasmFiles['pop3-mime.wasm'].sha256);
    if (!emitsAssets) await copyWasmBesideBundle(build.dir, { parses: false });
    expect(await runInPage(build.dir)).toEqual({ ok: true, value: { hashes: sampleMessages().map((m) => sha256(m.bytes)) } });
  });
});

describe('loading failures end in WASM_LOAD_FAILED with the reason', () => {
  test('an HTML page served where the .wasm should be (a single-page-app fallback)', async () => {
    // esbuild emits no .wasm; a copy of its bundle without the wasm/ folder the recipe adds.
    const bare = path.join(app.work, 'esbuild-bare');
    await cp(builds['esbuild/fetch-only'].dir, bare, { recursive: true });
    await rm(path.join(bare, 'wasm'), { recursive: true, force: true });
    const result = await runInPage(bare, 'fetchMail', { fallback: 'index.html' });
    expect(result).toMatchObject({ ok: false, name: 'Pop3Error', code: 'WASM_LOAD_FAILED', url: expect.stringMatching(/\/wasm\/pop3-core\.wasm$/) });
    expect(result.message).toMatch(/an HTML page came back instead of WebAssembly/);
    expect(result.message).toMatch(/optimizeDeps: \{ exclude: \['pop3-wasm'\] \}/);
  });

  test("a Content Security Policy without 'wasm-unsafe-eval' is named; with it the page works", async () => {
    const dir = builds['vite8/fetch-only'].dir;
    const refused = await runInPage(dir, 'fetchMail', { headers: { 'content-security-policy': "script-src 'self'" } });
    expect(refused).toMatchObject({ ok: false, name: 'Pop3Error', code: 'WASM_LOAD_FAILED' });
    expect(refused.message).toMatch(/Content Security Policy forbids compiling WebAssembly.*'wasm-unsafe-eval'/);
    const allowed = await runInPage(dir, 'fetchMail', { headers: { 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'" } });
    expect(allowed).toEqual({ ok: true, value: { engine: 'wasm', hashes: expectedHashes } });
  });
});

// The dev servers: Vite pre-bundles dependencies into node_modules/.vite/deps, away from the .wasm
// files (Vite 5 and 6 also rewrite the URL there); the loader finds the package's own copy.
describe.each(['vite5', 'vite6', 'vite8'])('%s dev server', (alias) => {
  test('serves the app that parses, and the page fetches and parses with no configuration', async () => {
    await cp(path.join(FIXTURE_APP, 'fetch-and-parse.js'), path.join(app.dir, 'src', 'index.js'));
    await rm(path.join(app.dir, 'node_modules', '.vite'), { recursive: true, force: true });
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', alias, 'bin', 'vite.js'), '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
      cwd: app.dir, env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes(`127.0.0.1:${port}`)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`vite dev server did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const { page, logs, close } = await chromium.open(`http://127.0.0.1:${port}/`);
      try {
        await page.waitForFunction(() => window.ready === true, null, { timeout: 60_000 });
        const result = await page.evaluate((options) => window.fetchMail(options), mailOptions());
        if (!result.ok) throw new Error(`${result.message}\n${logs.join('\n')}`);
        expect(result.value).toMatchObject({ engine: 'wasm', hashes: expectedHashes, parsed: { subject: lastSubject } });
        // The dependency really was pre-bundled: the case the fallback exists for.
        expect(await readdir(path.join(app.dir, 'node_modules', '.vite', 'deps'))).toEqual(expect.arrayContaining([expect.stringMatching(/^pop3-wasm/)]));
      } finally {
        await close();
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    }
  });
});
