// NodeTcpTransport hands over bytes that arrive before a listener is attached: in Deno, the bytes
// after a TLS handshake can arrive in the same task as the handshake's end, before the client
// that awaited the handshake has set `ondata`; a dropped greeting was a session that never began.
import net from 'node:net';

import { NodeTcpTransport } from '../../bindings/js/transports/node-tcp.js';

let server;
let port;

beforeAll(async () => {
  // Greets, sends a second line, and closes at once.
  server = net.createServer((socket) => socket.end('+OK early greeting\r\n+OK second\r\n'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

test('bytes and the close that arrive before ondata is set are delivered, in order, once it is', async () => {
  const transport = new NodeTcpTransport({ host: '127.0.0.1', port });
  await transport.open();
  await new Promise((resolve) => setTimeout(resolve, 200));  // everything has arrived by now
  const seen = [];
  transport.ondata = (bytes) => seen.push(Buffer.from(bytes).toString('latin1'));
  const closed = new Promise((resolve) => {
    transport.onclose = (error) => {
      seen.push(`close ${error ?? ''}`.trim());
      resolve();
    };
  });
  expect(seen).toEqual([]);  // handed over on a later microtask, not inside the setter
  await closed;
  expect(seen.join('')).toBe('+OK early greeting\r\n+OK second\r\nclose');
});

test('once attached, bytes go straight to the listener', async () => {
  const transport = new NodeTcpTransport({ host: '127.0.0.1', port });
  const chunks = [];
  await transport.open();
  transport.ondata = (bytes) => chunks.push(Buffer.from(bytes).toString('latin1'));
  await new Promise((resolve) => (transport.onclose = resolve));
  expect(chunks.join('')).toBe('+OK early greeting\r\n+OK second\r\n');
});
