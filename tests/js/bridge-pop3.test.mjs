// Real POP3 sessions through the bridge (node-bridge/) to a real Dovecot, with TLS in the WASM
// engine: the bridge relays every byte, and none of them is the password or the mail.
import { Pop3Client } from '../../bindings/js/node.js';
import { startBridge } from '../harness/bridge.mjs';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const pki = testPki();
const PASSWORD = 'Canary-Pw-7f3a9c2e';
const USER = 'carol';
const MARKER = 'BRIDGE-CANARY-BODY-5d1e8b40';
// A message no cipher could produce by chance: the marker in the subject and all over the body.
const secretMessage = Buffer.from(
  `From: sender@example.org\nTo: ${USER}@example.com\nSubject: ${MARKER} subject\n\n` +
    `${Array.from({ length: 200 }, (_, i) => `${MARKER} line ${i}`).join('\n')}\n`,
);
const messages = [secretMessage, ...fixtureMessages().map((f) => f.bytes)];

let dovecot;
let bridge;
const relayed = { 'client-to-target': [], 'target-to-client': [] };

beforeAll(async () => {
  dovecot = await startDovecot({ users: { [USER]: { password: PASSWORD, messages } }, tls: pki.server });
  bridge = await startBridge({
    // Dovecot listens on loopback: the rule must allow private addresses explicitly.
    allow: [{ host: 'localhost', ports: [dovecot.pop3sPort, dovecot.port], allowPrivate: true }],
    onRelay: (direction, bytes) => relayed[direction].push(Buffer.from(bytes)),
  });
});
afterAll(async () => {
  await bridge?.stop();
  await dovecot?.stop();
});

const clearTap = () => Object.values(relayed).forEach((chunks) => chunks.splice(0));
const tapped = (direction) => Buffer.concat(relayed[direction]);
const secrets = [PASSWORD, MARKER, Buffer.from(PASSWORD).toString('base64')];

function expectNoSecretsRelayed() {
  for (const direction of Object.keys(relayed)) {
    const bytes = tapped(direction);
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(bytes.includes(secret)).toBe(false);
  }
}

test('POP3S through the bridge: TLS in the WASM engine, every message intact, only ciphertext relayed', async () => {
  clearTap();
  const client = await Pop3Client.connect({
    bridge: bridge.url, host: 'localhost', port: dovecot.pop3sPort, tls: 'implicit', ca: pki.caPem, timeoutMs: 10_000,
  });
  expect(client.secure).toBe(true);
  expect(client.tls).toMatchObject({ engine: 'wasm', protocol: 'TLSv1.3' });
  await client.login({ user: USER, password: PASSWORD, method: 'user' });  // the password itself on the wire
  const list = await client.list();
  expect(list).toHaveLength(messages.length);
  const bodies = await Promise.all(list.map((m) => client.retrieve(m.number)));
  bodies.forEach((bytes, i) => expect(Buffer.from(bytes).equals(toWire(messages[i]))).toBe(true));
  const chunks = [];
  for await (const chunk of client.retrieveStream(1)) chunks.push(Buffer.from(chunk));
  expect(Buffer.concat(chunks).equals(toWire(secretMessage))).toBe(true);
  await client.quit();

  const [record] = await bridge.sessionsEnded(1);
  expectNoSecretsRelayed();
  // The tap saw what the log counts, and the log says who, where, how much and how it ended.
  expect(record).toMatchObject({
    event: 'session',
    client: '127.0.0.1',
    target: `localhost:${dovecot.pop3sPort}`,
    address: '127.0.0.1',
    bytesClientToTarget: tapped('client-to-target').length,
    bytesTargetToClient: tapped('target-to-client').length,
  });
  expect([1000, 4008]).toContain(record.closeCode);
  expect(record.durationMs).toBeGreaterThanOrEqual(0);
  expect(record.bytesTargetToClient).toBeGreaterThan(toWire(secretMessage).length * 2);
  const logText = JSON.stringify(bridge.logs);
  for (const secret of secrets) expect(logText).not.toContain(secret);
});

test('STLS through the bridge: the upgrade happens in the WASM engine; no secret crosses in clear', async () => {
  clearTap();
  const before = bridge.sessions().length;
  const client = await Pop3Client.connect({
    bridge: bridge.url, host: 'localhost', port: dovecot.port, tls: 'starttls', ca: pki.caPem, timeoutMs: 10_000,
  });
  expect(client.tls.engine).toBe('wasm');
  await client.login({ user: USER, password: PASSWORD, method: 'user' });
  expect(Buffer.from(await client.retrieve(1)).equals(toWire(secretMessage))).toBe(true);
  await client.quit();
  await bridge.sessionsEnded(before + 1);
  expectNoSecretsRelayed();
  // The clear-text prelude is visible, as it should be: the tap is no blindfold.
  expect(tapped('client-to-target').includes('STLS')).toBe(true);
});

test('the tap does see plain text when a session runs without TLS (so the checks above mean something)', async () => {
  clearTap();
  const before = bridge.sessions().length;
  const client = await Pop3Client.connect({
    bridge: bridge.url, host: 'localhost', port: dovecot.port, tls: 'none', allowInsecureAuth: true, timeoutMs: 10_000,
  });
  await client.login({ user: USER, password: PASSWORD, method: 'user' });
  await client.retrieve(1);
  await client.quit();
  await bridge.sessionsEnded(before + 1);
  expect(tapped('client-to-target').includes(PASSWORD)).toBe(true);
  expect(tapped('target-to-client').includes(MARKER)).toBe(true);
});

test('the POP3 sessions above (login, LIST, every RETR pipelined, STLS) never reach the default rate limits', () => {
  // All sessions of this file ran with the defaults.
  expect(bridge.bridge.metrics().throttled).toBe(0);
});
