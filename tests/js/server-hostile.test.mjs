// Hostile clients against the embedded server on raw sockets: every one ends with -ERR or a
// close, never a crash, and the server keeps serving others afterwards. A client that floods
// commands and never reads meets TCP backpressure: the server stops reading instead of buffering.
import net from 'node:net';

import { Pop3Client } from '../../bindings/js/node.js';
import { sampleMessages } from '../../bindings/js/server-node.js';
import { startSampleServer } from '../harness/sample-server.mjs';

let env;
beforeAll(async () => {
  env = await startSampleServer({ capabilities: { allowCleartextWithoutTls: true } });
});
afterAll(() => env?.close());

/** A raw connection that collects what the server sends. */
function rawClient(port, { read = true } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    let closed = false;
    const waiters = [];
    const check = () => {
      for (const w of [...waiters]) {
        if (w.test(received, closed)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(received);
        }
      }
    };
    if (!read) socket.pause();
    socket.on('data', (d) => {
      received += d.toString('latin1');
      check();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      check();
      for (const w of waiters.splice(0)) w.resolve(received);
    });
    socket.once('connect', () =>
      resolve({
        socket,
        get received() {
          return received;
        },
        get closed() {
          return closed;
        },
        send: (text) => socket.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text),
        /** Resolves with everything received once `pattern` matches (or the connection closed). */
        waitFor(pattern, timeoutMs = 5000) {
          return new Promise((res, rej) => {
            const timer = setTimeout(() => rej(new Error(`timed out waiting for ${pattern}; got ${JSON.stringify(received.slice(-300))}`)), timeoutMs);
            const w = { test: (r, c) => c || pattern.test(r), resolve: (value) => (clearTimeout(timer), res(value)) };
            waiters.push(w);
            check();
          });
        },
        waitClosed(timeoutMs = 5000) {
          return this.waitFor(/(?!)/, timeoutMs);
        },
      }),
    );
    socket.once('error', reject);
  });
}

async function loggedIn(options) {
  const c = await rawClient(env.port, options);
  c.send('USER sample\r\nPASS sample\r\n');
  if (options?.read !== false) await c.waitFor(/maildrop|\+OK.*\r\n\+OK.*\r\n\+OK/);
  return c;
}

