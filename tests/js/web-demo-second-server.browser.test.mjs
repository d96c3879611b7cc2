// The web demo pointed at a second server: `npm start`'s stack (web-demo/server/start.mjs) run
// with --allow-private for a second embedded POP3 server that this test starts (other login
// methods, a 1 MiB message) and --allow for a rule the bridge must still refuse. The page's
// login-method list follows what each server offers on each link; a target outside the
// allowlist is refused with the bridge's own reason shown in the page; one large RETR shows its
// bytes arriving; and "delete after N days" deletes on a later sync while the local copy stays.
import { spawn } from 'node:child_process';
import path from 'node:path';

import { Pop3Client } from 'pop3-wasm';
import { createServer } from 'pop3-wasm/server';

import { makeThrowawayPki } from '../../web-demo/server/throwaway-pki.mjs';
import { launchChromium, REPOSITORY_ROOT } from '../harness/browser.mjs';

const USER = 'juma';
const PASSWORD = 'second-server-secret';
// A line of 76 characters plus CRLF, repeated to 1 MiB: far more than one TLS record or one
// WebSocket frame, so the download arrives in many pieces.
const LINE = `${'0123456789'.repeat(7)}abcdef\r\n`;
const BIG_BODY = LINE.repeat(Math.ceil((1024 * 1024) / LINE.length));
const mail = (subject, body) => `From: Amina <amina@example.org>\r\nTo: ${USER}@example.org\r\nSubject: ${subject}\r\nDate: Tue, 3 Jun 2025 09:00:00 +0300\r\nMessage-ID: <${subject.length}@example.org>\r\n\r\n${body}`;
const MAILBOX = [mail('Agenda for Monday', 'See you there.\r\n'), mail('Minutes', 'Attached below.\r\n'), mail('The big report', BIG_BODY)];
// What the server announces beyond the demo's: no APOP, two SASL mechanisms, and the password
// methods offered even before TLS (so that the page has something to mark unsafe).
const CAPABILITIES = { apop: false, sasl: ['SCRAM-SHA-256', 'PLAIN'], allowCleartextWithoutTls: true };

let pki;
let second;
let secondPort;
let child;
let output = '';
let baseUrl;
let browser;
let config;

beforeAll(async () => {
  pki = makeThrowawayPki();
  second = createServer({
    mailboxes: { [USER]: MAILBOX }, users: { [USER]: PASSWORD }, tls: { cert: pki.cert, key: pki.key }, capabilities: CAPABILITIES, port: 0,
  });
  ({ port: secondPort } = await second.listen());
  // Port 2 is only ever named in an --allow rule: loopback without allow-private, so refused.
  child = spawn(process.execPath, [path.join(REPOSITORY_ROOT, 'web-demo/server/start.mjs'),
    '--allow-private', `127.0.0.1:${secondPort}`, '--allow', '127.0.0.1:2'], { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk) => (output += chunk));
  baseUrl = await new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`start.mjs exited with ${code}:\n${output}`)));
  });
  config = await (await fetch(`${baseUrl}demo-config.json`)).json();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await second?.close();
  pki?.dispose();
});

/**
 * The login methods a server offers on one link, as a client of our own (in Node, no bridge)
 * reads them from the greeting and CAPA: SASL names, APOP if the greeting has a timestamp, USER
 * if announced. What the page lists must be exactly this.
 */
async function offersSeenFromNode({ port, tls, ca }) {
  const client = await Pop3Client.connect({ host: '127.0.0.1', port, tls, ca });
  try {
    const names = [...client.capabilities.sasl];
    if (client.greeting.apopTimestamp) names.push('APOP');
    if (client.capabilities.user) names.push('USER');
    return { names, secure: client.secure };
  } finally {
    await client.quit();
  }
}

/** Points the form at a target and waits until the page has asked it what it offers. */
async function pointForm(page, { port, security, ca }) {
  await page.selectOption('#security', security);
  if (ca !== undefined) await page.fill('#ca', ca);
  await page.fill('#port', String(port));
  await page.press('#port', 'Tab');
  await page.waitForFunction((p) => new RegExp(`:${p} offers|Could not ask`).test(document.querySelector('#method-hint').textContent), port);
  return page.$$eval('#method option', (options) => options.map((o) => ({ value: o.value, disabled: o.disabled, text: o.textContent })));
}

