// SCRAM-SHA-512 and channel binding (SCRAM-*-PLUS) between our client and the embedded server:
// both TLS engines, TLS 1.2 (tls-server-end-point) and TLS 1.3 (tls-exporter), and a proxy that
// terminates TLS and relays the login (what channel binding is there to stop).
import tls from 'node:tls';
import { readFileSync } from 'node:fs';

import { Pop3Client } from '../../bindings/js/node.js';
import { deriveScramKeys } from '../../bindings/js/server-node.js';
import { sameBytes, startSampleServer } from '../harness/sample-server.mjs';

let env;
let logins;
beforeAll(async () => {
  env = await startSampleServer({ capabilities: { allowCleartextWithoutTls: true } });
  logins = [];
  env.server.on('login', (e) => logins.push(e.mechanism));
});
afterAll(() => env?.close());

const MESSAGE = 'Subject: hi\r\n\r\nhello\r\n';

function connect(extra = {}) {
  return Pop3Client.connect({ host: 'localhost', port: env.implicitTlsPort, tls: 'implicit', ca: env.pki.caPem, timeoutMs: 10_000, ...extra });
}

const VERSIONS = [['TLSv1.3', 'tls-exporter'], ['TLSv1.2', 'tls-server-end-point']];

describe.each([['node'], ['wasm']])('engine %s', (tlsEngine) => {
  describe.each(VERSIONS)('%s (%s)', (version) => {
    test.each(['SCRAM-SHA-512-PLUS', 'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-512'])('%s logs in, and a wrong password fails with [AUTH]', async (mechanism) => {
      const client = await connect({ tlsEngine, maxVersion: version });
      expect(client.tls.protocol).toBe(version);
      await client.login({ user: 'sample', password: 'sample', mechanisms: [mechanism] });
      expect(client.loginMechanism).toBe(mechanism);
      expect(logins.at(-1)).toBe(mechanism);
      expect((await client.stat()).count).toBeGreaterThan(0);
      await client.quit();
      const wrong = await connect({ tlsEngine, maxVersion: version });
      await expect(wrong.login({ user: 'sample', password: 'nope', mechanisms: [mechanism] })).rejects.toMatchObject({ code: 'AUTH_FAILED', responseCode: 'AUTH' });
      wrong.close();
    });

    test('the default login picks SCRAM-SHA-512-PLUS, also after STLS', async () => {
      for (const how of [{}, { tls: 'starttls', port: env.port }]) {
        const client = await connect({ tlsEngine, maxVersion: version, ...how });
        await client.login({ user: 'sample', password: 'sample' });
        expect(client.loginMechanism).toBe('SCRAM-SHA-512-PLUS');
        await client.quit();
      }
    });
  });

  test('stored SCRAM-SHA-512 keys serve SCRAM-SHA-512 and SCRAM-SHA-512-PLUS', async () => {
    const keys = await deriveScramKeys('SCRAM-SHA-512', 'hunter2', { iterations: 8192 });
    const own = await startSampleServer({ users: { bob: { scramSha512: keys } }, mailboxes: { bob: [MESSAGE] } });
    try {
      for (const mechanism of ['SCRAM-SHA-512-PLUS', 'SCRAM-SHA-512']) {
        const client = await Pop3Client.connect({ host: 'localhost', port: own.implicitTlsPort, tls: 'implicit', ca: own.pki.caPem, tlsEngine });
        await client.login({ user: 'bob', password: 'hunter2', mechanisms: [mechanism] });
        expect(new TextDecoder().decode(await client.retrieve(1))).toBe(MESSAGE);
        await client.quit();
      }
    } finally {
      await own.close();
    }
  });
});

test('on a clear connection -PLUS is neither offered nor chosen, even when named', async () => {
  const client = await Pop3Client.connect({ host: 'localhost', port: env.port, tls: 'none', timeoutMs: 10_000 });
  expect(client.capabilities.sasl.filter((m) => m.endsWith('-PLUS'))).toEqual([]);
  await expect(client.login({ user: 'sample', password: 'sample', mechanisms: ['SCRAM-SHA-256-PLUS'] })).rejects.toMatchObject({ code: 'NO_AUTH_METHOD' });
  await client.login({ user: 'sample', password: 'sample' });
  expect(client.loginMechanism).toBe('SCRAM-SHA-512');
  await client.quit();
});

