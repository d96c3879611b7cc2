/**
 * The address a session is accounted to (per-IP limits, logs). Directly connected clients are
 * known by their socket's peer address. Behind a reverse proxy (nginx) every socket comes from
 * the proxy, so the proxy's X-Forwarded-For is read - but only when the peer is one of the
 * configured `trustProxy` addresses, and only the right-most address the trusted proxies did
 * not add (a client can put anything it likes at the left of that header).
 */
import net from 'node:net';

/** "::ffff:192.0.2.1" (how a dual-stack listener reports IPv4 peers) -> "192.0.2.1". */
export function normalizeIp(address) {
  const text = String(address ?? '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  return mapped ? mapped[1] : text.toLowerCase();
}

/**
 * @param {import('node:http').IncomingMessage} request the upgrade request
 * @param {Set<string>} trustProxy normalized proxy addresses whose X-Forwarded-For is believed
 * @returns {string} the client's IP address
 */
export function clientAddress(request, trustProxy) {
  let address = normalizeIp(request.socket.remoteAddress);
  if (trustProxy.size === 0 || !trustProxy.has(address)) return address;
  const header = request.headers['x-forwarded-for'];
  if (typeof header !== 'string') return address;
  const hops = header.split(',').map((h) => normalizeIp(h.trim()));
  // Walk from the right: each trusted proxy appended the address it saw.
  while (hops.length > 0) {
    const hop = hops.pop();
    if (!net.isIP(hop)) return address;  // garbage: stop at the last address we could trust
    address = hop;
    if (!trustProxy.has(hop)) return address;
  }
  return address;
}

/**
 * The key of the per-IP limit: the address itself for IPv4, the /64 prefix for IPv6 (one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would limit nothing).
 */
export function limitKey(address) {
  if (!net.isIPv6(address)) return address;
  const full = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  // Expand to 8 groups to take the first four.
  const [head, tail] = full.includes('::') ? full.split('::') : [full, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return `${groups.slice(0, 4).join(':')}::/64`;
}