async function serverStillServes() {
  // Every hostile session has ended (its lock released) before the next test.
  for (let i = 0; i < 100 && env.server.sessionCount > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(env.server.sessionCount).toBe(0);
  const client = await Pop3Client.connect({ host: 'localhost', port: env.implicitTlsPort, tls: 'implicit', ca: env.pki.caPem });
  await client.login({ user: 'sample', password: 'sample' });
  expect((await client.stat()).count).toBe(7);
  await client.quit();
}

afterEach(serverStillServes);

test('an overlong command line gets -ERR and the session carries on', async () => {
  const c = await rawClient(env.port);
  await c.waitFor(/^\+OK/);
  c.send(`NOOP ${'x'.repeat(5000)}\r\nCAPA\r\n`);
  const got = await c.waitFor(/\r\n\.\r\n/);
  expect(got).toMatch(/-ERR[^\r]*too long/i);
  expect(got).toContain('\r\nTOP\r\n');
  c.socket.destroy();
});

test('commands sent before the greeting was read are answered after it, in order', async () => {
  const c = await rawClient(env.port);
  c.send('CAPA\r\nUSER sample\r\nPASS sample\r\nSTAT\r\nQUIT\r\n');
  const got = await c.waitClosed();
  const lines = got.split('\r\n');
  expect(lines[0]).toMatch(/^\+OK POP3 server ready/);
  const sample = sampleMessages();
  const size = sample.reduce((total, m) => total + m.bytes.length, 0);
  expect(got).toMatch(new RegExp(`\\+OK ${sample.length} ${size}\\r\\n\\+OK[^\\r]*\\r\\n$`));
});

test('10,000 pipelined NOOPs sent without reading are all answered once the client reads', async () => {
  const c = await loggedIn();
  c.socket.pause();
  c.send('NOOP\r\n'.repeat(10_000));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = c.received.length;
  c.socket.resume();
  await c.waitFor(new RegExp(`^(?:[^]*?\\+OK\\r\\n){${10_000}}`), 20_000);
  expect(c.received.length - before).toBeGreaterThanOrEqual(10_000 * 5);
  c.socket.destroy();
});

test('a client that floods commands and never reads is held back by TCP, not buffered', async () => {
  const c = await loggedIn();
  c.socket.pause();
  const flood = Buffer.from('NOOP\r\n'.repeat(10_000_000));  // 60 MB, more than the kernel's buffers hold
  const memory = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = memory();
  c.send(flood);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  // What the server has not read stays in the client's socket: the server stopped reading.
  expect(c.socket.writableLength).toBeGreaterThan(30_000_000);
  expect(memory() - before).toBeLessThan(32 << 20);
  expect(env.server.sessionCount).toBeGreaterThanOrEqual(1);
  c.socket.destroy();
});

test('a client that asks for 100 MB of messages and never reads costs bounded memory', async () => {
  const c = await loggedIn();
  c.socket.pause();
  const memory = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = memory();
  c.send('RETR 7\r\n'.repeat(100));  // 100 x 1 MiB, pipelined
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(memory() - before).toBeLessThan(48 << 20);
  expect(env.server.sessionCount).toBe(1);
  const closed = new Promise((resolve) => env.server.on('close', resolve));
  c.socket.destroy();
  // The server wrote until the socket stopped taking bytes, then waited: what it handed to the
  // socket is what the kernel's buffers hold, not 100 MB.
  const { bytesSent } = await closed;
  expect(bytesSent).toBeGreaterThan(1 << 20);
  expect(bytesSent).toBeLessThan(24 << 20);
});

test('AUTH with garbage base64 gets -ERR', async () => {
  const c = await rawClient(env.port);
  await c.waitFor(/^\+OK/);
  c.send('AUTH PLAIN !!!not*base64!!!\r\n');
  expect(await c.waitFor(/-ERR[^\r]*\r\n/)).toMatch(/-ERR/);
  c.send('AUTH PLAIN\r\n');
  await c.waitFor(/\+ ?\r\n/);
  c.send('%%%%\r\n');
  const got = await c.waitFor(/-ERR[^]*-ERR[^\r]*\r\n/);
  expect(got.match(/-ERR/g)).toHaveLength(2);
  c.socket.destroy();
});

test('STLS after login is refused', async () => {
  const c = await loggedIn();
  c.send('STLS\r\n');
  const got = await c.waitFor(/-ERR[^\r]*\r\n/);
  expect(got.split('\r\n').at(-2)).toMatch(/^-ERR/);
  c.socket.destroy();
});

test('a NUL byte in a command line gets -ERR', async () => {
  const c = await rawClient(env.port);
  await c.waitFor(/^\+OK/);
  c.send('CA\0PA\r\n');
  expect(await c.waitFor(/-ERR[^\r]*\r\n/)).toMatch(/-ERR/);
  c.socket.destroy();
});

test('a stream of bad commands ends in a close', async () => {
  const c = await rawClient(env.port);
  c.send('BOGUS\r\n'.repeat(50));
  const got = await c.waitClosed();
  expect(c.closed).toBe(true);
  expect(got.match(/-ERR/g).length).toBeLessThanOrEqual(21);
});

test('bytes after STLS in the same write are dropped, not read as commands', async () => {
  const c = await rawClient(env.port);
  await c.waitFor(/^\+OK/);
  c.send('STLS\r\nUSER sample\r\n');
  await c.waitFor(/\+OK[^\r]*\r\n\+OK[^\r]*\r\n/);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(c.received.split('\r\n').filter(Boolean)).toHaveLength(2);  // greeting, +OK to STLS
  c.socket.destroy();
});

test('plain text on the implicit-TLS port closes the connection', async () => {
  const c = await rawClient(env.implicitTlsPort);
  c.send('USER sample\r\nPASS sample\r\n');
  await c.waitClosed();
  expect(c.closed).toBe(true);
  expect(c.received).not.toContain('+OK');
});

test('a client that disconnects mid-RETR frees the lock', async () => {
  const c = await loggedIn();
  c.send('RETR 7\r\n');
  await c.waitFor(/Line 000100/);
  c.socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
});
