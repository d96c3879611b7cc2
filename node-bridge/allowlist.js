/**
 * The target allowlist: which host:port pairs clients may ask the bridge to connect to. Nothing
 * is allowed unless a rule names it; there is no "allow everything" rule.
 *
 * A rule names a host and its ports:
 *   - an exact host name ("pop.example.com") or IP literal ("192.0.2.7", "[2001:db8::1]");
 *   - "*.example.org": every name below example.org, at any depth (a.example.org,
 *     a.b.example.org), but not example.org itself; never an IP literal;
 *   - ports: an explicit list, e.g. [995, 110].
 * `allowPrivate: true` lets the rule's targets resolve to private, loopback and other
 * non-public addresses (see address-policy.js); without it they are refused even when allowed
 * here.
 *
 * Rules are written as objects ({ host, ports, allowPrivate }) or as text ("host:995,110",
 * "*.example.org:995", "[2001:db8::1]:995").
 */
import { formatHostPort, parseHost, parsePort } from './target.js';

/**
 * Parses one rule, as text or object.
 * @param {string | {host: string, ports: (number|string)[] | number, allowPrivate?: boolean}} spec
 * @param {{allowPrivate?: boolean}} [defaults] used for text rules (`--allow-private`)
 * @returns {{host: string, kind: 'name' | 'ipv4' | 'ipv6', wildcard: boolean, ports: Set<number>, allowPrivate: boolean, text: string}}
 * @throws {Error} naming the rule, when it is malformed
 */
export function parseRule(spec, defaults = {}) {
  let hostText;
  let portList;
  let allowPrivate = Boolean(defaults.allowPrivate);
  if (typeof spec === 'string') {
    const colon = spec.lastIndexOf(':');
    if (colon <= 0 || (!spec.startsWith('[') && spec.slice(0, colon).includes(':'))) {
      throw new Error(`allow rule "${spec}": expected host:port[,port...] (IPv6 in brackets)`);
    }
    hostText = spec.slice(0, colon);
    portList = spec.slice(colon + 1).split(',');
  } else if (spec && typeof spec === 'object') {
    hostText = String(spec.host ?? '');
    // Bare IPv6 addresses are unambiguous in an object rule; accept them without brackets.
    if (hostText.includes(':') && !hostText.startsWith('[')) hostText = `[${hostText}]`;
    portList = (Array.isArray(spec.ports) ? spec.ports : [spec.ports ?? spec.port]).map((p) => String(p));
    if (spec.allowPrivate !== undefined) allowPrivate = spec.allowPrivate === true;
  } else {
    throw new Error(`allow rule ${JSON.stringify(spec)}: expected "host:port" or { host, ports }`);
  }
  const label = typeof spec === 'string' ? spec : JSON.stringify(spec);
  let wildcard = false;
  if (hostText.startsWith('*.')) {
    wildcard = true;
    hostText = hostText.slice(2);
  }
  const host = parseHost(hostText);
  if (!host) throw new Error(`allow rule ${label}: "${hostText}" is not a host name or IP literal`);
  if (wildcard && host.kind !== 'name') throw new Error(`allow rule ${label}: wildcards apply to names, not IP addresses`);
  if (wildcard && !host.host.includes('.')) {
    throw new Error(`allow rule ${label}: "*.${host.host}" would allow a whole top-level domain; name a domain below it`);
  }
  const ports = new Set();
  for (const text of portList) {
    const port = parsePort(text.trim());
    if (port === null) throw new Error(`allow rule ${label}: "${text}" is not a port (1-65535)`);
    ports.add(port);
  }
  if (ports.size === 0) throw new Error(`allow rule ${label}: no ports`);
  const shown = `${wildcard ? '*.' : ''}${formatHostPort(host, [...ports].join(','))}`;
  return { host: host.host, kind: host.kind, wildcard, ports, allowPrivate, text: shown };
}

export class Allowlist {
  #rules;

  /** @param {ReturnType<typeof parseRule>[]} rules */
  constructor(rules) {
    this.#rules = rules;
  }

  /** The rules in text form ("host:ports", with " (private allowed)"), for startup logs. */
  describe() {
    return this.#rules.map((r) => `${r.text}${r.allowPrivate ? ' (private allowed)' : ''}`);
  }

  get size() {
    return this.#rules.length;
  }

  /**
   * The verdict for a parsed target (see target.js parseTarget).
   * @returns {{allowed: false} | {allowed: true, allowPrivate: boolean, rule: string}}
   *   `allowPrivate` is true when any matching rule allows private addresses
   */
  match(target) {
    const matching = this.#rules.filter((rule) => rule.ports.has(target.port) && hostMatches(rule, target));
    if (matching.length === 0) return { allowed: false };
    return {
      allowed: true,
      allowPrivate: matching.some((r) => r.allowPrivate),
      rule: matching[0].text,
    };
  }
}

function hostMatches(rule, target) {
  if (!rule.wildcard) return rule.kind === target.kind && rule.host === target.host;
  return target.kind === 'name' && target.host.endsWith(`.${rule.host}`);
}