// A proxy that terminates the client's TLS with `identity` and opens its own TLS connection to the
// server: the client's and the server's TLS connections differ, which only channel binding sees.
// `rewrite` may change what the server says on the way (plaintext, per chunk).
async function startRelay({ identity, maxVersion, rewrite = (s) => s }) {
  const relay = tls.createServer({ cert: readFileSync(identity.certFile), key: readFileSync(identity.keyFile), maxVersion }, (client) => {
    const upstream = tls.connect({ host: '127.0.0.1', port: env.implicitTlsPort, servername: 'localhost', ca: env.pki.caPem, maxVersion });
    upstream.on('data', (d) => client.write(rewrite(d.toString('latin1')), 'latin1'));
    client.on('data', (d) => upstream.write(d));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return { port: relay.address().port, close: () => new Promise((resolve) => relay.close(resolve)) };
}

describe.each([['node'], ['wasm']])('through a relay that terminates TLS, engine %s', (tlsEngine) => {
  const pki = () => env.pki;
  // The relay's certificate: the server's own (a stolen key), or one from a CA the client was
  // made to trust (an inspection box). tls-server-end-point sees only the second.
  test.each([
    ['TLSv1.3', 'the server\'s own certificate', 'server', 'refused with [AUTH]'],
    ['TLSv1.3', 'another trusted certificate', 'rogue', 'refused with [AUTH]'],
    ['TLSv1.2', 'another trusted certificate', 'rogue', 'refused with [AUTH]'],
    ['TLSv1.2', 'the server\'s own certificate', 'server', 'not told apart (RFC 5929)'],
  ])('%s, relay with %s: SCRAM-SHA-256-PLUS is %s', async (version, _what, identity, outcome) => {
    const refused = outcome.startsWith('refused');
    const relay = await startRelay({ identity: pki()[identity], maxVersion: version });
    try {
      const ca = identity === 'rogue' ? [pki().caPem, readFileSync(pki().file('rogue-ca.pem'), 'utf8')] : pki().caPem;
      const client = await Pop3Client.connect({ host: 'localhost', port: relay.port, tls: 'implicit', ca, tlsEngine, timeoutMs: 10_000 });
      const login = client.login({ user: 'sample', password: 'sample', mechanisms: ['SCRAM-SHA-256-PLUS'] });
      if (refused) {
        const error = await login.catch((e) => e);
        expect(error).toMatchObject({ code: 'AUTH_FAILED', responseCode: 'AUTH' });
        expect(error.serverText).toMatch(/channel binding mismatch/);
        client.close();
      } else {
        // RFC 5929: whoever holds the server's own key is not told apart by tls-server-end-point.
        await login;
        expect(client.loginMechanism).toBe('SCRAM-SHA-256-PLUS');
        await client.quit();
      }
    } finally {
      await relay.close();
    }
  });

  test('a relay that removes -PLUS from CAPA is caught by the "y" flag', async () => {
    const relay = await startRelay({
      identity: pki().server,
      maxVersion: 'TLSv1.3',
      rewrite: (s) => s.replace(/^SASL .*$/m, (line) => line.split(' ').filter((m) => !m.endsWith('-PLUS')).join(' ')),
    });
    try {
      const client = await Pop3Client.connect({ host: 'localhost', port: relay.port, tls: 'implicit', ca: pki().caPem, tlsEngine, timeoutMs: 10_000 });
      expect(client.capabilities.sasl).toContain('SCRAM-SHA-512');
      expect(client.capabilities.sasl.filter((m) => m.endsWith('-PLUS'))).toEqual([]);
      const error = await client.login({ user: 'sample', password: 'sample', mechanisms: ['SCRAM-SHA-512'] }).catch((e) => e);
      expect(error).toMatchObject({ code: 'AUTH_FAILED', responseCode: 'AUTH' });
      expect(error.serverText).toMatch(/downgrade/);
      client.close();
    } finally {
      await relay.close();
    }
  });
});

test('the same bytes arrive whichever SCRAM variant logged in', async () => {
  const got = [];
  for (const mechanism of ['SCRAM-SHA-512-PLUS', 'SCRAM-SHA-512']) {
    const client = await connect({ tlsEngine: 'wasm' });
    await client.login({ user: 'sample', password: 'sample', mechanisms: [mechanism] });
    got.push(await client.retrieve(1));
    await client.quit();
  }
  expect(sameBytes(got[0], got[1])).toBe(true);
});
