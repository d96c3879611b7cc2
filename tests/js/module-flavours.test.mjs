// The two flavours of the protocol module (docs/architecture.md, "Module flavours"): a client
// whose TLS does not run in WASM gets the lite module (no OpenSSL) and logs in with SCRAM through
// the core's own SHA/HMAC/PBKDF2; TLS in WASM gets the full one; a lite module handed in where
// the full one is needed is refused with a typed error, not a failure deep in a handshake.
import { readFile } from 'node:fs/promises';

import { Pop3Client, loadCore } from '../../bindings/js/node.js';
import { deriveScramKeys } from '../../bindings/js/server.js';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const pki = testPki();
const messages = fixtureMessages().map((f) => f.bytes).slice(0, 4);
const PASSWORD = 'flavour-pw';
let dovecot;

beforeAll(async () => {
  dovecot = await startDovecot({ users: { alice: { password: PASSWORD, messages } }, tls: pki.server, mechanisms: 'plain login scram-sha-1 scram-sha-256' });
});
afterAll(async () => {
  await dovecot?.stop();
});

async function fetchAll(options, mechanism) {
  const client = await Pop3Client.connect({ host: 'localhost', ca: pki.caPem, ...options });
  await client.login({ user: 'alice', password: PASSWORD, mechanisms: [mechanism] });
  const list = await client.list();
  const bodies = await Promise.all(list.map((m) => client.retrieve(m.number)));
  const engine = client.tls?.engine ?? 'none';
  await client.quit();
  return { engine, mechanism: client.loginMechanism, bodies: bodies.map((b) => Buffer.from(b).toString('latin1')) };
}

const wire = messages.map((m) => toWire(m).toString('latin1'));

// Order matters within this file: the first test must run before anything loads the full module.
test("Node's TLS and tls: 'none' load only the lite module, and SCRAM logs in through it", async () => {
  expect(await fetchAll({ port: dovecot.pop3sPort, tls: 'implicit' }, 'SCRAM-SHA-256')).toEqual({ engine: 'node', mechanism: 'SCRAM-SHA-256', bodies: wire });
  expect(await fetchAll({ port: dovecot.port, tls: 'none', allowInsecureAuth: true }, 'SCRAM-SHA-1')).toEqual({ engine: 'none', mechanism: 'SCRAM-SHA-1', bodies: wire });
  const loaded = await loadCore();  // whichever module the connections used
  expect(loaded.hasTlsEngine).toBe(false);
  expect(loaded.ServerConnection).toBeUndefined();
  // The lite module's bindings leak nothing either (tests/js/wasm-leak.test.mjs checks the full one).
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
  await settle();
  const before = loaded.heapInUse();
  for (let i = 0; i < 30; i++) await fetchAll({ port: dovecot.port, tls: 'none', allowInsecureAuth: true }, 'SCRAM-SHA-256');
  await settle();
  expect(loaded.heapInUse() - before).toBeLessThanOrEqual(0);
}, 120_000);

test('TLS in the WASM engine loads the full module; a plain connection then uses it too', async () => {
  expect(await fetchAll({ port: dovecot.pop3sPort, tls: 'implicit', tlsEngine: 'wasm' }, 'SCRAM-SHA-256')).toEqual({ engine: 'wasm', mechanism: 'SCRAM-SHA-256', bodies: wire });
  expect(await fetchAll({ port: dovecot.port, tls: 'starttls', tlsEngine: 'wasm' }, 'PLAIN')).toEqual({ engine: 'wasm', mechanism: 'PLAIN', bodies: wire });
  const full = await loadCore(undefined, { wasmTls: true });
  expect(full.hasTlsEngine).toBe(true);
  expect(await loadCore(undefined, { wasmTls: false })).toBe(full);
});

test('a lite module handed in as `core` is refused where TLS in WASM or the server needs the full one, and serves elsewhere', async () => {
  const lite = await readFile(new URL('../../bindings/js/wasm/pop3-core-lite.wasm', import.meta.url));
  const tls = await Pop3Client.connect({ host: 'localhost', port: dovecot.pop3sPort, tls: 'implicit', tlsEngine: 'wasm', ca: pki.caPem, wasm: { core: lite } }).catch((e) => e);
  expect(tls).toMatchObject({ name: 'Pop3Error', code: 'TLS_UNAVAILABLE', message: expect.stringMatching(/lite flavour.*pop3-core\.wasm/) });
  const server = await deriveScramKeys('SCRAM-SHA-256', 'pw', { wasm: { core: lite } }).catch((e) => e);
  expect(server).toMatchObject({ name: 'Pop3Error', code: 'INVALID_ARGUMENT', message: expect.stringMatching(/no server/) });
  // Where it suffices (no TLS in WASM), the same bytes serve, through the lite module's own glue:
  // the full glue cannot instantiate them (the flavours link differently).
  expect(await fetchAll({ port: dovecot.port, tls: 'none', allowInsecureAuth: true, wasm: { core: lite } }, 'SCRAM-SHA-256')).toEqual({ engine: 'none', mechanism: 'SCRAM-SHA-256', bodies: wire });
  // And the full module named as `coreLite` serves, with the full glue.
  const full = await readFile(new URL('../../bindings/js/wasm/pop3-core.wasm', import.meta.url));
  expect(await fetchAll({ port: dovecot.port, tls: 'none', allowInsecureAuth: true, wasm: { coreLite: full } }, 'SCRAM-SHA-256')).toEqual({ engine: 'none', mechanism: 'SCRAM-SHA-256', bodies: wire });
});
