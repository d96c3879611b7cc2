// Message bytes leave the core as places in the network chunk it was fed, and the client hands
// out views of that chunk (bindings/js/client/body-spans.js): the bytes must come out whole
// wherever the network splits them, and what retrieve() returns must be the caller's own.
import { Pop3Client } from '../../bindings/js/node.js';
import { startScriptedServer } from '../harness/scripted-server.mjs';

const servers = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Logs in (no CAPA: one command at a time), then answers each "RETR n" with replies[n - 1]: an
// array of pieces written apart, so that each tends to arrive in a read of its own.
async function serve(replies) {
  const s = await startScriptedServer(async (socket, { lines }) => {
    socket.write('+OK ready\r\n');
    for await (const line of lines) {
      if (line === 'CAPA') socket.write('-ERR no CAPA\r\n');
      else if (line.startsWith('USER') || line.startsWith('PASS')) socket.write('+OK\r\n');
      else if (line.startsWith('RETR ')) {
        for (const piece of replies[Number(line.slice(5)) - 1]) {
          socket.write(piece);
          await pause(15);
        }
      } else if (line === 'QUIT') socket.end('+OK bye\r\n');
    }
  });
  servers.push(s);
  const client = await Pop3Client.connect({ host: s.host, port: s.port, tls: 'none', allowInsecureAuth: true, timeoutMs: 5000 });
  await client.login({ user: 'u', password: 'p', method: 'user' });
  return client;
}

// Split where the core must carry state from one chunk to the next: a stuffed dot alone, ".\r"
// followed by content in the next chunk (the one byte the core holds back), the terminator
// split after its CR and after its dot.
const SPLIT = ['+OK\r\nfirst\r\n.', '.stuffed\r\n.\r', 'cr kept\r\nlast\r', '\n.', '\r', '\n'];
const MESSAGE = 'first\r\n.stuffed\r\n\rcr kept\r\nlast\r\n';

test('retrieve() and retrieveStream() rebuild a body split at every awkward point', async () => {
  const client = await serve([SPLIT, SPLIT]);
  expect(Buffer.from(await client.retrieve(1)).toString('latin1')).toBe(MESSAGE);
  const chunks = [];
  for await (const chunk of client.retrieveStream(2)) chunks.push(chunk);
  expect(Buffer.concat(chunks).toString('latin1')).toBe(MESSAGE);
  await client.quit();
});

test('messages that arrive in one network read come out as separate arrays of their own', async () => {
  const both = '+OK\r\nmessage one\r\n.\r\n+OK\r\nmessage two\r\n.\r\n';
  const client = await serve([[both], []]);
  // Both replies come in the first reply's write; the second RETR is answered by it.
  const [one, two] = await Promise.all([client.retrieve(1), client.retrieve(2)]);
  expect(Buffer.from(one).toString()).toBe('message one\r\n');
  expect(Buffer.from(two).toString()).toBe('message two\r\n');
  for (const bytes of [one, two]) {
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);  // not a view of the network read
  }
  one.fill(0x21);
  expect(Buffer.from(two).toString()).toBe('message two\r\n');
  await client.quit();
});
