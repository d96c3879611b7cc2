// POP3S and STLS against Dovecot with TLS, through the WASM TLS engine and through Node's TLS:
// both must succeed the same way and fail the same way, before any credential is sent.
import { Pop3Client } from '../../bindings/js/node.js';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { startScriptedServer } from '../harness/scripted-server.mjs';
import { testPki } from '../harness/test-pki.mjs';
import { fixtureMessages, largeMessage } from '../fixtures/messages.mjs';

const pki = testPki();
const large = largeMessage(5 * 1024 * 1024, 11);
const fixtures = fixtureMessages().map((f) => f.bytes);
const messages = [...fixtures, large];
// "victim" is the account every failing test tries to use: its name and password must never
// reach a server's log.
const users = {
  alice: { password: 'alice-tls-pw', messages },
  victim: { password: 'victim-secret', messages: fixtures },
};

const servers = {};
beforeAll(async () => {
  [servers.good, servers.expired, servers.rogue, servers.plain] = await Promise.all([
    startDovecot({ users, tls: pki.server }),
    startDovecot({ users, tls: pki.expired }),
    startDovecot({ users, tls: pki.rogue }),
    startDovecot({ users }),
  ]);
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s?.stop()));
});

async function expectNoCredentialsSent() {
  for (const server of Object.values(servers)) {
    const log = await server.log();
    expect(log).not.toContain('victim-secret');
    expect(log).not.toMatch(/user=<victim>/);
  }
}

const sameBytes = (a, b) => Buffer.from(a).equals(Buffer.from(b));

describe.each(['wasm', 'node'])('TLS engine: %s', (tlsEngine) => {
  const base = { host: 'localhost', ca: pki.caPem, tlsEngine, timeoutMs: 10_000 };

  test('POP3S: logs in and retrieves the 5 MB message over TLS 1.3', async () => {
    const client = await Pop3Client.connect({ ...base, port: servers.good.pop3sPort, tls: 'implicit' });
    expect(client.secure).toBe(true);
    expect(client.tls).toMatchObject({ protocol: 'TLSv1.3', engine: tlsEngine });
    await client.login({ user: 'alice', password: 'alice-tls-pw', method: 'user' });
    const bytes = await client.retrieve(messages.length);
    expect(sameBytes(bytes, toWire(large))).toBe(true);
    await client.quit();
  });

  test('STLS: upgrades, asks CAPA again, logs in with USER/PASS', async () => {
    const transcript = [];
    const client = await Pop3Client.connect({
      ...base, port: servers.good.port, tls: 'starttls', onTranscript: (e) => transcript.push(e),
    });
    expect(client.secure).toBe(true);
    const sent = transcript.filter((e) => e.direction === 'client').map((e) => e.line);
    expect(sent).toEqual(['CAPA', 'STLS', 'CAPA']);
    expect(client.capabilities.stls).toBe(false);  // Dovecot no longer offers it inside TLS
    await client.login({ user: 'alice', password: 'alice-tls-pw', method: 'user' });
    const all = await Promise.all(messages.map((_, i) => client.retrieve(i + 1)));
    all.forEach((bytes, i) => expect(sameBytes(bytes, toWire(messages[i]))).toBe(true));
    await client.quit();
  });

  test('TLS 1.2 when the client allows no more', async () => {
    const client = await Pop3Client.connect({ ...base, port: servers.good.pop3sPort, tls: 'implicit', maxVersion: 'TLSv1.2' });
    expect(client.tls.protocol).toBe('TLSv1.2');
    await client.login({ user: 'alice', password: 'alice-tls-pw', method: 'user' });
    expect((await client.stat()).count).toBe(messages.length);
    await client.quit();
  });

  test('a public-key pin of the CA is accepted', async () => {
    // The pin of the test CA's key, computed independently with Node's crypto.
    const { X509Certificate, createHash } = await import('node:crypto');
    const spki = new X509Certificate(pki.caPem).publicKey.export({ type: 'spki', format: 'der' });
    const pin = `sha256//${createHash('sha256').update(spki).digest('base64')}`;
    const client = await Pop3Client.connect({ ...base, port: servers.good.pop3sPort, tls: 'implicit', pins: [pin] });
    expect(client.secure).toBe(true);
    await client.quit();
  });

  const failures = [
    ['a wrong host name', 'TLS_CERT_NAME_MISMATCH', () => ({ port: servers.good.pop3sPort, servername: 'pop.wrong.example' }), /'pop\.wrong\.example'/],
    ['an untrusted CA', 'TLS_CERT_UNTRUSTED', () => ({ port: servers.rogue.pop3sPort }), /'localhost'.*not trusted/],
    ['the default roots only', 'TLS_CERT_UNTRUSTED', () => ({ port: servers.good.pop3sPort, ca: undefined }), /not trusted/],
    ['an expired certificate', 'TLS_CERT_EXPIRED', () => ({ port: servers.expired.pop3sPort }), /has expired: .* to Jan {2}1 00:00:00 2021 GMT/],
    ['a pin that does not match', 'TLS_CERT_PIN_MISMATCH', () => ({ port: servers.good.pop3sPort, pins: ['sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='] }), /pins/],
  ];
  for (const tlsMode of ['implicit', 'starttls']) {
    test.each(failures)(`${tlsMode}: %s fails with %s and sends no credentials`, async (_, code, extra, pattern) => {
      const more = extra();
      const port = tlsMode === 'implicit' ? more.port : more.port === servers.good.pop3sPort ? servers.good.port : more.port === servers.rogue.pop3sPort ? servers.rogue.port : servers.expired.port;
      const error = await Pop3Client.connect({ ...base, ...more, port, tls: tlsMode })
        .then(async (c) => {
          await c.login({ user: 'victim', password: 'victim-secret', method: 'user' });
          return new Error('connected');
        })
        .catch((e) => e);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(pattern);
      await expectNoCredentialsSent();
    });
  }

  test('a server without STLS is refused, never used in clear', async () => {
    const error = await Pop3Client.connect({ ...base, port: servers.plain.port, tls: 'starttls' }).catch((e) => e);
    expect(error.code).toBe('TLS_UNAVAILABLE');
    expect(error.message).toMatch(/does not offer STLS/);
    await expectNoCredentialsSent();
  });

  test('STLS answered with -ERR is refused, never used in clear', async () => {
    const server = await startScriptedServer(async (socket, { lines }) => {
      socket.write('+OK ready\r\n');
      for await (const line of lines) {
        if (line === 'CAPA') socket.write('+OK\r\nSTLS\r\nUSER\r\n.\r\n');
        else if (line === 'STLS') socket.write('-ERR [SYS/TEMP] TLS is unavailable right now\r\n');
        else socket.write('-ERR unexpected\r\n');
      }
    });
    try {
      const error = await Pop3Client.connect({ ...base, host: server.host, port: server.port, tls: 'starttls' }).catch((e) => e);
      expect(error.code).toBe('TLS_UNAVAILABLE');
      expect(error.responseCode).toBe('SYS/TEMP');
      expect(server.received).toEqual(['CAPA', 'STLS']);
    } finally {
      await server.stop();
    }
  });
});

