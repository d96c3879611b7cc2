// SCRAM against a second, independent implementation: Debian's Cyrus pop3d with Cyrus SASL
// (tests/harness/cyrus.mjs). It offers SCRAM-SHA-512 (and SHA-256, SHA-1) and, inside TLS,
// SCRAM-*-PLUS bound to "tls-unique" only, a type this library does not send (RFC 9266 replaces
// it): its -PLUS refuses us, and the default login moves on to SCRAM-SHA-512.
import { Pop3Client } from '../../bindings/js/node.js';
import { startCyrus } from '../harness/cyrus.mjs';
import { testPki } from '../harness/test-pki.mjs';

const MESSAGE = 'Subject: from cyrus\r\n\r\nchannel binding test\r\n';
let cyrus;
let pki;
beforeAll(async () => {
  pki = testPki();
  cyrus = await startCyrus({ users: { alice: { password: 'secret', messages: [MESSAGE] } }, tls: pki.server });
}, 60_000);
afterAll(() => cyrus?.stop());

function connect(how) {
  const port = how.tls === 'implicit' ? cyrus.pop3sPort : cyrus.port;
  return Pop3Client.connect({ host: 'localhost', port, ca: pki.caPem, timeoutMs: 15_000, ...how });
}

describe.each([
  [{ tls: 'none' }],
  [{ tls: 'starttls', tlsEngine: 'node', maxVersion: 'TLSv1.2' }],
  [{ tls: 'starttls', tlsEngine: 'wasm', maxVersion: 'TLSv1.3' }],
  [{ tls: 'implicit', tlsEngine: 'node', maxVersion: 'TLSv1.3' }],
  [{ tls: 'implicit', tlsEngine: 'wasm', maxVersion: 'TLSv1.2' }],
])('Cyrus, %j', (how) => {
  test.each(['SCRAM-SHA-512', 'SCRAM-SHA-256', 'SCRAM-SHA-1'])('%s logs in (server signature checked) and fetches the message', async (mechanism) => {
    const client = await connect(how);
    expect(client.capabilities.sasl).toContain('SCRAM-SHA-512');
    await client.login({ user: 'alice', password: 'secret', mechanisms: [mechanism] });
    expect(client.loginMechanism).toBe(mechanism);
    // Cyrus's LMTP adds Return-Path, Received, Message-ID and Date around our header.
    const text = new TextDecoder().decode(await client.retrieve(1));
    expect(text).toContain('\r\nSubject: from cyrus\r\n');
    expect(text.endsWith('\r\n\r\nchannel binding test\r\n')).toBe(true);
    await client.quit();
  });

  test('a wrong password fails with SCRAM-SHA-512', async () => {
    const client = await connect(how);
    await expect(client.login({ user: 'alice', password: 'wrong', mechanisms: ['SCRAM-SHA-512'] })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    client.close();
  });
});

describe.each([['node'], ['wasm']])('Cyrus -PLUS (tls-unique only), engine %s', (tlsEngine) => {
  test('offered inside TLS only; ours is refused, and the default login moves on to SCRAM-SHA-512', async () => {
    const clear = await connect({ tls: 'none' });
    expect(clear.capabilities.sasl.filter((m) => m.endsWith('-PLUS'))).toEqual([]);
    clear.close();
    const only = await connect({ tls: 'implicit', tlsEngine });
    expect(only.capabilities.sasl).toContain('SCRAM-SHA-512-PLUS');
    const refused = await only.login({ user: 'alice', password: 'secret', mechanisms: ['SCRAM-SHA-512-PLUS'] }).catch((e) => e);
    // Cyrus SASL's words for a binding type it does not have (p=tls-exporter / tls-server-end-point).
    expect(refused).toMatchObject({ code: 'AUTH_FAILED', responseCode: 'AUTH', serverText: expect.stringMatching(/bad protocol/) });
    only.close();
    const transcript = [];
    const client = await connect({ tls: 'implicit', tlsEngine, onTranscript: (e) => transcript.push(e) });
    await client.login({ user: 'alice', password: 'secret' });
    expect(client.loginMechanism).toBe('SCRAM-SHA-512');
    const sent = transcript.filter((e) => e.direction === 'client' && e.line.startsWith('AUTH')).map((e) => e.line.split(' ').slice(0, 2).join(' '));
    expect(sent).toEqual(['AUTH SCRAM-SHA-512-PLUS', 'AUTH SCRAM-SHA-512']);
    await client.quit();
  });
});