async function withPage(url, work) {
  const { page, logs, close } = await browser.open(url);
  try {
    await page.waitForSelector('#connect');
    await work(page);
  } catch (error) {
    console.log(logs.join('\n'), output);
    throw error;
  } finally {
    await close();
  }
}

test('the login-method list is what the server offers on the chosen link, unsafe ones marked on a clear link', () => withPage(baseUrl, async (page) => {
  // The demo's own server over implicit TLS (the form's default), then on its plain port
  // without TLS, where it announces neither USER nor PLAIN/LOGIN.
  for (const [port, security, tls] of [[config.ports.implicitTls, 'implicit', 'implicit'], [config.ports.plain, 'none', 'none']]) {
    const expected = await offersSeenFromNode({ port, tls, ca: config.ca });
    const options = await pointForm(page, { port, security });
    expect(options.map((o) => o.value)).toEqual(['auto', ...expected.names]);
    expect(options.filter((o) => o.disabled)).toEqual([]);
  }
  expect((await offersSeenFromNode({ port: config.ports.plain, tls: 'none' })).names).toContain('APOP');

  // The second server: no APOP, SCRAM-SHA-256 and PLAIN, USER even in clear text.
  const clear = await offersSeenFromNode({ port: secondPort, tls: 'none' });
  expect(clear.names).not.toContain('APOP');
  let options = await pointForm(page, { port: secondPort, security: 'none' });
  expect(options.map((o) => o.value)).toEqual(['auto', ...clear.names]);
  expect(options.filter((o) => o.disabled).map((o) => o.value).sort()).toEqual(['PLAIN', 'USER']);
  for (const option of options.filter((o) => o.disabled)) expect(option.text).toMatch(/unsafe here/);
  expect(await page.textContent('#method-hint')).toMatch(/not encrypted/);

  // Over STLS with the second server's CA, every method is safe.
  const secure = await offersSeenFromNode({ port: secondPort, tls: 'starttls', ca: pki.ca });
  options = await pointForm(page, { port: secondPort, security: 'starttls', ca: pki.ca });
  expect(options.map((o) => o.value)).toEqual(['auto', ...secure.names]);
  expect(options.filter((o) => o.disabled)).toEqual([]);
}));

test('--allow-private reaches the second server; a target outside the allowlist, and an --allow rule to loopback, are refused with the bridge\'s reason', () => withPage(baseUrl, async (page) => {
  expect(await page.textContent('#host-hint')).toContain(`127.0.0.1:${secondPort}`);
  // Neither rule names port 1: the bridge refuses before connecting (close code 4001).
  await pointForm(page, { port: 1, security: 'starttls' });
  expect(await page.textContent('#method-hint')).toMatch(/Could not ask the server: CONNECTION_FAILED: bridge: .*\(close code 4001; the bridge operator must allow this host and port\)/);
  await page.click('#connect');
  await page.waitForFunction(() => /close code 4001/.test(document.querySelector('#status').textContent));
  expect(await page.textContent('#status')).toMatch(/^CONNECTION_FAILED: bridge: /);
  // --allow 127.0.0.1:2 is a rule, but loopback is private and --allow does not permit that.
  await pointForm(page, { port: 2, security: 'none' });
  expect(await page.textContent('#method-hint')).toMatch(/close code 4002; the bridge refuses private/);

  await pointForm(page, { port: secondPort, security: 'starttls', ca: pki.ca });
  await page.fill('#user', USER);
  await page.fill('#password', PASSWORD);
  await page.selectOption('#method', 'SCRAM-SHA-256');
  await page.click('#connect');
  await page.waitForSelector('#messages', { timeout: 20_000 });
  expect(await page.textContent('#capabilities')).toMatch(/Logged in with SCRAM-SHA-256/);
  expect(await page.$$eval('#messages tbody tr', (rows) => rows.length)).toBe(MAILBOX.length);
  await page.click('#quit');
  await page.waitForFunction(() => /^Session ended/.test(document.querySelector('#status').textContent));
}));

