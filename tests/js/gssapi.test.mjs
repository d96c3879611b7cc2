// Kerberos login (SASL GSSAPI, RFC 4752) against a real MIT KDC (tests/harness/kerberos.mjs) and
// Dovecot with its GSSAPI mechanism, the client's GSS-API calls made by the `kerberos` package
// (installed in tests/kerberos by scripts/bootstrap.sh) with a ticket from kinit.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

import { startDovecot } from '../harness/dovecot.mjs';
import { startKdc } from '../harness/kerberos.mjs';

const run = promisify(execFile);
const CHILD = new URL('../harness/gssapi-login-child.mjs', import.meta.url).pathname;
const MESSAGE = 'From: a@example.com\nSubject: kerberos\n\nDelivered to a Kerberos user.\n';

let realm;
let dovecot;
let ticket;

beforeAll(async () => {
  if (!existsSync(new URL('../kerberos/node_modules/kerberos/package.json', import.meta.url))) {
    throw new Error('the kerberos binding is not installed in tests/kerberos: run scripts/bootstrap.sh');
  }
  realm = await startKdc();
  await realm.addUser('alice', 'alice-kerberos');
  const keytab = await realm.addService('pop/localhost');
  dovecot = await startDovecot({
    users: { alice: { password: 'not-used-by-kerberos', messages: [MESSAGE] } },
    mechanisms: 'gssapi plain',
    gssapi: { keytab, hostname: 'localhost', krb5Conf: realm.krb5Conf },
  });
  ticket = await realm.kinit('alice', 'alice-kerberos');
}, 60_000);

afterAll(async () => {
  await dovecot?.stop();
  await realm?.stop();
});

// Logs in as alice in a child process whose Kerberos environment is the test realm and `ccache`
// (the library reads both from the real environment, as every Kerberos program does).
async function loginWith(ccache, credentials, { useKerberosPackage = true } = {}) {
  const env = { ...process.env, KRB5_CONFIG: realm.krb5Conf, KRB5CCNAME: ccache };
  const spec = { host: dovecot.host, port: dovecot.port, login: { user: 'alice', ...credentials }, useKerberosPackage };
  const { stdout } = await run(process.execPath, [CHILD, JSON.stringify(spec)], { env, timeout: 30_000 });
  return JSON.parse(stdout);
}

const KERBEROS = { gssapi: { hostname: 'localhost' } };

test('logs in with a Kerberos ticket (GSSAPI) and reads the maildrop; no password is sent', async () => {
  const result = await loginWith(ticket, { ...KERBEROS, mechanisms: ['GSSAPI'] });
  expect(result.error).toBeUndefined();
  expect(result.mechanism).toBe('GSSAPI');
  expect(result.stat).toEqual({ count: 1, size: Buffer.byteLength(MESSAGE.replace(/\n/g, '\r\n')) });
  expect(result.transcript).toContain('C: AUTH GSSAPI');
  expect(result.transcript.join('\n')).not.toContain('alice-kerberos');
  // The ticket came from the KDC for Dovecot's service principal, and Dovecot saw Kerberos.
  expect(await realm.log()).toMatch(/TGS_REQ .*alice@POP3WASM\.TEST for pop\/localhost@POP3WASM\.TEST/);
  expect(await dovecot.log()).toMatch(/pop3-login: Info: Login: user=<alice>, method=GSSAPI/);
});

test('negotiation picks GSSAPI when the caller asks for Kerberos and the server offers it', async () => {
  const result = await loginWith(ticket, KERBEROS);
  expect(result.error).toBeUndefined();
  expect(result.mechanism).toBe('GSSAPI');
  expect(result.stat.count).toBe(1);
});

test('without a credentials cache the login fails with the GSS-API reason, and nothing else is tried', async () => {
  const { error, transcript } = await loginWith(`FILE:${realm.dir}/no-such-ccache`, KERBEROS);
  expect(error).toMatchObject({ name: 'Pop3Error', code: 'AUTH_FAILED' });
  expect(error.message).toMatch(/^GSSAPI: gss_init_sec_context failed: .*No Kerberos credentials available/);
  expect(error.serverText).toBeTruthy();  // Dovecot's answer to the client's "*"
  expect(transcript).toContain('C: *');
  expect(transcript.filter((line) => line.startsWith('C: AUTH'))).toEqual(['C: AUTH GSSAPI']);
});

test('an expired ticket fails with the GSS-API reason', async () => {
  const shortLived = await realm.kinit('alice', 'alice-kerberos', ['-l', '1s']);
  await new Promise((r) => setTimeout(r, 2500));
  const { error } = await loginWith(shortLived, KERBEROS);
  expect(error).toMatchObject({ name: 'Pop3Error', code: 'AUTH_FAILED' });
  expect(error.message).toMatch(/^GSSAPI: gss_init_sec_context failed: .*expired/i);
});

test('without the kerberos package in reach, GSSAPI is UNSUPPORTED and names the package', async () => {
  // pop3-wasm's own directory has no node_modules/kerberos: the optional dependency is absent.
  const { error, transcript } = await loginWith(ticket, KERBEROS, { useKerberosPackage: false });
  expect(error).toMatchObject({ name: 'Pop3Error', code: 'UNSUPPORTED' });
  expect(error.message).toMatch(/optional package 'kerberos'.*npm install kerberos/);
  expect(transcript.filter((line) => line.startsWith('C: AUTH'))).toEqual([]);
});

// Last: it changes the service key in the KDC, so Dovecot's keytab no longer matches.
test('a ticket the server cannot accept (stale service key) is refused by the server', async () => {
  await realm.rekey('pop/localhost');
  const fresh = await realm.kinit('alice', 'alice-kerberos');
  const { error } = await loginWith(fresh, { ...KERBEROS, mechanisms: ['GSSAPI'] });
  expect(error).toMatchObject({ name: 'Pop3Error', code: 'AUTH_FAILED', serverRefused: true });
  expect(error.serverText).toMatch(/Authentication failed/);
  // The server keeps the GSS reason to itself; its log has it.
  expect(await dovecot.log()).toMatch(/gssapi\(.*kvno 3 not found in keytab/);
});
