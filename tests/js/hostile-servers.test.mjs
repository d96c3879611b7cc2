// Hostile and broken servers, scripted on raw sockets: every one must end in a typed Pop3Error
// within its time-out, with bounded memory, and the library must work for the next session.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

import { Pop3Client, loadCore } from '../../bindings/js/node.js';
import { startScriptedServer } from '../harness/scripted-server.mjs';
import { testPki } from '../harness/test-pki.mjs';

const pki = testPki();
const TIMEOUT = 400;
const b64 = (s) => Buffer.from(s).toString('base64');

// A well-behaved login, then `rest` takes over.
const afterLogin = (rest, { capa = 'USER\r\nPIPELINING\r\nUIDL\r\nTOP\r\n' } = {}) => async (socket, { lines }) => {
  socket.write('+OK ready <1.2@host>\r\n');
  for await (const line of lines) {
    if (line === 'CAPA') socket.write(`+OK\r\n${capa}.\r\n`);
    else if (line.startsWith('USER')) socket.write('+OK\r\n');
    else if (line.startsWith('PASS')) {
      socket.write('+OK logged in\r\n');
      break;
    }
  }
  await rest(socket, lines);
};

// Answers the first command matching `pattern` with `reply` (a string, or a function of socket).
const onCommand = (pattern, reply) =>
  afterLogin(async (socket, lines) => {
    for await (const line of lines) {
      if (pattern.test(line)) {
        if (typeof reply === 'function') await reply(socket);
        else socket.write(reply);
      }
    }
  });

const drip = (socket, text, everyMs) =>
  new Promise((resolve) => {
    let i = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || i >= text.length) {
        clearInterval(timer);
        resolve();
        return;
      }
      socket.write(text[i++]);
    }, everyMs);
    socket.on('close', () => clearInterval(timer));
  });

const flood = (socket, chunk) => {
  const write = () => {
    while (!socket.destroyed && socket.write(chunk));
  };
  socket.on('drain', write);
  write();
};

const login = (client) => client.login({ user: 'u', password: 'p', method: 'user' });

