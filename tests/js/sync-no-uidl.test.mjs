// sync() with a server that has no UIDL (a scripted POP3 server of ours: Dovecot always offers
// UIDL). Messages are keyed by the core from a digest of their headers and size ("hdr:" keys);
// two messages with the same headers and size are both kept, and a second sync fetches nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { syncAccount } from '../../bindings/js/node.js';
import { MaildirStore } from '../../bindings/js/stores/maildir-store.js';
import { startScriptedServer } from '../harness/scripted-server.mjs';

const messages = [
  'Subject: one\r\nMessage-ID: <1@x>\r\n\r\nfirst\r\n',
  'Subject: twin\r\nMessage-ID: <2@x>\r\n\r\nsame headers, same size A\r\n',
  'Subject: twin\r\nMessage-ID: <2@x>\r\n\r\nsame headers, same size B\r\n',
  'Subject: three\r\nMessage-ID: <3@x>\r\n\r\n.dot-stuffed line\r\n',
];
const stuffed = (text) => text.replace(/^\./gm, '..');
const headersOf = (text) => text.slice(0, text.indexOf('\r\n\r\n') + 4);

// USER/PASS, LIST, TOP n 0, RETR, QUIT; no CAPA (so the client asks UIDL, which fails) and no UIDL.
function noUidlServer() {
  return startScriptedServer(async (socket, { lines }) => {
    socket.write('+OK no-UIDL server ready\r\n');
    for await (const line of lines) {
      const [verb, arg] = line.split(' ');
      const n = Number(arg);
      if (verb === 'USER' || verb === 'PASS' || verb === 'NOOP') socket.write('+OK\r\n');
      else if (verb === 'LIST') socket.write(`+OK\r\n${messages.map((m, i) => `${i + 1} ${m.length}\r\n`).join('')}.\r\n`);
      else if (verb === 'TOP') socket.write(`+OK\r\n${stuffed(headersOf(messages[n - 1]))}.\r\n`);
      else if (verb === 'RETR') socket.write(`+OK\r\n${stuffed(messages[n - 1])}.\r\n`);
      else if (verb === 'QUIT') {
        socket.end('+OK bye\r\n');
        return;
      } else socket.write('-ERR not here\r\n');
    }
  });
}

let work;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-no-uidl-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('without UIDL, messages are keyed by their headers, twins are both kept, and nothing is fetched twice', async () => {
  const server = await noUidlServer();
  const store = await MaildirStore.open(path.join(work, 'maildir'));
  try {
    const options = { host: server.host, port: server.port, tls: 'none', allowInsecureAuth: true, timeoutMs: 5000 };
    const credentials = { user: 'u', password: 'p', method: 'user' };
    const first = await syncAccount(options, credentials, store, { retention: 'keep' });
    expect(first.fetched).toBe(4);
    expect(first.warnings).toHaveLength(1);  // the twins share a key base
    const stored = await store.list();
    const keys = stored.map((m) => m.key).sort();
    expect(keys.every((k) => /^hdr:[0-9a-f]{40}(#2)?$/.test(k))).toBe(true);
    expect(keys.filter((k) => k.endsWith('#2'))).toHaveLength(1);
    const bodies = (await Promise.all(stored.map((m) => m.read()))).map((b) => Buffer.from(b).toString('latin1')).sort();
    expect(bodies).toEqual([...messages].sort());
    const second = await syncAccount(options, credentials, store, { retention: 'keep' });
    expect(second.fetched).toBe(0);
  } finally {
    await store.close();
    await server.stop();
  }
});