// A plain port used for POP3S: OpenSSL alone says "wrong version number". Both engines say the
// server did not speak TLS and what to use instead; the WASM engine, which sees the bytes, quotes
// the greeting.
test.each(['wasm', 'node'])('a plain POP3 port used with implicit TLS is named as such (%s engine)', async (tlsEngine) => {
  const error = await Pop3Client.connect({
    host: 'localhost', port: servers.good.port, tls: 'implicit', tlsEngine, ca: pki.caPem, timeoutMs: 5000,
  }).catch((e) => e);
  expect(error).toMatchObject({ name: 'Pop3Error', code: 'TLS_HANDSHAKE_FAILED' });
  expect(error.message).toMatch(/use tls: 'starttls'/);
  if (tlsEngine === 'wasm') {
    expect(error.message).toMatch(/answered in clear text, not TLS: "\+OK /);
    expect(error.serverText).toMatch(/^\+OK /);
  } else {
    expect(error.message).toMatch(/did not answer with TLS/);
  }
});

// One message per certificate fault, whichever engine ran: the code, and the same sentence with
// the subject, the issuer, the validity dates and the names the certificate was valid for.
test.each([
  ['an expired certificate', 'TLS_CERT_EXPIRED', () => ({ port: servers.expired.pop3sPort }), /has expired: CN = localhost, issued by CN = pop3-wasm test CA, valid from .* to Jan {2}1 00:00:00 2021 GMT, for DNS:localhost/],
  ['an untrusted CA', 'TLS_CERT_UNTRUSTED', () => ({ port: servers.rogue.pop3sPort }), /is not trusted: no trusted authority issued it: CN = localhost, issued by CN = pop3-wasm rogue CA, valid from /],
  ['a name the certificate does not cover', 'TLS_CERT_NAME_MISMATCH', () => ({ port: servers.good.pop3sPort, servername: 'mail.example.org' }), /not valid for 'mail\.example\.org': CN = localhost, .*for DNS:localhost, IP:127\.0\.0\.1$/],
  ['the default roots only', 'TLS_CERT_UNTRUSTED', () => ({ port: servers.good.pop3sPort, ca: undefined }), /issued by CN = pop3-wasm test CA/],
])('both engines word %s the same way', async (_name, code, options, wording) => {
  const errors = {};
  for (const tlsEngine of ['wasm', 'node']) {
    errors[tlsEngine] = await Pop3Client.connect({
      host: 'localhost', tls: 'implicit', tlsEngine, ca: pki.caPem, timeoutMs: 5000, ...options(),
    }).catch((e) => e);
  }
  expect(errors.wasm.code).toBe(code);
  expect(errors.node.code).toBe(code);
  expect(errors.wasm.message).toMatch(wording);
  expect(errors.node.message).toBe(errors.wasm.message);
});