// Each case: the server's script, what the client does, the error code it must get.
const cases = [
  ['an endless greeting without CRLF', (s) => flood(s, Buffer.alloc(65536, 0x41)), (c) => c(), 'LINE_TOO_LONG'],
  ['NUL bytes in the greeting', (s) => s.write('+OK hello\0world\r\n'), (c) => c(), 'PROTOCOL_VIOLATION'],
  ['a greeting that is not a status line', (s) => s.write('HELLO THERE\r\n'), (c) => c(), 'PROTOCOL_VIOLATION'],
  ['a negative greeting', (s) => s.end('-ERR [SYS/PERM] go away\r\n'), (c) => c(), 'SERVER_ERROR'],
  ['a greeting dripped one byte at a time', (s) => drip(s, '+OK slow server ready\r\n', 200), (c) => c(), 'TIMEOUT'],
  ['silence after the greeting', (s) => s.write('+OK ready\r\n'), (c) => c(), 'TIMEOUT'],
  ['a status line over every limit', onCommand(/^STAT/, `+OK ${'9'.repeat(100_000)}\r\n`), async (c) => { const x = await c(); await login(x); return x.stat(); }, 'LINE_TOO_LONG'],
  ['a multi-line reply that never ends', onCommand(/^RETR/, (s) => { s.write('+OK\r\n'); flood(s, Buffer.from('x'.repeat(1000) + '\r\n')); }),
    async (c) => { const x = await c({ limits: { maxMessageBytes: 1 << 20 } }); await login(x); return x.retrieve(1); }, 'REPLY_TOO_LARGE'],
  ['a body dripped one byte a second', onCommand(/^RETR/, (s) => drip(s, '+OK\r\nSubject: slow\r\n\r\nbody\r\n.\r\n', 300)),
    async (c) => { const x = await c(); await login(x); return x.retrieve(1); }, 'TIMEOUT'],
  ['bare LF line ends in a body', onCommand(/^RETR/, '+OK\nSubject: lf\n\nbody\n.\n'),
    async (c) => { const x = await c(); await login(x); return x.retrieve(1); }, 'TIMEOUT'],
  ['a listing bigger than the limit', onCommand(/^UIDL/, (s) => { s.write('+OK\r\n'); let n = 0; while (n < 20000) s.write(`${++n} uid-${n}\r\n`); }),
    async (c) => { const x = await c({ limits: { maxListingBytes: 50_000 } }); await login(x); return x.uidl(); }, 'REPLY_TOO_LARGE'],
  ['lying LIST sizes and a huge RETR', onCommand(/^(LIST|RETR)/, (s) => { s.write('+OK\r\n'); flood(s, Buffer.from('y'.repeat(4000) + '\r\n')); }),
    async (c) => { const x = await c({ limits: { maxMessageBytes: 100_000 } }); await login(x); return x.retrieve(1); }, 'REPLY_TOO_LARGE'],
  ['a RETR that never ends after LIST declared 100 octets', afterLogin(async (s, lines) => {
    for await (const line of lines) {
      if (line === 'LIST') s.write('+OK\r\n1 100\r\n.\r\n');
      else if (line.startsWith('UIDL')) s.write('-ERR no UIDL\r\n');
      else if (line.startsWith('RETR')) { s.write('+OK\r\n'); flood(s, Buffer.from(`${'w'.repeat(998)}\r\n`)); }
    }
  }), async (c) => { const x = await c(); await login(x); await x.list(); return x.retrieve(1); }, 'PROTOCOL_VIOLATION'],
  ['an invalid UID in UIDL', onCommand(/^UIDL/, '+OK\r\n1 bad\x01uid\r\n.\r\n'), async (c) => { const x = await c(); await login(x); return x.uidl(); }, 'PROTOCOL_VIOLATION'],
  ['LIST n answering about another message', onCommand(/^LIST 1/, '+OK 2 100\r\n'), async (c) => { const x = await c(); await login(x); return x.list(1); }, 'PROTOCOL_VIOLATION'],
  ['a STAT with absurd numbers', onCommand(/^STAT/, '+OK 99999999999999999999 1\r\n'), async (c) => { const x = await c(); await login(x); return x.stat(); }, 'PROTOCOL_VIOLATION'],
  ['a malformed response code', onCommand(/^DELE/, '-ERR [IN-USE no closing bracket\r\n'),
    async (c) => { const x = await c(); await login(x); return x.delete(1); }, 'SERVER_ERROR'],
  ['a reply to a command never sent', afterLogin(async (s) => s.write('+OK surprise\r\n')), async (c) => { const x = await c(); await login(x); return x.noop(); }, 'PROTOCOL_VIOLATION'],
  ['a SASL challenge in reply to STAT', onCommand(/^STAT/, '+ Y2hhbGxlbmdl\r\n'), async (c) => { const x = await c(); await login(x); return x.stat(); }, 'PROTOCOL_VIOLATION'],
  ['a SASL challenge that is not base64', async (s, { lines }) => {
    s.write('+OK ready\r\n');
    for await (const line of lines) {
      if (line === 'CAPA') s.write('+OK\r\nSASL CRAM-MD5\r\n.\r\n');
      else if (line.startsWith('AUTH')) s.write('+ !!! not base64 !!!\r\n');
      else if (line === '*') s.write('-ERR cancelled\r\n');
    }
  }, async (c) => { const x = await c(); return x.login({ user: 'u', password: 'p', mechanisms: ['CRAM-MD5'] }); }, 'PROTOCOL_VIOLATION'],
  ['a SCRAM iteration count meant to freeze the client', async (s, { lines }) => {
    s.write('+OK ready\r\n');
    for await (const line of lines) {
      if (line === 'CAPA') s.write('+OK\r\nSASL SCRAM-SHA-256\r\n.\r\n');
      else if (line.startsWith('AUTH')) {
        const nonce = /r=([^,]+)/.exec(Buffer.from(line.split(' ')[2], 'base64').toString())[1];
        s.write(`+ ${b64(`r=${nonce}xyz,s=${b64('salt')},i=4000000000`)}\r\n`);
      } else if (line === '*') s.write('-ERR cancelled\r\n');
    }
  }, async (c) => { const x = await c(); return x.login({ user: 'u', password: 'p', mechanisms: ['SCRAM-SHA-256'] }); }, 'PROTOCOL_VIOLATION'],
  ['an APOP login without a timestamp', (s) => s.write('+OK no timestamp here\r\n'), async (c) => { const x = await c({ capa: false }); return x.login({ user: 'u', password: 'p', method: 'apop' }); }, 'NO_AUTH_METHOD'],
  ['STLS answered with -ERR', async (s, { lines }) => {
    s.write('+OK ready\r\n');
    for await (const line of lines) {
      if (line === 'CAPA') s.write('+OK\r\nSTLS\r\n.\r\n');
      else if (line === 'STLS') s.write('-ERR no TLS today\r\n');
    }
  }, (c) => c({ tls: 'starttls', tlsEngine: 'wasm', ca: pki.caPem, host: 'localhost' }), 'TLS_UNAVAILABLE'],
  ['plaintext injected after STLS +OK', async (s, { lines }) => {
    s.write('+OK ready\r\n');
    for await (const line of lines) {
      if (line === 'CAPA') s.write('+OK\r\nSTLS\r\n.\r\n');
      else if (line === 'STLS') s.write('+OK go ahead\r\n+OK injected\r\n');
    }
  }, (c) => c({ tls: 'starttls', tlsEngine: 'wasm', ca: pki.caPem, host: 'localhost' }), 'UNEXPECTED_DATA'],
  ['TLS bytes that are not TLS', (s) => s.write(Buffer.from('+OK this is not a TLS server\r\n')),
    (c) => c({ tls: 'implicit', tlsEngine: 'wasm', ca: pki.caPem, host: 'localhost' }), 'TLS_HANDSHAKE_FAILED'],
];

