// Every login method against Dovecot, through the WASM build: SASL PLAIN, LOGIN, CRAM-MD5,
// SCRAM-SHA-1, SCRAM-SHA-256, XOAUTH2, OAUTHBEARER, plus APOP and USER/PASS; wrong secrets, a
// tampered SCRAM exchange, expired OAuth tokens, and secrets refused over clear connections.
import { Pop3Client } from '../../bindings/js/node.js';
import { startDovecot } from '../harness/dovecot.mjs';
import { startIntrospectionEndpoint } from '../harness/oauth-introspection.mjs';
import { flipScramServerSignature, startTamperProxy } from '../harness/tamper-proxy.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages } from '../fixtures/messages.mjs';

const pki = testPki();
const messages = fixtureMessages().map((f) => f.bytes);
const PASSWORD = 'sasl-Secret-42';
const UNICODE_PASSWORD = 'p\u00e4ssw\u00f6rd-\u00df';  // stored in NFC
let dovecot;
let introspection;

beforeAll(async () => {
  introspection = await startIntrospectionEndpoint({
    'good-token': { active: true, username: 'alice' },
    'expired-token': { active: false },
  });
  dovecot = await startDovecot({
    users: {
      alice: { password: PASSWORD, messages },
      'alice+example.org': { password: PASSWORD, messages },
      unicode: { password: UNICODE_PASSWORD, messages },
    },
    tls: pki.server,
    mechanisms: 'plain login cram-md5 scram-sha-1 scram-sha-256 apop xoauth2 oauthbearer',
    oauth2: { introspectionUrl: introspection.url },
    // Dovecot refuses "+" in user names by default; SDPS-style names use it.
    extraConfig: 'auth_username_chars = abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890.-_@+',
  });
});

afterAll(async () => {
  await dovecot?.stop();
  await introspection?.stop();
});

// STLS with the WASM engine: secrets may be sent, and all of it runs in the WASM module.
const secure = (options = {}) =>
  Pop3Client.connect({ host: 'localhost', port: dovecot.port, tls: 'starttls', tlsEngine: 'wasm', ca: pki.caPem, ...options });
const clear = (options = {}) => Pop3Client.connect({ host: '127.0.0.1', port: dovecot.port, tls: 'none', ...options });

test('the server offers every mechanism under test', async () => {
  const client = await secure();
  expect(client.capabilities.sasl).toEqual(
    expect.arrayContaining(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'XOAUTH2', 'OAUTHBEARER']),
  );
  await client.quit();
});

test.each(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'APOP', 'USER'])(
  '%s logs in',
  async (mechanism) => {
    const client = await secure();
    await client.login({ user: 'alice', password: PASSWORD, mechanisms: [mechanism] });
    expect(client.loginMechanism).toBe(mechanism);
    expect((await client.stat()).count).toBe(messages.length);
    await client.quit();
  },
);

test.each(['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'APOP', 'USER'])(
  '%s with a wrong password fails with AUTH_FAILED and the [AUTH] code',
  async (mechanism) => {
    const client = await secure();
    const error = await client.login({ user: 'alice', password: 'not-the-password', mechanisms: [mechanism] }).catch((e) => e);
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.responseCode).toBe('AUTH');
    expect(error.message).not.toContain('not-the-password');
    expect(client.authenticated).toBe(false);
    await client.quit();
  },
);

test.each(['XOAUTH2', 'OAUTHBEARER'])('%s logs in with an access token', async (mechanism) => {
  const client = await secure();
  await client.login({ user: 'alice', accessToken: 'good-token', mechanisms: [mechanism] });
  expect(client.loginMechanism).toBe(mechanism);
  expect((await client.stat()).count).toBe(messages.length);
  await client.quit();
});

// Dovecot answers XOAUTH2 in Google's format (HTTP-like status) and OAUTHBEARER per RFC 7628.
test.each([
  ['XOAUTH2', '401'],
  ['OAUTHBEARER', 'invalid_token'],
])('%s with an expired token fails with the JSON reason (status %s)', async (mechanism, status) => {
  const client = await secure();
  const error = await client.login({ user: 'alice', accessToken: 'expired-token', mechanisms: [mechanism] }).catch((e) => e);
  expect(error.code).toBe('AUTH_FAILED');
  expect(error.oauth).toMatchObject({ status });
  expect(error.details).toContain(status);
  expect(introspection.requests).toContain('expired-token');
  await client.quit();
});

test('negotiation picks SCRAM-SHA-256 for a password and OAUTHBEARER for a token', async () => {
  const a = await secure();
  await a.login({ user: 'alice', password: PASSWORD });
  expect(a.loginMechanism).toBe('SCRAM-SHA-256');
  await a.quit();
  const b = await secure();
  await b.login({ user: 'alice', accessToken: 'good-token' });
  expect(b.loginMechanism).toBe('OAUTHBEARER');
  await b.quit();
});

test('forbidden mechanisms are skipped', async () => {
  const client = await secure();
  await client.login({ user: 'alice', password: PASSWORD, forbid: ['SCRAM-SHA-256', 'SCRAM-SHA-1'] });
  expect(client.loginMechanism).toBe('CRAM-MD5');
  await client.quit();
});

test('over a clear connection the negotiation keeps to challenge-response methods', async () => {
  const client = await clear();
  await client.login({ user: 'alice', password: PASSWORD });
  expect(client.loginMechanism).toBe('SCRAM-SHA-256');
  await client.quit();
  for (const [credentials, mechanism] of [
    [{ password: PASSWORD }, 'PLAIN'],
    [{ password: PASSWORD }, 'LOGIN'],
    [{ password: PASSWORD }, 'USER'],
    [{ accessToken: 'good-token' }, 'XOAUTH2'],
    [{ accessToken: 'good-token' }, 'OAUTHBEARER'],
  ]) {
    const c = await clear();
    const error = await c.login({ user: 'alice', ...credentials, mechanisms: [mechanism] }).catch((e) => e);
    expect(error.code).toBe('INSECURE_AUTH');
    await c.quit();
  }
  const log = await dovecot.log();
  expect(log).not.toContain(PASSWORD);
});

test('a tampered SCRAM server signature is rejected even though the server says +OK', async () => {
  let tampered = 0;
  const proxy = await startTamperProxy({
    targetHost: dovecot.host,
    targetPort: dovecot.port,
    rewriteServerLine: flipScramServerSignature(() => tampered++),
  });
  try {
    const client = await Pop3Client.connect({ host: proxy.host, port: proxy.port, tls: 'none' });
    const error = await client.login({ user: 'alice', password: PASSWORD, mechanisms: ['SCRAM-SHA-256'] }).catch((e) => e);
    expect(tampered).toBe(1);
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toMatch(/signature/);
    expect(client.authenticated).toBe(false);
    const after = await client.stat().catch((e) => e);
    expect(after).toBeInstanceOf(Error);
    client.close();
  } finally {
    await proxy.stop();
  }
});

test('SCRAM applies SASLprep: a decomposed password matches the stored composed one', async () => {
  const client = await secure();
  await client.login({ user: 'unicode', password: UNICODE_PASSWORD.normalize('NFD'), mechanisms: ['SCRAM-SHA-256'] });
  expect(client.authenticated).toBe(true);
  await client.quit();
});

test('SDPS-style user names are built from a domain and a separator', async () => {
  const client = await secure();
  await client.login({ user: 'alice', password: PASSWORD, sdps: { domain: 'example.org', separator: '+' } });
  expect((await client.stat()).count).toBe(messages.length);
  await client.quit();
});
