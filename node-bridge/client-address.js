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
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

// The eight 16-bit groups of an IPv6 address, '::' expanded (as the URL parser normalizes it).
function ipv6Groups(address) {
  const full = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = full.includes('::') ? full.split('::') : [full, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
}

/**
 * The key of the per-prefix limits: the address's network, /24 for IPv4 and /56 for IPv6 by
 * default. One attacker commonly holds many addresses of one network, so limits per address
 * alone let a few dozen networks fill the global limits. Addresses in `perAddressNetworks`
 * (large NATs, CGNAT pools: many users behind one network) are each a network of their own.
 * @param {string} address a normalized address
 * @param {{ipv4Prefix: number, ipv6Prefix: number, perAddressNetworks?: net.BlockList | null}} bits
 */
export function prefixKey(address, { ipv4Prefix, ipv6Prefix, perAddressNetworks = null }) {
  if (perAddressNetworks && net.isIP(address) && perAddressNetworks.check(address, net.isIPv4(address) ? 'ipv4' : 'ipv6')) return limitKey(address);
  if (net.isIPv4(address)) {
    const value = address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
    const size = 2 ** (32 - ipv4Prefix);
    const base = Math.floor(value / size) * size;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join('.')}/${ipv4Prefix}`;
  }
  if (!net.isIPv6(address)) return address;
  const value = ipv6Groups(address).reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
  const base = (value >> BigInt(128 - ipv6Prefix)) << BigInt(128 - ipv6Prefix);
  const out = [];
  for (let i = 7; i >= 0; i--) out.push(((base >> BigInt(i * 16)) & 0xffffn).toString(16));
  return `${out.join(':')}/${ipv6Prefix}`;
}