// Disconnects in the middle of every kind of reply.
const cuts = [
  ['the greeting', (s) => s.end('+OK half a gree'), (c) => c()],
  ['the CAPA listing', async (s, { lines }) => { s.write('+OK ready\r\n'); for await (const l of lines) if (l === 'CAPA') s.end('+OK\r\nUSER\r\nPIPEL'); }, (c) => c()],
  ['a USER reply', async (s, { lines }) => { s.write('+OK ready\r\n'); for await (const l of lines) { if (l === 'CAPA') s.write('+OK\r\nUSER\r\n.\r\n'); if (l.startsWith('USER')) s.end('+O'); } }, async (c) => login(await c())],
  ['a STAT reply', onCommand(/^STAT/, (s) => s.end('+OK 3 ')), async (c) => { const x = await c(); await login(x); return x.stat(); }],
  ['a LIST listing', onCommand(/^LIST/, (s) => s.end('+OK\r\n1 100\r\n2 2')), async (c) => { const x = await c(); await login(x); return x.list(); }],
  ['a UIDL listing', onCommand(/^UIDL/, (s) => s.end('+OK\r\n1 abc\r\n')), async (c) => { const x = await c(); await login(x); return x.uidl(); }],
  ['a RETR body', onCommand(/^RETR/, (s) => s.end('+OK\r\nSubject: cut\r\n\r\nhalf')), async (c) => { const x = await c(); await login(x); return x.retrieve(1); }],
  ['a TOP body', onCommand(/^TOP/, (s) => s.end('+OK\r\nSubject: cut\r\n')), async (c) => { const x = await c(); await login(x); return x.top(1, 0); }],
  ['a DELE reply', onCommand(/^DELE/, (s) => s.end('')), async (c) => { const x = await c(); await login(x); return x.delete(1); }],
  ['the QUIT reply', onCommand(/^QUIT/, (s) => s.end('+OK bye but')), async (c) => { const x = await c(); await login(x); return x.quit(); }],
  ['a SASL exchange', async (s, { lines }) => { s.write('+OK ready\r\n'); for await (const l of lines) { if (l === 'CAPA') s.write('+OK\r\nSASL CRAM-MD5\r\n.\r\n'); if (l.startsWith('AUTH')) s.end(`+ ${b64('<1.2@x>').slice(0, 5)}`); } },
    async (c) => (await c()).login({ user: 'u', password: 'p', mechanisms: ['CRAM-MD5'] })],
];

