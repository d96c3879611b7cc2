// The bridge's lifecycle: graceful shutdown (stop accepting, let sessions finish for drainMs,
// then 4009), and the CLI: a configuration file with flags over it, SIGTERM, SIGHUP reloading
// the token file, and wss:// with its own certificate.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Pop3Client } from '../../bindings/js/node.js';
import { WebSocketTransport } from '../../bindings/js/node.js';
import { openWs, startBridge, startBridgeCli, startTcpServer } from '../harness/bridge.mjs';
import { startDovecot } from '../harness/dovecot.mjs';
import { testPki } from '../harness/test-pki.mjs';

const pki = testPki();
let echo;
let dir;

beforeAll(async () => {
  echo = await startTcpServer((socket) => socket.on('data', (d) => socket.write(d)));
  dir = await mkdtemp(path.join(os.tmpdir(), 'pop3-bridge-cli-'));
});
afterAll(async () => {
  await echo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function waitFor(condition, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('close({ drainMs }) stops accepting, lets sessions finish, then closes the rest with 4009', async () => {
  const b = await startBridge({ allowPrivate: [`127.0.0.1:${echo.port}`] });
  const target = `127.0.0.1:${echo.port}`;
  const finishing = await openWs(b.url, { target });
  const lingering = await openWs(b.url, { target });
  await waitFor(() => b.bridge.metrics().sessionsActive === 2);

  const started = Date.now();
  const closed = b.bridge.close({ drainMs: 600 });
  // No new sessions: the listener is gone.
  await expect(openWs(b.url, { target })).rejects.toThrow(/ECONNREFUSED/);
  // Sessions still relay while draining; one finishes on its own.
  lingering.ws.send(Buffer.from('still here'));
  await waitFor(() => lingering.received.length > 0);
  expect(Buffer.concat(lingering.received).toString()).toBe('still here');
  setTimeout(() => finishing.ws.close(1000), 100);
  expect((await finishing.closed).code).toBe(1000);
  expect(await lingering.closed).toEqual({ code: 4009, reason: 'the bridge is shutting down' });
  await closed;
  const elapsed = Date.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(590);
  expect(elapsed).toBeLessThan(3000);
  const records = b.sessions();
  expect(records.map((r) => [r.closeCode, r.closedBy])).toEqual([[1000, 'client'], [4009, 'bridge']]);
  expect(b.logs.at(-1)).toMatchObject({ event: 'closed' });
  await waitFor(() => echo.sockets.size === 0);
});

test('close() returns at once when no session is open', async () => {
  const b = await startBridge({ allow: ['pop.example.com:995'] });
  const started = Date.now();
  await b.bridge.close({ drainMs: 5000 });
  expect(Date.now() - started).toBeLessThan(500);
});

test('the CLI: a configuration file with flags over it; SIGTERM drains, then 4009, exit 0', async () => {
  const config = path.join(dir, 'bridge.json');
  await writeFile(config, JSON.stringify({ allow: ['pop.example.com:995'], allowPrivate: [`127.0.0.1:${echo.port}`], idleTimeoutMs: 60_000, drainMs: 60_000 }));
  const cli = await startBridgeCli(['--config', config, '--drain', '300', '--path', '/pop3']);
  const listening = cli.lines.find((l) => l.event === 'listening');
  expect(listening.allow).toEqual(['pop.example.com:995', `127.0.0.1:${echo.port} (private allowed)`]);
  const session = await openWs(cli.url, { target: `127.0.0.1:${echo.port}` });
  session.ws.send(Buffer.from('hello'));
  await waitFor(() => session.received.length > 0);
  // --path: upgrades elsewhere are turned away before any WebSocket exists.
  await expect(openWs(`ws://127.0.0.1:${cli.port}/other`, { target: 'pop.example.com:995' })).rejects.toThrow(/404/);

  const started = Date.now();
  const code = cli.stop('SIGTERM');
  expect(await session.closed).toEqual({ code: 4009, reason: 'the bridge is shutting down' });
  expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  expect(await code).toBe(0);
  const events = cli.lines.map((l) => l.event);
  expect(events).toEqual(['listening', 'signal', 'closing', 'session', 'closed']);
  expect(cli.lines.find((l) => l.event === 'session')).toMatchObject({ closeCode: 4009, bytesClientToTarget: 5, bytesTargetToClient: 5 });
});

test('the CLI: SIGHUP re-reads the token file', async () => {
  const tokenFile = path.join(dir, 'tokens');
  const first = 'first-token-0123456789abcdef';
  const second = 'second-token-0123456789abcdef';
  await writeFile(tokenFile, `${first}\n`);
  const cli = await startBridgeCli(['--allow-private', `127.0.0.1:${echo.port}`, '--token-file', tokenFile]);
  const target = `127.0.0.1:${echo.port}`;
  try {
    const ok = await openWs(cli.url, { target, token: first });
    ok.ws.close(1000);
    expect((await ok.closed).code).toBe(1000);
    await writeFile(tokenFile, `# rotated\n${second}\n`);
    cli.child.kill('SIGHUP');
    await waitFor(() => cli.lines.some((l) => l.event === 'reloaded'));
    expect(await (await openWs(cli.url, { target, token: first })).closed).toEqual({ code: 4004, reason: 'wrong access token' });
    const again = await openWs(cli.url, { target, token: second });
    again.ws.close(1000);
    expect((await again.closed).code).toBe(1000);
    // An emptied token file does not turn the tokens off.
    await writeFile(tokenFile, '');
    cli.child.kill('SIGHUP');
    await waitFor(() => cli.lines.some((l) => l.event === 'reload-failed'));
    expect((await (await openWs(cli.url, { target })).closed).code).toBe(4004);
  } finally {
    await cli.stop();
  }
});

test('the CLI serves wss:// with --tls-cert/--tls-key; POP3S runs through it with TLS inside TLS', async () => {
  const dovecot = await startDovecot({ users: { dora: { password: 'dora-wss-pw', messages: ['Subject: wss\n\nover wss\n'] } }, tls: pki.server });
  const cli = await startBridgeCli([
    '--allow-private', `localhost:${dovecot.pop3sPort}`, '--tls-cert', pki.server.certFile, '--tls-key', pki.server.keyFile,
  ]);
  try {
    expect(cli.lines[0]).toMatchObject({ event: 'listening', tls: true });
    const transport = new WebSocketTransport({
      bridge: `wss://localhost:${cli.port}/pop3`, host: 'localhost', port: dovecot.pop3sPort, wsOptions: { ca: pki.caPem },
    });
    const client = await Pop3Client.connect({ transport, host: 'localhost', port: dovecot.pop3sPort, tls: 'implicit', ca: pki.caPem });
    await client.login({ user: 'dora', password: 'dora-wss-pw', method: 'user' });
    expect(Buffer.from(await client.retrieve(1)).toString()).toContain('over wss');
    await client.quit();
  } finally {
    await cli.stop();
    await dovecot.stop();
  }
});

test('the CLI refuses a bad configuration with a message and exit code 1', async () => {
  await expect(startBridgeCli(['--allow', 'pop.example.com'])).rejects.toThrow(/exited with 1: pop3-bridge: allow rule "pop.example.com": expected host:port/);
  await expect(startBridgeCli([])).rejects.toThrow(/no target is allowed/);
  await expect(startBridgeCli(['--allow', 'a.example:1', '--bogus'])).rejects.toThrow(/exited with 2: pop3-bridge: Unknown option '--bogus'/);
});
