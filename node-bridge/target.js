/**
 * Parsing of the target a client names in `?target=host:port`, and of the host:port parts of
 * allowlist rules. Validation is strict on purpose: whatever passes here is compared with the
 * allowlist, handed to the resolver and written to logs and close reasons, so it must be a
 * plain host name or IP literal and a decimal port, nothing else.
 *
 * - host names: LDH labels (letters, digits, hyphens; 1-63 characters, no leading or trailing
 *   hyphen), at most 253 characters, compared in lower case, one trailing dot dropped. A name
 *   whose last label is a number - all digits, or "0x" and hex digits - is refused: resolvers
 *   (inet_aton) read "127.1", "2130706433", "0x7f000001" or "127.0.0.0x1" as IPv4 addresses,
 *   which must only ever be written as dotted quads. (The WHATWG URL parser draws the same
 *   line: such a host "ends in a number".)
 * - IPv4: four decimal octets ("10.0.0.1"; no "010.0.0.1", no "0x7f.1").
 * - IPv6: in brackets ("[2001:db8::1]"), no zone id; kept in its canonical compressed form.
 * - port: 1-65535, decimal, no leading zeros.
 */
import net from 'node:net';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const PORT = /^[1-9][0-9]{0,4}$/;

/** A port number from its decimal text, or null. */
export function parsePort(text) {
  if (typeof text !== 'string' || !PORT.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/** The canonical text of an IPv6 address (lower case, compressed), via the WHATWG URL parser. */
function canonicalIpv6(address) {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/**
 * A host as written in a target or rule, checked and normalized.
 * @param {string} text e.g. "pop.example.com", "192.0.2.7", "[2001:db8::1]"
 * @returns {{host: string, kind: 'name' | 'ipv4' | 'ipv6'} | null} `host` is the normalized
 *   name or address, without brackets
 */
export function parseHost(text) {
  if (typeof text !== 'string' || text.length === 0 || text.length > 255) return null;
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1);
    if (!net.isIPv6(inner) || inner.includes('%')) return null;
    return { host: canonicalIpv6(inner), kind: 'ipv6' };
  }
  if (net.isIPv4(text)) {
    // net.isIPv4 already refuses octal-looking and short forms; refuse leading zeros too.
    if (text.split('.').some((octet) => octet.length > 1 && octet.startsWith('0'))) return null;
    return { host: text, kind: 'ipv4' };
  }
  let name = text.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length === 0 || name.length > 253) return null;
  const labels = name.split('.');
  if (!labels.every((label) => LABEL.test(label))) return null;
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/.test(labels[labels.length - 1])) return null;
  return { host: name, kind: 'name' };
}

/**
 * A target "host:port" (IPv6 in brackets), checked and normalized.
 * @param {string} text
 * @returns {{host: string, kind: 'name' | 'ipv4' | 'ipv6', port: number, display: string} | null}
 *   `display` is the normalized "host:port" text for logs and close reasons
 */
export function parseTarget(text) {
  if (typeof text !== 'string' || text.length > 300) return null;
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  const hostPart = text.slice(0, colon);
  // An IPv6 literal without brackets ("::1:110") is ambiguous: refuse it.
  if (!hostPart.startsWith('[') && hostPart.includes(':')) return null;
  const parsed = parseHost(hostPart);
  const port = parsePort(text.slice(colon + 1));
  if (!parsed || port === null) return null;
  return { ...parsed, port, display: formatHostPort(parsed, port) };
}

/** "host:port", with brackets around an IPv6 address. */
export function formatHostPort({ host, kind }, port) {
  return kind === 'ipv6' ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A printable, bounded rendering of text a client sent that failed validation, for a close
 * reason: control characters and anything non-ASCII become "?", and it is cut at 60 characters.
 */
export function sanitizeForReason(text) {
  const clean = String(text).replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 60 ? `${clean.slice(0, 57)}...` : clean;
}
