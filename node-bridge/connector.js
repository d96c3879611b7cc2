/**
 * Opens the TCP connection to a target, to the addresses the resolver returned and the address
 * policy accepted, in order, until one answers or the deadline passes. Only IP addresses reach
 * net.connect, so nothing is resolved again here (no DNS-rebinding window).
 *
 * Reads from targets are Node's own: a fresh buffer per read (up to 64 KiB) that the relay sends
 * on as one WebSocket message without copying. An earlier design read into one shared 256 KiB
 * buffer and copied each read out, for a quarter of the messages; but the copies went to freshly
 * allocated memory, page faults and all (a third of the bridge's busy time in the 20 x 5 MB
 * profile), and the client had to join every 256 KiB message from its own 64 KiB socket reads.
 * Measured side by side, the two cost the same CPU within the noise of a busy machine; this one
 * is simpler and holds nothing per connection. See docs/bridge.md, "Throughput: where the time
 * goes".
 */
import net from 'node:net';

export class ConnectError extends Error {}

/**
 * @param {{address: string, family: number}[]} addresses already checked
 * @param {number} port
 * @param {{deadline: number, signal?: AbortSignal}} options `deadline` as a Date.now() value
 * @returns {Promise<{socket: net.Socket, address: string, onData(handler: (chunk: Buffer) => void): void}>}
 *   the socket emits no 'data' events: its bytes go to the `onData` handler (those that arrive
 *   before it is set wait for it)
 * @throws {ConnectError} naming the last failure
 */
export async function connectToTarget(addresses, port, { deadline, signal }) {
  let lastError = 'no address';
  for (const { address, family } of addresses) {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || signal?.aborted) break;
    try {
      const reader = { handler: null, pending: [] };
      const socket = await connectOnce(address, family, port, remaining, signal, (chunk) => {
        if (reader.handler) reader.handler(chunk);
        else reader.pending.push(chunk);
      });
      const onData = (handler) => {
        reader.handler = handler;
        for (const chunk of reader.pending.splice(0)) handler(chunk);
      };
      return { socket, address, onData };
    } catch (err) {
      lastError = err.message;
    }
  }
  if (signal?.aborted) throw new ConnectError('aborted');
  if (deadline - Date.now() <= 0 && lastError === 'no address') lastError = 'timed out';
  throw new ConnectError(lastError);
}

function connectOnce(address, family, port, timeoutMs, signal, onChunk) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: address, family, port, noDelay: true,
    });
    socket.on('data', onChunk);
    const done = (err) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      socket.removeListener('connect', onConnect);
      if (err) {
        socket.destroy();
        reject(err);
      }
    };
    const onConnect = () => {
      done();
      resolve(socket);
    };
    const onAbort = () => done(new ConnectError('aborted'));
    const timer = setTimeout(() => done(new ConnectError('timed out')), timeoutMs);
    socket.once('connect', onConnect);
    const onError = (err) => done(new ConnectError(err.code ?? err.message));
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