test('one large RETR shows its bytes arriving against the size LIST declared', () => withPage(baseUrl, async (page) => {
  await pointForm(page, { port: secondPort, security: 'starttls', ca: pki.ca });
  await page.fill('#user', USER);
  await page.fill('#password', PASSWORD);
  await page.click('#connect');
  await page.waitForSelector('#messages', { timeout: 20_000 });
  await page.evaluate(() => {
    window.downloadSeen = [];
    const text = document.querySelector('#download-bytes');
    new MutationObserver(() => window.downloadSeen.push(text.textContent)).observe(text, { childList: true, characterData: true, subtree: true });
  });
  const big = MAILBOX.length;
  await page.click(`tr[data-number="${big}"] button.open`);
  await page.waitForSelector('#message-view');
  expect(await page.textContent('#message-subject')).toBe('The big report');
  const seen = (await page.evaluate(() => window.downloadSeen)).map((text) => text.match(/\((\d+) of (\d+) bytes\)/).slice(1).map(Number));
  const declared = Buffer.byteLength(MAILBOX[big - 1]);
  expect(seen.every(([, of]) => of === declared)).toBe(true);
  const received = seen.map(([got]) => got);
  // Several steps between nothing and everything, never going back.
  expect(received.filter((got) => got > 0 && got < declared).length).toBeGreaterThanOrEqual(3);
  expect(received).toEqual([...received].sort((a, b) => a - b));
  expect(received.at(-1)).toBe(declared);
  // QUIT, so that the next test finds the maildrop unlocked.
  await page.click('#quit');
  await page.waitForFunction(() => /^Session ended/.test(document.querySelector('#status').textContent));
}), 60_000);

test('"delete after N days": a later sync, N days on, deletes the server copies and keeps the local ones', () => withPage(baseUrl, async (page) => {
  const connect = async () => {
    await pointForm(page, { port: secondPort, security: 'starttls', ca: pki.ca });
    await page.fill('#user', USER);
    await page.fill('#password', PASSWORD);
    await page.click('#connect');
    await page.waitForSelector('#mailbox:not([hidden]) #messages', { timeout: 20_000 });
  };
  const onServer = () => page.$$eval('#messages tbody tr', (rows) => rows.length);
  const local = () => page.$$eval('#local-messages tbody tr', (rows) => rows.length);
  const sync = async (daysLater) => {
    await page.fill('#sync-days-later', String(daysLater));
    await page.click('#sync');
    // Saved..., or an error code: then the assertion shows which.
    await page.waitForFunction(() => /^(Saved \d+ message|[A-Z_]+: )/.test(document.querySelector('#status').textContent), null, { timeout: 30_000 });
    return page.textContent('#status');
  };
  const count = MAILBOX.length;

  await connect();
  expect(await page.isChecked('#sync-leave-copy')).toBe(true);
  await page.fill('#sync-days', '3');
  expect(await sync(0)).toBe(`Saved ${count} message(s) in this browser. The session has ended (sync QUITs).`);
  expect(await local()).toBe(count);

  // Two days on, nothing is old enough yet.
  await connect();
  expect(await onServer()).toBe(count);
  expect(await sync(2)).toMatch(/^Saved 0 message\(s\) in this browser\. /);
  await connect();
  expect(await onServer()).toBe(count);

  // Four days on, every server copy is older than three days: DELE, then QUIT removes them.
  expect(await sync(4)).toBe(`Saved 0 message(s) in this browser; ${count} deleted from the server at QUIT. The session has ended (sync QUITs).`);
  const transcript = await page.$$eval('.transcript code', (lines) => lines.map((l) => l.textContent));
  for (let n = 1; n <= count; n++) expect(transcript).toContain(`C: DELE ${n}`);
  expect(transcript.at(-2)).toBe('C: QUIT');

  await connect();
  expect(await onServer()).toBe(0);
  expect(await local()).toBe(count);
  await page.click('#local-messages tr:has-text("Agenda for Monday") button.open-local');
  await page.waitForSelector('#message-view');
  expect(await page.textContent('#message-view')).toContain('See you there.');
}), 60_000);
