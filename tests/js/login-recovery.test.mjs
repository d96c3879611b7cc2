// login() recovers from what servers announce but cannot do: a Dovecot whose password store
// holds only a digest still announces SCRAM, CRAM-MD5 and APOP, refuses them, and accepts PLAIN.
// The client moves down the negotiation table, within what the caller allowed, and says what it
// tried when everything fails; it never moves on after a refusal that is not about the
// credentials, nor after a server that failed to prove it knows the password (SCRAM).
import { Pop3Client } from '../../bindings/js/node.js';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { flipScramServerSignature, startTamperProxy } from '../harness/tamper-proxy.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const pki = testPki();
const messages = fixtureMessages().map((f) => f.bytes);
let dovecot;

beforeAll(async () => {
  dovecot = await startDovecot({
    users: {
      digest: { password: 'digest-pw', messages, hashed: true },
      plain: { password: 'plain-pw', messages },
    },
    tls: pki.server,
    mechanisms: 'scram-sha-256 cram-md5 apop plain login',
    // The second session of a user is refused with [IN-USE] while the first holds the maildrop.
    extraConfig: 'pop3_lock_session = yes',
  });
});

afterAll(async () => {
  await dovecot?.stop();
});

async function connect(transcript, options = {}) {
  return Pop3Client.connect({
    host: 'localhost', port: dovecot.port, tls: 'starttls', ca: pki.caPem,
    onTranscript: (e) => transcript.push(e), ...options,
  });
}

const authCommands = (transcript) =>
  transcript.filter((e) => e.direction === 'client' && /^(AUTH|APOP|USER|PASS)\b/.test(e.line)).map((e) => e.line.split(' ').slice(0, 2).join(' '));

test('methods the server announces but cannot check are skipped: the next one logs in', async () => {
  const transcript = [];
  const client = await connect(transcript);
  await client.login({ user: 'digest', password: 'digest-pw' });
  expect(client.loginMechanism).toBe('PLAIN');
  // The negotiation table's order (docs/authentication.md), down to the first that works.
  expect(authCommands(transcript)).toEqual(['AUTH SCRAM-SHA-256', 'AUTH CRAM-MD5', 'APOP digest', 'AUTH PLAIN']);
  expect(Buffer.from(await client.retrieve(1)).equals(toWire(messages[0]))).toBe(true);
  await client.quit();
});

test('when every method fails, AUTH_FAILED lists each attempt', async () => {
  const client = await connect([]);
  const error = await client.login({ user: 'plain', password: 'wrong' }).catch((e) => e);
  expect(error).toMatchObject({ name: 'Pop3Error', code: 'AUTH_FAILED' });
  expect(error.attempts.map((a) => a.mechanism)).toEqual(['SCRAM-SHA-256', 'CRAM-MD5', 'APOP', 'PLAIN', 'LOGIN', 'USER']);
  expect(error.attempts.every((a) => a.code === 'AUTH_FAILED' && a.responseCode === 'AUTH')).toBe(true);
  expect(error.message).toMatch(/refused every login method tried: SCRAM-SHA-256 \(/);
  expect(client.authenticated).toBe(false);
  client.close();
});

test('over clear text, recovery never falls back to sending the password in the clear', async () => {
  const transcript = [];
  const client = await connect(transcript, { tls: 'none' });
  const error = await client.login({ user: 'digest', password: 'digest-pw' }).catch((e) => e);
  expect(error.code).toBe('AUTH_FAILED');
  expect(error.message).toMatch(/would send the password over an unencrypted connection/);  // why it stopped short of PLAIN
  const tried = authCommands(transcript);
  expect(tried.length).toBeGreaterThan(1);
  expect(tried.some((line) => /^(AUTH PLAIN|AUTH LOGIN|USER|PASS)/.test(line))).toBe(false);
  expect(transcript.some((e) => e.line.includes('digest-pw'))).toBe(false);
  client.close();
});

test('the caller\'s own list bounds the recovery', async () => {
  const transcript = [];
  const client = await connect(transcript);
  const error = await client.login({ user: 'digest', password: 'digest-pw', mechanisms: ['CRAM-MD5', 'APOP'] }).catch((e) => e);
  expect(error.code).toBe('AUTH_FAILED');
  expect(error.attempts.map((a) => a.mechanism)).toEqual(['CRAM-MD5', 'APOP']);
  expect(authCommands(transcript)).toEqual(['AUTH CRAM-MD5', 'APOP digest']);
  client.close();
});

test('a refusal that is not about the credentials ([IN-USE]) is final: no other method is tried', async () => {
  const first = await connect([]);
  await first.login({ user: 'plain', password: 'plain-pw' });
  const transcript = [];
  const second = await connect(transcript);
  const error = await second.login({ user: 'plain', password: 'plain-pw' }).catch((e) => e);
  expect(error).toMatchObject({ code: 'AUTH_FAILED', responseCode: 'IN-USE' });
  expect(authCommands(transcript)).toEqual(['AUTH SCRAM-SHA-256']);
  second.close();
  await first.quit();
});

test('a SCRAM server that cannot prove it knows the password does not get it by another method', async () => {
  const proxy = await startTamperProxy({
    targetHost: dovecot.host,
    targetPort: dovecot.port,
    rewriteServerLine: flipScramServerSignature(),
  });
  try {
    const transcript = [];
    const client = await Pop3Client.connect({ host: proxy.host, port: proxy.port, tls: 'none', allowInsecureAuth: true, onTranscript: (e) => transcript.push(e) });
    const error = await client.login({ user: 'plain', password: 'plain-pw' }).catch((e) => e);
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toMatch(/signature/);
    expect(authCommands(transcript)).toEqual(['AUTH SCRAM-SHA-256']);
    client.close();
  } finally {
    await proxy.stop();
  }
});
