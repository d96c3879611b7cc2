// Transports hand over bytes that arrive before a listener is attached: in Deno, the bytes after a
// TLS handshake can arrive in the same task as the handshake's end, and `ws` can emit `open` and a
// first message from one TCP read, both before the client that awaited open() has set `ondata`.
// A dropped greeting was a session that waited for it until its time-out.
import net from 'node:net';

import { WebSocketServer } from 'ws';

import { WebSocketTransport } from '../../bindings/js/node.js';
import { NodeTcpTransport } from '../../bindings/js/transports/node-tcp.js';

const GREETING = '+OK early greeting\r\n+OK second\r\n';
let tcpServer;
let wsServer;

beforeAll(async () => {
  // Each greets, sends a second line, and closes at once.
  tcpServer = net.createServer((socket) => socket.end(GREETING));
  await new Promise((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
  wsServer = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wsServer.on('connection', (socket) => {
    socket.send(Buffer.from(GREETING.slice(0, 20)));
    socket.send(Buffer.from(GREETING.slice(20)));
    socket.close(1000);
  });
  await new Promise((resolve) => wsServer.once('listening', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => tcpServer.close(resolve));
  await new Promise((resolve) => wsServer.close(resolve));
});

const transports = {
  'NodeTcpTransport': () => new NodeTcpTransport({ host: '127.0.0.1', port: tcpServer.address().port }),
  'WebSocketTransport': () =>
    new WebSocketTransport({ bridge: `ws://127.0.0.1:${wsServer.address().port}/`, host: 'pop.example', port: 995 }),
};

describe.each(Object.keys(transports))('%s', (name) => {
  test('bytes and the close that arrive before ondata is set are delivered, in order, once it is', async () => {
    const transport = transports[name]();
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
    expect(seen.join('')).toBe(`${GREETING}close`);
  });

  test('once attached, bytes go straight to the listener', async () => {
    const transport = transports[name]();
    const chunks = [];
    await transport.open();
    transport.ondata = (bytes) => chunks.push(Buffer.from(bytes).toString('latin1'));
    await new Promise((resolve) => (transport.onclose = resolve));
    expect(chunks.join('')).toBe(GREETING);
  });
});
