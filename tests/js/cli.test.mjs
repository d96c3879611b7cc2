// The command-line client, run as a separate process: probe, fetch into a Maildir with a
// progress bar, refusals, and a fetch killed with SIGKILL at random moments that must neither lose
// nor duplicate mail on the next run.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MaildirStore } from '../../bindings/js/stores/maildir-store.js';
import { startDelayProxy } from '../harness/delay-proxy.mjs';
import { startDovecot, toWire } from '../harness/dovecot.mjs';
import { fixtureMessages, largeMessage } from '../fixtures/messages.mjs';

const cli = fileURLToPath(new URL('../../bindings/js/cli/pop3-wasm.js', import.meta.url));
const fixtures = fixtureMessages().map((f) => f.bytes);
const many = Array.from({ length: 60 }, (_, i) => Buffer.concat([Buffer.from(`X-Number: ${i}\n`), fixtures[i % fixtures.length]]));
let dovecot;
let work;

beforeAll(async () => {
  dovecot = await startDovecot({
    users: {
      alice: { password: 'cli-pw', messages: fixtures },
      killed: { password: 'cli-pw', messages: [...many, largeMessage(2_000_000, 9)] },
    },
  });
  work = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-cli-'));
});

afterAll(async () => {
  await dovecot?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function run(args, { env = {}, killAfterMs } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const url = (user, port = dovecot.port) => `pop3://${user}@127.0.0.1:${port}?tls=none`;

test('probe prints the greeting and capabilities', async () => {
  const result = await run(['probe', url('alice')]);
  expect(result.code).toBe(0);
  const out = JSON.parse(result.stdout);
  expect(out.greeting).toMatch(/Dovecot ready/);
  expect(out.capabilities.pipelining).toBe(true);
});

test('fetch stores the mailbox in a Maildir and shows progress', async () => {
  const maildir = path.join(work, 'alice');
  const result = await run(['fetch', url('alice'), '--maildir', maildir, '--insecure-auth'], { env: { POP3_PASSWORD: 'cli-pw' } });
  expect(result.stderr).toMatch(/\] \d+\/\d+ msgs .* MB\/s/);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(new RegExp(`^${fixtures.length} message\\(s\\)`));
  expect(result.stdout + result.stderr).not.toContain('cli-pw');
  const stored = await new MaildirStore(maildir).list();
  expect(stored).toHaveLength(fixtures.length);
});

test('refuses a password in the URL, and runs without one only on a terminal', async () => {
  const inUrl = await run(['fetch', `pop3://alice:secret@127.0.0.1:${dovecot.port}`, '--maildir', path.join(work, 'x')]);
  expect(inUrl.code).toBe(2);
  expect(inUrl.stderr).toMatch(/do not put the password in the URL/);
  const noPassword = await run(['fetch', url('alice'), '--maildir', path.join(work, 'y'), '--insecure-auth']);
  expect(noPassword.code).toBe(1);
  expect(noPassword.stderr).toMatch(/POP3_PASSWORD/);
});

test('a fetch killed with SIGKILL at random moments loses and duplicates nothing', async () => {
  // 25 ms each way: a whole fetch then outlasts the last kill even on a fast, idle machine (with
  // 5 ms it could finish first, and later runs found nothing left to interrupt).
  const proxy = await startDelayProxy({ targetHost: dovecot.host, targetPort: dovecot.port, delayMs: 25 });
  const maildir = path.join(work, 'killed');
  const args = ['fetch', url('killed', proxy.port), '--maildir', maildir, '--delete', '--insecure-auth', '--quiet'];
  const env = { POP3_PASSWORD: 'cli-pw' };
  let killed = 0;
  try {
    for (const ms of [150, 250, 350, 450, 600]) {
      const result = await run(args, { env, killAfterMs: ms });
      if (result.signal === 'SIGKILL') killed++;
    }
    const final = await run(args, { env });
    expect(final.code).toBe(0);
  } finally {
    await proxy.stop();
  }
  expect(killed).toBeGreaterThanOrEqual(3);
  const stored = await new MaildirStore(maildir).list();
  const texts = (await Promise.all(stored.map((m) => m.read()))).map((b) => Buffer.from(b).toString('latin1')).sort();
  const expected = [...many, largeMessage(2_000_000, 9)].map((m) => toWire(m).toString('latin1')).sort();
  expect(texts).toEqual(expected);
  expect(await dovecot.messageFiles('killed')).toHaveLength(0);
}, 60_000);
