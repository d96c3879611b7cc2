// The connection doctor, diagnose() and `pop3-wasm doctor`, against the embedded server (POP3S,
// STLS and plain on their own ports) and against a Dovecot with an expired certificate: what a
// user is told in words, and the one setting recommended.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { diagnose } from '../../bindings/js/node.js';
import { startDovecot } from '../harness/dovecot.mjs';
import { startSampleServer } from '../harness/sample-server.mjs';
import { ROOT } from '../harness/packed-package.mjs';
import { testPki } from '../harness/test-pki.mjs';

const run = promisify(execFile);
let env;

beforeAll(async () => {
  env = await startSampleServer({ capabilities: { sasl: ['SCRAM-SHA-256', 'CRAM-MD5', 'PLAIN'] } });
});
afterAll(() => env?.close());

const ports = () => ({ pop3: env.port, pop3s: env.implicitTlsPort });

test('without a password: each way described, methods judged per link, POP3S recommended', async () => {
  const d = await diagnose({ host: 'localhost', ca: env.pki.caPem, ports: ports() });
  expect(d.probes.map((p) => [p.tls, p.ok, p.secure])).toEqual([['implicit', true, true], ['starttls', true, true], ['none', true, false]]);
  const plain = d.probes[2];
  // Before TLS the server announces only what keeps the password off the wire (no PLAIN, USER).
  expect(plain.methods.map((m) => [m.name, m.safe])).toEqual([['SCRAM-SHA-256', true], ['CRAM-MD5', true], ['APOP', true]]);
  expect(d.probes[0].methods.map((m) => m.name)).toEqual(['SCRAM-SHA-256', 'CRAM-MD5', 'PLAIN', 'APOP', 'USER']);
  expect(d.probes[0].capabilities).toEqual(expect.arrayContaining([expect.stringMatching(/^PIPELINING: /), expect.stringMatching(/^UIDL: /)]));
  expect(d.logins).toEqual([]);
  expect(d.recommendation).toEqual({ port: env.implicitTlsPort, tls: 'implicit', mechanism: undefined });
  expect(d.report).toMatch(/POP3S \(TLS from the first byte\), port \d+: works \(TLSv1\.3, /);
  expect(d.report).toMatch(/Recommended: port \d+, tls: 'implicit'\./);
});

test('with a password: every method of the best encrypted way is tried, and the one that works is recommended', async () => {
  const d = await diagnose({ host: 'localhost', ca: env.pki.caPem, ports: ports(), user: 'sample', password: 'sample' });
  expect(d.logins.map((l) => [l.mechanism, l.ok])).toEqual([['SCRAM-SHA-256', true], ['CRAM-MD5', true], ['PLAIN', true], ['APOP', true], ['USER', true]]);
  expect(d.recommendation).toEqual({ port: env.implicitTlsPort, tls: 'implicit', mechanism: 'SCRAM-SHA-256' });
  const wrong = await diagnose({ host: 'localhost', ca: env.pki.caPem, ports: ports(), user: 'sample', password: 'wrong' });
  expect(wrong.logins.every((l) => !l.ok && l.error.code === 'AUTH_FAILED')).toBe(true);
  expect(wrong.recommendation).toBeNull();
  expect(wrong.report).toMatch(/No recommendation: no login method worked/);
});

test('a certificate problem is told in words, and nothing is recommended over plain text', async () => {
  const pki = testPki();
  const dovecot = await startDovecot({ users: { a: { password: 'p', messages: [] } }, tls: pki.expired, mechanisms: 'plain' });
  try {
    const d = await diagnose({ host: 'localhost', ca: pki.caPem, ports: { pop3: dovecot.port, pop3s: dovecot.pop3sPort } });
    expect(d.probes[0].error).toMatchObject({ code: 'TLS_CERT_EXPIRED', message: expect.stringMatching(/has expired: CN = localhost/) });
    expect(d.probes[1].error.code).toBe('TLS_CERT_EXPIRED');
    expect(d.probes[2]).toMatchObject({ ok: true, secure: false });
    expect(d.probes[2].methods.filter((m) => !m.safe).map((m) => m.why)).toEqual(expect.arrayContaining(['would send the password in clear text']));
    expect(d.recommendation).toBeNull();
    expect(d.report).toMatch(/no encrypted way in; do not send a password to it/);
  } finally {
    await dovecot.stop();
  }
});

test('pop3-wasm doctor prints the report, or JSON, and exits 0 when it has a recommendation', async () => {
  const args = ['bindings/js/cli/pop3-wasm.js', 'doctor', 'localhost', '--ca', env.pki.file('ca.pem'), '--pop3-port', String(env.port), '--pop3s-port', String(env.implicitTlsPort)];
  const text = await run(process.execPath, args, { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
  expect(text.stdout).toMatch(/^localhost:\n- POP3S/);
  expect(text.stdout).toMatch(/Recommended: port/);
  const json = await run(process.execPath, [...args, '--json', '--user', 'sample'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', POP3_PASSWORD: 'sample' } });
  const d = JSON.parse(json.stdout);
  expect(d.recommendation.mechanism).toBe('SCRAM-SHA-256');
  expect(json.stdout).not.toContain('"password"');
});
