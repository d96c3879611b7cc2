// The tarball from `npm pack` carries the built WASM: installed into an empty project, it fetches
// mail from Dovecot with no Emscripten (and no compiler) on the PATH.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fixtureMessages();
let dovecot;
let work;

beforeAll(async () => {
  dovecot = await startDovecot({ users: { alice: { password: 'pw', messages: fixtures.map((f) => f.bytes) } } });
  work = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-pack-'));
});

afterAll(async () => {
  await dovecot?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('npm pack ships the WASM and the installed package fetches mail', async () => {
  const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root));
  const files = packed[0].files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining([
    'bindings/js/index.js', 'bindings/js/index.d.ts',
    'bindings/js/wasm/pop3-core.mjs', 'bindings/js/wasm/pop3-core.wasm',
    'bindings/js/wasm/pop3-mime.mjs', 'bindings/js/wasm/pop3-mime.wasm',
    // Licences travel with the binaries that need them (Apache-2.0 s.4, LGPL-2.1 s.6, MPL-2.0 s.3.2).
    'LICENSE', 'THIRD-PARTY-NOTICES.md',
    'bindings/js/wasm/licenses/openssl/LICENSE.txt', 'bindings/js/wasm/licenses/gmime/COPYING',
    'bindings/js/wasm/licenses/glib/COPYING', 'bindings/js/wasm/licenses/pcre2/LICENCE',
    'bindings/js/wasm/licenses/zlib/README', 'bindings/js/wasm/licenses/ca-certificates/MPL-2.0',
    'bindings/js/wasm/licenses/emscripten/copyright',
  ]));
  expect(files.some((f) => f.startsWith('core/') || f.startsWith('tests/'))).toBe(false);

  const app = path.join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--offline', path.join(work, packed[0].filename)], app);
  expect(await readdir(path.join(app, 'node_modules', 'pop3-wasm', 'bindings', 'js', 'wasm'))).toEqual(
    expect.arrayContaining(['pop3-core.wasm']),
  );
  await writeFile(
    path.join(app, 'fetch.mjs'),
    `import { Pop3Client } from 'pop3-wasm';
const client = await Pop3Client.connect({ host: '127.0.0.1', port: ${dovecot.port}, tls: 'none', allowInsecureAuth: true });
await client.login({ user: 'alice', password: 'pw' });
const list = await client.list();
const first = await client.retrieve(1);
await client.quit();
console.log(JSON.stringify({ count: list.length, first: Buffer.from(first).toString('base64') }));
`,
  );
  // No Emscripten, no compiler: only the node binary itself.
  const output = execFileSync(process.execPath, ['fetch.mjs'], { cwd: app, encoding: 'utf8', env: { PATH: '/nonexistent' } });
  const result = JSON.parse(output);
  expect(result.count).toBe(fixtures.length);
  expect(Buffer.from(result.first, 'base64').equals(toWire(fixtures[0].bytes))).toBe(true);
});
