/**
 * Which IP addresses the bridge may connect to. A bridge on the internet must not become a way
 * into the network it runs in: unless a rule says `allowPrivate`, every address that is not a
 * public unicast address is refused - loopback, RFC 1918 and RFC 4193 private ranges, link-local,
 * CGNAT, unspecified, multicast, reserved and documentation ranges - and so are IPv6 forms that
 * embed such an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16).
 *
 * The check runs on the addresses the bridge resolved itself, and the bridge then connects to
 * exactly those addresses (relay setup passes the IP, never the name, to net.connect), so a DNS
 * answer that changes between check and connect (DNS rebinding) cannot sneak a private address in.
 */
import net from 'node:net';

// [first address, prefix length, category]; checked in order, first match wins.
const IPV4_RANGES = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'shared address space (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved (6to4 relay anycast)'],
  ['192.168.0.0', 16, 'private (RFC 1918)'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],  // includes 255.255.255.255
].map(([first, bits, category]) => ({ start: ipv4ToInt(first), bits, category }));

// IPv6 ranges whose meaning does not depend on an embedded IPv4 address.
const IPV6_RANGES = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private (local-use NAT64)'],
  ['100::', 64, 'reserved (discard-only)'],
  ['2001::', 32, 'reserved (Teredo)'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'private (unique local, RFC 4193)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'reserved (site-local)'],
  ['ff00::', 8, 'multicast'],
].map(([first, bits, category]) => ({ bytes: ipv6ToBytes(first), bits, category }));

// IPv6 prefixes that carry an IPv4 address, which then decides: [prefix, bits, offset of the IPv4 bytes].
const EMBEDDING = [
  ['::ffff:0:0', 96, 12, 'IPv4-mapped'],
  ['64:ff9b::', 96, 12, 'NAT64'],
  ['2002::', 16, 2, '6to4'],
].map(([first, bits, offset, form]) => ({ bytes: ipv6ToBytes(first), bits, offset, form }));

function ipv4ToInt(text) {
  return text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function ipv6ToBytes(text) {
  let address = text;
  const bytes = new Uint8Array(16);
  // A trailing dotted quad ("::ffff:10.0.0.1") becomes two hextets.
  const lastColon = address.lastIndexOf(':');
  if (address.includes('.', lastColon)) {
    const v4 = ipv4ToInt(address.slice(lastColon + 1));
    address = `${address.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = address.includes('::') ? address.split('::') : [address, null];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

function inPrefix(bytes, prefix, bits) {
  for (let bit = 0; bit < bits; bit += 8) {
    const mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff;
    if ((bytes[bit / 8] & mask) !== (prefix[bit / 8] & mask)) return false;
  }
  return true;
}

function classifyIpv4(value) {
  for (const range of IPV4_RANGES) {
    const size = 2 ** (32 - range.bits);
    if (value >= range.start && value < range.start + size) return { public: false, category: range.category };
  }
  return { public: true, category: 'public' };
}

/**
 * What kind of address this is.
 * @param {string} address an IPv4 or IPv6 address (an IPv6 zone id, "%eth0", is ignored)
 * @returns {{public: boolean, category: string}} `category` names the range, for close reasons
 */
export function classifyAddress(address) {
  const text = String(address).split('%')[0];
  if (net.isIPv4(text)) return classifyIpv4(ipv4ToInt(text));
  if (!net.isIPv6(text)) return { public: false, category: 'not an IP address' };
  const bytes = ipv6ToBytes(text);
  for (const embedding of EMBEDDING) {
    if (inPrefix(bytes, embedding.bytes, embedding.bits)) {
      const o = embedding.offset;
      const v4 = ((bytes[o] << 24) >>> 0) + (bytes[o + 1] << 16) + (bytes[o + 2] << 8) + bytes[o + 3];
      const inner = classifyIpv4(v4);
      return inner.public ? inner : { public: false, category: `${inner.category}, ${embedding.form}` };
    }
  }
  for (const range of IPV6_RANGES) {
    if (inPrefix(bytes, range.bytes, range.bits)) return { public: false, category: range.category };
  }
  // The rest of ::/8 holds only the deprecated IPv4-compatible and other reserved forms.
  if (bytes[0] === 0) return { public: false, category: 'reserved' };
  return { public: true, category: 'public' };
}

/**
 * Checks every resolved address. A name is refused if any of its addresses is not public:
 * a name that mixes public and private addresses is either misconfigured or an attack, and
 * connecting to "whichever works" would make the outcome depend on the network.
 * @param {{address: string, family: number}[]} addresses
 * @param {boolean} allowPrivate the matching rule's `allowPrivate`
 * @returns {{ok: true} | {ok: false, address: string, category: string}}
 */
export function checkAddresses(addresses, allowPrivate) {
  if (allowPrivate) return { ok: true };
  for (const { address } of addresses) {
    const verdict = classifyAddress(address);
    if (!verdict.public) return { ok: false, address, category: verdict.category };
  }
  return { ok: true };
}