const servers = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function serve(script) {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server;
}

async function expectTypedError(script, clientAction, code) {
  const server = await serve(script);
  const connect = (extra = {}) =>
    Pop3Client.connect({ host: server.host, port: server.port, tls: 'none', allowInsecureAuth: true, timeoutMs: TIMEOUT, minBytesPerSecond: 16, ...extra });
  const started = Date.now();
  const outcome = await Promise.resolve()
    .then(() => clientAction(connect))
    .then(() => null, (error) => error);
  const elapsed = Date.now() - started;
  expect(outcome).not.toBeNull();
  expect(outcome.name).toBe('Pop3Error');
  expect(outcome.code).toBe(code);
  expect(elapsed).toBeLessThan(TIMEOUT * 6);  // within its time-out, never a hang
  await server.stop();
}

// A plain, well-behaved server: the library must still work after each hostile one.
async function stillWorks() {
  const server = await serve(onCommand(/^STAT/, '+OK 1 42\r\n'));
  const client = await Pop3Client.connect({ host: server.host, port: server.port, tls: 'none', allowInsecureAuth: true, timeoutMs: 2000 });
  await login(client);
  expect(await client.stat()).toEqual({ count: 1, size: 42 });
  client.close();
}

test.each(cases.map(([name, ...rest]) => [`${name} ends in ${rest[2]}`, ...rest]))('%s', async (_, script, clientAction, code) => {
  await expectTypedError(script, clientAction, code);
  await stillWorks();
});

test.each(cuts)('a disconnect in the middle of %s ends in CONNECTION_CLOSED', async (_, script, clientAction) => {
  await expectTypedError(script, clientAction, 'CONNECTION_CLOSED');
  await stillWorks();
});

test('a TLS server that sends a forged record mid-session ends in TLS_ERROR', async () => {
  const raw = [];
  const server = tls.createServer({ cert: readFileSync(pki.server.certFile), key: readFileSync(pki.server.keyFile) });
  server.on('connection', (socket) => raw.push(socket));
  server.on('secureConnection', (socket) => {
    socket.write('+OK TLS ready\r\n');
    // Under the TLS layer, an application-data record that no key produced: what a man in the
    // middle injecting bytes would send. The client's engine must refuse it, not pass it on.
    socket.on('data', () => raw.at(-1).write(Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20, ...Buffer.alloc(32, 0x41)])));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = await Pop3Client.connect({
      host: 'localhost', port: server.address().port, tls: 'implicit', tlsEngine: 'wasm', ca: pki.caPem, timeoutMs: TIMEOUT, capa: false,
    });
    const error = await client.refreshCapabilities().catch((e) => e);
    expect(error.name).toBe('Pop3Error');
    expect(error.code).toBe('TLS_ERROR');
  } finally {
    for (const socket of raw) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  await stillWorks();
});

// Measured within the test, whatever ran before it: 32 MiB of a never-ending reply stream
// through the WASM module until the message limit stops it, and the heap must not grow with it
// (bodies pass through in chunks; they are collected in JS, not in WASM memory).
test('the WASM heap stays bounded while a flood streams through it', async () => {
  const core = await loadCore();
  const before = core.HEAPU8.length;
  const limit = 32 * 1024 * 1024;
  await expectTypedError(
    onCommand(/^RETR/, (s) => { s.write('+OK\r\n'); flood(s, Buffer.from(`${'z'.repeat(4000)}\r\n`)); }),
    async (c) => { const x = await c({ limits: { maxMessageBytes: limit } }); await login(x); return x.retrieve(1); },
    'REPLY_TOO_LARGE',
  );
  expect(core.HEAPU8.length - before).toBeLessThan(limit / 4);
});
