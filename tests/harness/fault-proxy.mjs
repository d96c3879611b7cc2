// A TCP proxy of ours that injects faults (no netem here): for each connection, a plan chosen by
// the test says after how many bytes, in which direction, to cut the connection or to stall it
// (stop forwarding, keep it open). Used by the sync fault-injection tests and the soak run.
import net from 'node:net';

/**
 * @param {{targetHost: string, targetPort: number, nextFault: () => ({kind: 'none'|'cut'|'stall', direction?: 'down'|'up', afterBytes?: number})}} options
 *   nextFault is asked once per accepted connection
 */
export async function startFaultProxy({ targetHost, targetPort, nextFault }) {
  const sockets = new Set();
  const stats = { connections: 0, cuts: 0, stalls: 0 };
  const server = net.createServer((client) => {
    stats.connections++;
    const fault = nextFault();
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    let triggered = false;
    const relay = (from, to, direction) => {
      let passed = 0;
      from.on('data', (chunk) => {
        if (triggered && fault.kind === 'stall') return;  // swallowed: the peer waits forever
        if (fault.kind !== 'none' && !triggered && fault.direction === direction && passed + chunk.length > fault.afterBytes) {
          triggered = true;
          const head = chunk.subarray(0, Math.max(0, fault.afterBytes - passed));
          if (head.length) to.write(head);
          if (fault.kind === 'cut') {
            stats.cuts++;
            client.destroy();
            upstream.destroy();
          } else {
            stats.stalls++;
          }
          return;
        }
        passed += chunk.length;
        to.write(chunk);
      });
      from.on('end', () => to.end());
      from.on('close', () => to.destroy());
    };
    relay(upstream, client, 'down');
    relay(client, upstream, 'up');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: server.address().port,
    stats,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
