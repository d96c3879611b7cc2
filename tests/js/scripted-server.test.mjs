// The JS client against scripted TCP servers on loopback: time-outs, dropped connections,
// refused sessions, and the pipelining decision seen from the server's side.
import { Pop3Client } from '../../bindings/js/node.js';
import { freePort } from '../harness/dovecot.mjs';
import { startScriptedServer } from '../harness/scripted-server.mjs';

const servers = [];
async function server(script) {
  const s = await startScriptedServer(script);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const connect = (s, options = {}) =>
  Pop3Client.connect({ host: s.host, port: s.port, tls: 'none', allowInsecureAuth: true, timeoutMs: 2000, ...options });

// Answers CAPA (with or without PIPELINING), USER and PASS; then hands over to `rest`.
function loginScript({ pipelining, rest }) {
  return async (socket, { lines }) => {
    socket.write('+OK scripted server ready\r\n');
    for await (const line of lines) {
      if (line === 'CAPA') socket.write(`+OK\r\nUSER\r\nUIDL\r\n${pipelining ? 'PIPELINING\r\n' : ''}.\r\n`);
      else if (line.startsWith('USER')) socket.write('+OK\r\n');
      else if (line.startsWith('PASS')) {
        socket.write('+OK logged in\r\n');
        break;
      }
    }
    await rest(socket, lines);
  };
}

test('a server that stops answering fails the command with TIMEOUT', async () => {
  const s = await server(loginScript({ pipelining: true, rest: async () => {} }));
  const client = await connect(s, { timeoutMs: 300 });
  await client.login({ user: 'u', password: 'p' });
  const started = Date.now();
  const error = await client.stat().catch((e) => e);
  expect(error.code).toBe('TIMEOUT');
  expect(error.command).toBe('STAT');
  expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  expect(Date.now() - started).toBeLessThan(2000);
  const after = await client.noop().catch((e) => e);
  expect(after.code).toBe('TIMEOUT');  // the session is over; the reason is kept
});

test('a slow but steady reply does not time out', async () => {
  const s = await server(
    loginScript({
      pipelining: true,
      rest: async (socket, lines) => {
        for await (const line of lines) {
          if (line === 'RETR 1') {
            socket.write('+OK\r\n');
            for (let i = 0; i < 8; i++) {
              socket.write(`line ${i}\r\n`);
              await new Promise((r) => setTimeout(r, 100));
            }
            socket.write('.\r\n');
          }
        }
      },
    }),
  );
  const client = await connect(s, { timeoutMs: 300 });
  await client.login({ user: 'u', password: 'p' });
  const body = Buffer.from(await client.retrieve(1)).toString();
  expect(body.split('\r\n').filter(Boolean)).toHaveLength(8);
  client.close();
});

test('a connection dropped in the middle of RETR fails with CONNECTION_CLOSED', async () => {
  const s = await server(
    loginScript({
      pipelining: true,
      rest: async (socket, lines) => {
        for await (const line of lines) {
          if (line === 'RETR 1') {
            socket.write('+OK\r\nSubject: cut\r\n\r\nhalf a mess');
            socket.destroy();
          }
        }
      },
    }),
  );
  const client = await connect(s);
  await client.login({ user: 'u', password: 'p' });
  const error = await client.retrieve(1).catch((e) => e);
  expect(error.code).toBe('CONNECTION_CLOSED');
  expect(error.message).toMatch(/before answering RETR/);
});

test('a negative greeting rejects connect with the server code', async () => {
  const s = await server((socket) => socket.end('-ERR [SYS/TEMP] too many sessions\r\n'));
  const error = await connect(s).catch((e) => e);
  expect(error.code).toBe('SERVER_ERROR');
  expect(error.responseCode).toBe('SYS/TEMP');
  expect(error.serverText).toBe('too many sessions');
});

test('a server that never greets times out', async () => {
  const s = await server(() => {});
  const error = await connect(s, { timeoutMs: 200 }).catch((e) => e);
  expect(error.code).toBe('TIMEOUT');
  expect(error.message).toMatch(/greeting/);
});

test('a refused connection fails with CONNECTION_FAILED', async () => {
  const port = await freePort();
  const error = await Pop3Client.connect({ host: '127.0.0.1', port, tls: 'none' }).catch((e) => e);
  expect(error.code).toBe('CONNECTION_FAILED');
});

test('an aborted connect rejects with ABORTED', async () => {
  const s = await server(() => {});
  const controller = new AbortController();
  const pending = connect(s, { signal: controller.signal, timeoutMs: 5000 });
  setTimeout(() => controller.abort(), 50);
  const error = await pending.catch((e) => e);
  expect(error.code).toBe('ABORTED');
});

// Records, for each command, how many other commands had arrived unanswered before it was read.
function countingScript({ pipelining }) {
  const observed = [];
  const script = loginScript({
    pipelining,
    rest: async (socket, lines) => {
      const queue = [];
      for await (const line of lines) {
        queue.push(line);
        observed.push(queue.length);
        // Answer later, so that a pipelining client can send more in the meantime.
        setTimeout(() => {
          const cmd = queue.shift();
          if (cmd.startsWith('NOOP')) socket.write('+OK\r\n');
        }, 20);
      }
    },
  });
  return { script, observed };
}

test('without PIPELINING the server never sees two unanswered commands', async () => {
  const { script, observed } = countingScript({ pipelining: false });
  const s = await server(script);
  const client = await connect(s);
  await client.login({ user: 'u', password: 'p' });
  await Promise.all(Array.from({ length: 5 }, () => client.noop()));
  expect(observed).toEqual([1, 1, 1, 1, 1]);
  client.close();
});

test('with PIPELINING the commands arrive as one batch', async () => {
  const { script, observed } = countingScript({ pipelining: true });
  const s = await server(script);
  const client = await connect(s);
  await client.login({ user: 'u', password: 'p' });
  await Promise.all(Array.from({ length: 5 }, () => client.noop()));
  expect(Math.max(...observed)).toBe(5);
  client.close();
});

test('with PIPELINING, PASS still waits for the reply to USER', async () => {
  // A server that answers USER late: PASS must not arrive before that reply was written, or a
  // server with Nagle's algorithm on would hold PASS's reply for our delayed ACK.
  const events = [];
  const s = await server(async (socket, { lines }) => {
    socket.write('+OK ready\r\n');
    for await (const line of lines) {
      events.push(line.split(' ')[0]);
      if (line === 'CAPA') socket.write('+OK\r\nUSER\r\nPIPELINING\r\n.\r\n');
      else if (line.startsWith('USER')) {
        setTimeout(() => {
          events.push('+OK to USER');
          socket.write('+OK\r\n');
        }, 100);
      } else if (line.startsWith('PASS')) socket.write('+OK logged in\r\n');
      else if (line === 'QUIT') socket.end('+OK bye\r\n');
    }
  });
  const client = await connect(s);
  await client.login({ user: 'u', password: 'p', method: 'user' });
  await client.quit();
  expect(events).toEqual(['CAPA', 'USER', '+OK to USER', 'PASS', 'QUIT']);
});

test('pipelining: false keeps one command at a time even when offered', async () => {
  const { script, observed } = countingScript({ pipelining: true });
  const s = await server(script);
  const client = await connect(s, { pipelining: false });
  await client.login({ user: 'u', password: 'p' });
  await Promise.all(Array.from({ length: 5 }, () => client.noop()));
  expect(observed).toEqual([1, 1, 1, 1, 1]);
  client.close();
});
