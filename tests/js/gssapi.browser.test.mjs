// Kerberos in the browser entry, in headless Chromium: the page reaches Dovecot (which offers
// GSSAPI, backed by a real KDC) through the bridge. Asking for Kerberos fails at once with
// UNSUPPORTED_IN_BROWSER, before anything is sent, and negotiation never picks GSSAPI there.
import { startDovecot } from '../harness/dovecot.mjs';
import { openBridgePage } from '../harness/bridge-page.mjs';
import { startKdc } from '../harness/kerberos.mjs';

let realm;
let dovecot;
let bridge;
let browser;

beforeAll(async () => {
  realm = await startKdc();
  const keytab = await realm.addService('pop/localhost');
  dovecot = await startDovecot({
    users: { alice: { password: 'browser-pw', messages: ['Subject: hi\n\nhello\n'] } },
    mechanisms: 'gssapi plain',
    gssapi: { keytab, hostname: 'localhost', krb5Conf: realm.krb5Conf },
  });
  ({ browser, bridge } = await openBridgePage([dovecot.port]));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.stop();
  await dovecot?.stop();
  await realm?.stop();
});

// In the page: one connection, the Kerberos login asked for in `kerberos`, then a password login
// by negotiation on the same connection.
async function tryInPage(kerberos) {
  return browser.page.evaluate(
    async ({ bridgeUrl, port, kerberos: credentials }) => {
      const { Pop3Client } = await import('/bindings/js/index.js');
      const transcript = [];
      const client = await Pop3Client.connect({ bridge: bridgeUrl, host: 'localhost', port, tls: 'none', allowInsecureAuth: true });
      client.on('transcript', ({ direction, line }) => transcript.push(`${direction}: ${line}`));
      const offered = client.capabilities.sasl;
      let refusal;
      try {
        await client.login({ user: 'alice', ...credentials });
      } catch (error) {
        refusal = { name: error.name, code: error.code, message: error.message };
      }
      const sentBeforePassword = transcript.filter((line) => line.startsWith('client:'));
      await client.login({ user: 'alice', password: 'browser-pw' });
      const result = { offered, refusal, sentBeforePassword, mechanism: client.loginMechanism, stat: await client.stat() };
      await client.quit();
      return result;
    },
    { bridgeUrl: bridge.url, port: dovecot.port, kerberos },
  );
}

test.each([
  ['the gssapi option', { gssapi: {} }],
  ["mechanisms: ['GSSAPI']", { mechanisms: ['GSSAPI'] }],
])('%s fails with UNSUPPORTED_IN_BROWSER before anything is sent; negotiation then takes PLAIN', async (_name, kerberos) => {
  const result = await tryInPage(kerberos);
  expect(result.offered).toEqual(expect.arrayContaining(['GSSAPI', 'PLAIN']));
  expect(result.refusal).toMatchObject({ name: 'Pop3Error', code: 'UNSUPPORTED_IN_BROWSER' });
  expect(result.refusal.message).toMatch(/not available in browsers: .*ticket cache/);
  expect(result.sentBeforePassword).toEqual([]);
  expect(result.mechanism).toBe('PLAIN');
  expect(result.stat.count).toBe(1);
});
