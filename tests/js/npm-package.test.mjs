// The tarball from `npm pack`, installed into an empty app with an npm cache of its own, as a user
// gets it: it carries the built WASM and its licences, fetches and parses mail from Dovecot in
// every runtime it claims (Node 20 and 22 by import and by require(), Deno, Bun) with no
// Emscripten or compiler on the PATH, and its declarations compile under `strict` with the three
// module resolutions TypeScript users have (bundler, node16, node10), the Node ones without the
// DOM library.
import { execFileSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { installPackedPackage, ROOT } from '../harness/packed-package.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const fixtures = fixtureMessages();
const pki = testPki();
// Node 22, Deno and Bun from tools/test-runtimes (installed by scripts/bootstrap.sh).
const bin = (name) => path.join(ROOT, 'tools', 'test-runtimes', 'node_modules', '.bin', name);
const NODE22 = bin('node');
let dovecot;
let app;

beforeAll(async () => {
  dovecot = await startDovecot({
    users: { alice: { password: 'pw', messages: fixtures.map((f) => f.bytes) } },
    tls: pki.server,
  });
  app = await installPackedPackage();
}, 180_000);

afterAll(async () => {
  await dovecot?.stop();
  await app?.cleanup();
});

test('npm pack ships the WASM, both entries and the licences, and no sources or tests', async () => {
  expect(app.files).toEqual(expect.arrayContaining([
    'bindings/js/index.js', 'bindings/js/node.js', 'bindings/js/index.d.ts',
    'bindings/js/mime.js', 'bindings/js/mime-node.js', 'bindings/js/mime.d.ts', 'bindings/js/require.cjs',
    'bindings/js/server.js', 'bindings/js/server-node.js', 'bindings/js/server.d.ts', 'bindings/js/server/session-driver.js',
    'bindings/js/wasm/pop3-core.mjs', 'bindings/js/wasm/pop3-core.wasm',
    'bindings/js/wasm/pop3-core-lite.mjs', 'bindings/js/wasm/pop3-core-lite.wasm',
    'bindings/js/wasm/pop3-mime.mjs', 'bindings/js/wasm/pop3-mime.wasm',
    // Licences travel with the binaries that need them (Apache-2.0 s.4, LGPL-2.1 s.6, MPL-2.0 s.3.2).
    'LICENSE', 'THIRD-PARTY-NOTICES.md',
    'bindings/js/wasm/licenses/openssl/LICENSE.txt', 'bindings/js/wasm/licenses/gmime/COPYING',
    'bindings/js/wasm/licenses/glib/COPYING', 'bindings/js/wasm/licenses/pcre2/LICENCE',
    'bindings/js/wasm/licenses/zlib/README', 'bindings/js/wasm/licenses/ca-certificates/MPL-2.0',
    'bindings/js/wasm/licenses/emscripten/copyright',
  ]));
  expect(app.files.some((f) => f.startsWith('core/') || f.startsWith('tests/'))).toBe(false);
  expect(await readdir(path.join(app.dir, 'node_modules', 'pop3-wasm', 'bindings', 'js', 'wasm'))).toEqual(
    expect.arrayContaining(['pop3-core.wasm', 'pop3-core-lite.wasm', 'pop3-mime.wasm']),
  );
});

// One script, run by each runtime: implicit TLS (the runtime's default engine: Node's TLS where
// the runtime has node:tls) and STLS in the WASM engine, every message, and one parsed.
const fetchScript = (style) => `${style === 'require'
  ? "const { Pop3Client, ErrorCode } = require('pop3-wasm');\nconst { parseMessage } = require('pop3-wasm/mime');"
  : "import { Pop3Client, ErrorCode } from 'pop3-wasm';\nimport { parseMessage } from 'pop3-wasm/mime';"}
const ca = ${JSON.stringify(pki.caPem)};
async function fetchAll(options) {
  const client = await Pop3Client.connect({ host: 'localhost', ca, ...options });
  await client.login({ user: 'alice', password: 'pw' });
  const list = await client.list();
  const messages = [];
  for (const { number } of list) messages.push(Buffer.from(await client.retrieve(number)).toString('base64'));
  const engine = client.tls.engine;
  await client.quit();
  return { engine, messages };
}
async function main() {
  const implicit = await fetchAll({ port: ${dovecot.pop3sPort}, tls: 'implicit' });
  const stls = await fetchAll({ port: ${dovecot.port}, tls: 'starttls', tlsEngine: 'wasm' });
  const parsed = await parseMessage(Buffer.from(stls.messages[3], 'base64'));
  console.log(JSON.stringify({ implicit, stls, subject: parsed.subject, codes: Object.keys(ErrorCode).length }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

function expectAllMail(output, engine) {
  const result = JSON.parse(output.trim().split('\n').pop());
  const wire = fixtures.map((f) => toWire(f.bytes).toString('base64'));
  expect(result.implicit).toEqual({ engine, messages: wire });
  expect(result.stls).toEqual({ engine: 'wasm', messages: wire });
  expect(result.subject).toBe('Report and photo');
  expect(result.codes).toBeGreaterThan(30);
}

// Only the runtime binary itself: no Emscripten, no compiler, no npm on the PATH.
const run = (runtime, args, env = {}) =>
  execFileSync(runtime, args, { cwd: app.dir, encoding: 'utf8', env: { PATH: '/nonexistent', ...env }, timeout: 120_000 });

test.each([
  ['Node 20', () => process.execPath],
  ['Node 22', () => NODE22],
])('%s imports the package and fetches every message', async (_name, node) => {
  await app.writeFile('fetch.mjs', fetchScript('import'));
  expectAllMail(run(node(), ['fetch.mjs']), 'node');
});

test.each([
  ['Node 20', () => process.execPath],
  ['Node 22', () => NODE22],
])('%s require()s the package, and without require(esm) is told how to load it', async (_name, node) => {
  await app.writeFile('fetch.cjs', fetchScript('require'));
  expectAllMail(run(node(), ['fetch.cjs']), 'node');
  // As on a Node older than 20.19 / 22.12: the "require" condition's file explains.
  expect(() => run(node(), ['--no-experimental-require-module', 'fetch.cjs'])).toThrow(
    /pop3-wasm is an ES module: load it with import\(\)/,
  );
});

test('Deno runs the package from node_modules and fetches every message', async () => {
  await app.writeFile('fetch.mjs', fetchScript('import'));
  const output = run(bin('deno'), ['run', '--allow-all', '--quiet', 'fetch.mjs'], {
    DENO_DIR: path.join(app.work, 'deno-cache'),
    DENO_NO_UPDATE_CHECK: '1',
    HOME: app.work,
  });
  expectAllMail(output, 'node');
});

test('Bun runs the package and fetches every message', async () => {
  await app.writeFile('fetch.mjs', fetchScript('import'));
  const output = run(bin('bun'), ['fetch.mjs'], {
    BUN_INSTALL_CACHE_DIR: path.join(app.work, 'bun-cache'),
    HOME: app.work,
  });
  expectAllMail(output, 'node');
});

test('Node, Deno and Bun import pop3-wasm/server from the package: the sample mailbox over implicit TLS, byte-identical', async () => {
  await app.writeFile('serve.mjs', `
import { Pop3Client } from 'pop3-wasm';
import { createServer, sampleMailboxStore, sampleMessages } from 'pop3-wasm/server';
import { readFileSync } from 'node:fs';
const server = createServer({
  users: { sample: 'sample' }, store: sampleMailboxStore(), port: null, implicitTlsPort: 0,
  tls: { cert: readFileSync(${JSON.stringify(pki.server.certFile)}, 'utf8'), key: readFileSync(${JSON.stringify(pki.server.keyFile)}, 'utf8') },
});
const { implicitTlsPort } = await server.listen();
const client = await Pop3Client.connect({ host: 'localhost', port: implicitTlsPort, tls: 'implicit', ca: ${JSON.stringify(pki.caPem)} });
await client.login({ user: 'sample', password: 'sample' });
const sample = sampleMessages();
let same = 0;
for await (const m of client.messages()) if (Buffer.compare(Buffer.from(m.bytes), Buffer.from(sample[m.number - 1].bytes)) === 0) same++;
await client.quit();
await server.close();
console.log(JSON.stringify({ same, total: sample.length }));
`);
  expect(JSON.parse(run(process.execPath, ['serve.mjs']))).toEqual({ same: 7, total: 7 });
  const deno = run(bin('deno'), ['run', '--allow-all', '--quiet', 'serve.mjs'], { DENO_DIR: path.join(app.work, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1', HOME: app.work });
  expect(JSON.parse(deno.trim().split('\n').pop())).toEqual({ same: 7, total: 7 });
  const bun = run(bin('bun'), ['serve.mjs'], { BUN_INSTALL_CACHE_DIR: path.join(app.work, 'bun-cache'), HOME: app.work });
  expect(JSON.parse(bun.trim().split('\n').pop())).toEqual({ same: 7, total: 7 });
});

test('in Node, configureWasm() loads the module from elsewhere and a bad location fails with WASM_LOAD_FAILED', async () => {
  await app.writeFile('wasm-location.mjs', `
import { readFile, writeFile } from 'node:fs/promises';
import { configureWasm, loadCore, Pop3Error } from 'pop3-wasm';
import { parseMessage } from 'pop3-wasm/mime';
const results = {};
// The MIME module, as bytes the app read itself (a copy it serves from elsewhere).
const copy = await readFile(new URL('./node_modules/pop3-wasm/bindings/js/wasm/pop3-mime.wasm', import.meta.url));
configureWasm({ mime: copy });
results.subject = (await parseMessage('Subject: configured\\r\\n\\r\\nbody\\r\\n')).subject;
// A file that is not there, and one that is not WebAssembly.
await writeFile('not-wasm.wasm', '<!doctype html><title>index</title>');
for (const name of ['missing.wasm', 'not-wasm.wasm']) {
  try {
    await loadCore({ wasm: { core: new URL(name, import.meta.url) } });
    results[name] = 'loaded';
  } catch (error) {
    results[name] = { pop3: error instanceof Pop3Error, code: error.code, url: error.url, message: error.message };
  }
}
// The default location still works afterwards.
results.heap = (await loadCore()).heapInUse() > 0;
console.log(JSON.stringify(results));
`);
  const results = JSON.parse(run(process.execPath, ['wasm-location.mjs']));
  expect(results.subject).toBe('configured');
  expect(results['missing.wasm']).toMatchObject({ pop3: true, code: 'WASM_LOAD_FAILED', url: expect.stringMatching(/missing\.wasm$/) });
  expect(results['missing.wasm'].message).toMatch(/could not read the file/);
  expect(results['not-wasm.wasm']).toMatchObject({ pop3: true, code: 'WASM_LOAD_FAILED' });
  expect(results['not-wasm.wasm'].message).toMatch(/an HTML page came back instead of WebAssembly/);
  expect(results.heap).toBe(true);
});

// ---- TypeScript: the declarations as three kinds of project see them ------------------------

const browserUsage = `import { Pop3Client, configureWasm, type SessionState } from 'pop3-wasm';
import { ParsedMessage, parseMessage } from 'pop3-wasm/mime';
import { connectInMemory, createEmbeddedServer } from 'pop3-wasm/server';
import { IndexedDbStore } from 'pop3-wasm/stores/indexeddb';
configureWasm({ core: '/assets/pop3-core.wasm' });
const client = await Pop3Client.connect({ host: 'h', port: 995, bridge: 'wss://bridge.example/pop3' });
const state: SessionState = client.state;
const inPage = await Pop3Client.connect({ transport: connectInMemory(await createEmbeddedServer({ users: { a: 'b' } })), host: 'm', port: 110, tls: 'none' });
console.log(inPage.state);
const message = await parseMessage(await client.retrieve(1));
const store = await IndexedDbStore.open('mail', { indexedDB: window.indexedDB });
console.log(state, message instanceof ParsedMessage, message.damage.map((d) => d.kind), store);
`;
const nodeUsage = `import { Pop3Client, ErrorCode, type Pop3Error } from 'pop3-wasm';
import { loadMime, retrieveMessage } from 'pop3-wasm/mime';
import { MaildirStore } from 'pop3-wasm/stores/maildir';
import { createBridge } from 'pop3-wasm/bridge';
import { createServer, MaildirMailboxStore } from 'pop3-wasm/server';
export async function main(): Promise<void> {
  const server = createServer({ users: { a: 'b' }, store: new MaildirMailboxStore('./Mail'), port: 0 });
  console.log((await server.listen()).port);
  await server.close();
  const client = await Pop3Client.connect({ host: 'h', port: 110, tls: 'starttls', tlsEngine: 'node' });
  const message = await retrieveMessage(client, 1, { highWaterMark: 65536 });
  const store = new MaildirStore('./Mail');
  (await loadMime()).setBuiltinCharsetsOnly(false);
  client.on('error', (error: Pop3Error) => console.log(error.code === ErrorCode.WASM_LOAD_FAILED, error.url));
  console.log(message.subject, store, typeof createBridge);
}
`;

test.each([
  ['bundler', { module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] }, 'browser.ts', browserUsage],
  ['node16', { module: 'Node16', moduleResolution: 'Node16', lib: ['ES2022'], types: ['node'] }, 'node16.mts', nodeUsage],
  ['node10', { module: 'CommonJS', moduleResolution: 'node10', lib: ['ES2022'], types: ['node'] }, 'node10.ts', nodeUsage],
  ['node10-dom', { module: 'CommonJS', moduleResolution: 'node10', lib: ['ES2022', 'DOM'], types: [] }, 'node10.ts', browserUsage.replace(/^const client = await/m, 'export async function main() { const client = await') + '}\n'],
])('the declarations compile under strict (%s)', async (name, options, file, source) => {
  await app.writeFile(`types-${name}/${file}`, source);
  const tsconfig = await app.writeFile(`types-${name}/tsconfig.json`, JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'ES2022', skipLibCheck: false,
      typeRoots: [path.join(ROOT, 'node_modules', '@types')], ...options,
    },
    files: [file],
  }));
  // tsc prints its diagnostics on stdout: a failed compile shows them in the test's failure.
  const tsc = () => {
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], {
        cwd: app.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
      });
      return '';
    } catch (error) {
      return `${error.stdout}${error.stderr}` || String(error);
    }
  };
  expect(tsc()).toBe('');
  // A declaration that resolved to `any` would pass the compile above: a wrong use must fail.
  await writeFile(path.join(app.dir, `types-${name}`, file), `${source}\nexport const wrong: import('pop3-wasm').SessionState = 'LOGGED-IN';\n`);
  expect(tsc()).toMatch(/Type '"LOGGED-IN"' is not assignable to type 'SessionState'/);
});
