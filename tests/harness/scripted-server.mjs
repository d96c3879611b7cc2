// A POP3 server of our own on 127.0.0.1 that follows a script: for edge cases a real server
// will not produce on demand (stalls, drops, malformed replies). Not a mock of the client: a
// real TCP peer whose behaviour each test spells out.
import net from 'node:net';

/**
 * @param {(socket: net.Socket, session: {lines: AsyncIterator<string>, received: string[]}) => Promise<void>|void} script
 *   runs once per connection; `lines` yields the client's command lines as they arrive.
 */
export async function startScriptedServer(script) {
  const sockets = new Set();
  const received = [];
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);  // replies leave at once, as from a real server (no Nagle stalls)
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const lines = lineIterator(socket, received);
    Promise.resolve(script(socket, { lines, received })).catch(() => socket.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: server.address().port,
    received,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function lineIterator(socket, received) {
  let buffer = '';
  const queue = [];
  const waiters = [];
  let ended = false;
  socket.on('data', (data) => {
    buffer += data.toString('latin1');
    let at;
    while ((at = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      received.push(line);
      const waiter = waiters.shift();
      waiter ? waiter({ value: line, done: false }) : queue.push(line);
    }
  });
  socket.on('close', () => {
    ended = true;
    for (const w of waiters.splice(0)) w({ value: undefined, done: true });
  });
  return {
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiters.push(resolve));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
