// A TCP proxy of ours that adds latency (no netem here): every chunk is delivered `delayMs`
// after it arrived, in order, in each direction. Used by the benchmarks (and, later, the fault
// tests) on loopback.
import net from 'node:net';

/**
 * @param {{targetHost: string, targetPort: number, delayMs: number}} options
 * @returns {Promise<{host: string, port: number, stop(): Promise<void>}>}
 */
export async function startDelayProxy({ targetHost, targetPort, delayMs }) {
  const sockets = new Set();
  const pipe = (from, to) => {
    from.on('data', (chunk) => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, delayMs);
    });
    from.on('end', () => setTimeout(() => to.end(), delayMs));
    from.on('error', () => to.destroy());
    from.on('close', () => setTimeout(() => to.destroy(), delayMs + 1));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: server.address().port,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
