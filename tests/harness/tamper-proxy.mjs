// A TCP proxy of ours that may rewrite the server's protocol lines on their way to the client:
// a man in the middle, for tests that a client notices tampering (SCRAM's server signature).
import net from 'node:net';

/**
 * A rewriteServerLine that flips one bit of SCRAM's server signature (the "v=" challenge): the
 * server really knows the password, but the client must no longer be able to tell.
 * `onTamper` is called for each line changed.
 */
export function flipScramServerSignature(onTamper = () => {}) {
  return (line) => {
    if (!line.startsWith('+ ')) return line;
    const decoded = Buffer.from(line.slice(2), 'base64').toString('latin1');
    if (!decoded.startsWith('v=')) return line;
    onTamper();
    const signature = Buffer.from(decoded.slice(2), 'base64');
    signature[0] ^= 1;
    return `+ ${Buffer.from(`v=${signature.toString('base64')}`).toString('base64')}`;
  };
}

/**
 * @param {{targetHost: string, targetPort: number, rewriteServerLine: (line: string) => string}} options
 *   rewriteServerLine gets each server line without CRLF (latin1) and returns its replacement
 */
export async function startTamperProxy({ targetHost, targetPort, rewriteServerLine }) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream);
    let pending = '';
    upstream.on('data', (data) => {
      pending += data.toString('latin1');
      let at;
      let out = '';
      while ((at = pending.indexOf('\r\n')) >= 0) {
        out += `${rewriteServerLine(pending.slice(0, at))}\r\n`;
        pending = pending.slice(at + 2);
      }
      if (out) client.write(Buffer.from(out, 'latin1'));
    });
    upstream.on('end', () => client.end());
    client.on('end', () => upstream.end());
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
