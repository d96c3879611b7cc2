// No leak in the bindings: the bytes allocated on the WASM heap are the same after 1,000 more
// sessions (plain, against a quick scripted server) and after 100 more TLS sessions in the WASM
// engine (against Dovecot), as after the warm-up.
import { Pop3Client, loadCore } from '../../bindings/js/node.js';
import { startDovecot } from '../harness/dovecot.mjs';
import { startScriptedServer } from '../harness/scripted-server.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const fixtures = fixtureMessages().map((f) => f.bytes);
const pki = testPki();
let core;
let server;
let dovecot;

beforeAll(async () => {
  core = await loadCore();
  server = await startScriptedServer(async (socket, { lines }) => {
    socket.write('+OK ready <9.9@host>\r\n');
    for await (const line of lines) {
      if (line === 'CAPA') socket.write('+OK\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.\r\n');
      else if (line.startsWith('USER') || line.startsWith('PASS')) socket.write('+OK\r\n');
      else if (line === 'LIST') socket.write('+OK\r\n1 23\r\n.\r\n');
      else if (line === 'UIDL') socket.write('+OK\r\n1 uid-one\r\n.\r\n');
      else if (line === 'RETR 1') socket.write('+OK\r\nSubject: hi\r\n\r\n..body\r\n.\r\n');
      else if (line === 'QUIT') socket.end('+OK bye\r\n');
    }
  });
  dovecot = await startDovecot({ users: { alice: { password: 'pw', messages: fixtures } }, tls: pki.server });
});

afterAll(async () => {
  await server?.stop();
  await dovecot?.stop();
});

async function plainSession() {
  const client = await Pop3Client.connect({ host: server.host, port: server.port, tls: 'none', allowInsecureAuth: true, onTranscript: () => {} });
  await client.login({ user: 'u', password: 'p', method: 'user' });
  await client.list();
  await client.retrieve(1);
  await client.quit();
}

async function tlsSession() {
  const client = await Pop3Client.connect({ host: 'localhost', port: dovecot.pop3sPort, tls: 'implicit', tlsEngine: 'wasm', ca: pki.caPem });
  await client.login({ user: 'alice', password: 'pw' });
  await Promise.all([client.stat(), client.retrieve(1)]);
  await client.quit();
}

// Connections are released when their socket closes: let the event loop get there.
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

test('1,000 plain sessions leave the WASM heap as they found it', async () => {
  for (let i = 0; i < 20; i++) await plainSession();
  await settle();
  const before = core.heapInUse();
  for (let i = 0; i < 1000; i++) await plainSession();
  await settle();
  const after = core.heapInUse();
  console.log(`WASM heap in use: ${before} bytes before, ${after} after 1,000 sessions`);
  expect(after - before).toBeLessThanOrEqual(0);
}, 120_000);

test('100 TLS sessions in the WASM engine leave the WASM heap as they found it', async () => {
  for (let i = 0; i < 5; i++) await tlsSession();
  await settle();
  const before = core.heapInUse();
  for (let i = 0; i < 100; i++) await tlsSession();
  await settle();
  const after = core.heapInUse();
  console.log(`WASM heap in use: ${before} bytes before, ${after} after 100 TLS sessions`);
  expect(after - before).toBeLessThanOrEqual(0);
}, 120_000);
