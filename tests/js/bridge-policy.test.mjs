// The bridge's decisions on their own: which addresses are public, how targets and allowlist
// rules are read, and how the configuration file becomes options. These are the rules an
// operator relies on, so each case is one a reader of docs/bridge.md would ask about.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { classifyAddress, configToOptions, createBridge, parseRule, parseTarget, readConfigFile } from '../../node-bridge/index.js';
import { Allowlist } from '../../node-bridge/allowlist.js';
import { clientAddress, limitKey } from '../../node-bridge/client-address.js';

describe('address policy', () => {
  test.each([
    ['127.0.0.1', 'loopback'], ['127.255.255.254', 'loopback'], ['10.0.0.1', 'private (RFC 1918)'],
    ['172.16.0.1', 'private (RFC 1918)'], ['172.31.255.255', 'private (RFC 1918)'], ['192.168.1.1', 'private (RFC 1918)'],
    ['169.254.169.254', 'link-local'], ['100.64.0.1', 'shared address space (CGNAT)'], ['100.127.255.255', 'shared address space (CGNAT)'],
    ['0.0.0.0', 'unspecified'], ['224.0.0.1', 'multicast'], ['239.255.255.250', 'multicast'], ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'documentation'], ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'], ['::', 'unspecified'], ['fc00::1', 'private (unique local, RFC 4193)'], ['fd12:3456::1', 'private (unique local, RFC 4193)'],
    ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'], ['ff02::1', 'multicast'], ['2001:db8::1', 'documentation'],
    ['::ffff:127.0.0.1', 'loopback, IPv4-mapped'], ['::ffff:7f00:1', 'loopback, IPv4-mapped'], ['::ffff:10.1.2.3', 'private (RFC 1918), IPv4-mapped'],
    ['::ffff:169.254.169.254', 'link-local, IPv4-mapped'], ['64:ff9b::a00:1', 'private (RFC 1918), NAT64'], ['2002:c0a8:101::1', 'private (RFC 1918), 6to4'],
    ['::127.0.0.1', 'reserved'],
  ])('%s is not public: %s', (address, category) => {
    expect(classifyAddress(address)).toEqual({ public: false, category });
  });

  test.each([['93.184.216.34'], ['8.8.8.8'], ['172.32.0.1'], ['100.128.0.1'], ['2606:2800:220:1::1'], ['::ffff:93.184.216.34'], ['64:ff9b::808:808']])(
    '%s is public',
    (address) => expect(classifyAddress(address)).toEqual({ public: true, category: 'public' }),
  );
});

describe('targets', () => {
  test('names are lower-cased and lose one trailing dot; IPv6 takes its canonical form', () => {
    expect(parseTarget('POP.Example.COM.:995')).toMatchObject({ host: 'pop.example.com', kind: 'name', port: 995, display: 'pop.example.com:995' });
    expect(parseTarget('[2001:DB8:0::1]:995')).toMatchObject({ host: '2001:db8::1', kind: 'ipv6', display: '[2001:db8::1]:995' });
    expect(parseTarget('192.0.2.7:110')).toMatchObject({ host: '192.0.2.7', kind: 'ipv4' });
  });
  test.each([['010.0.0.1:110'], ['0x7f.0.0.1:110'], ['1.2.3:110'], ['a_b.example:110'], [`${'a'.repeat(64)}.example:110`], ['[::ffff:1.2.3.4]:+1']])(
    '%j is refused',
    (text) => expect(parseTarget(text)).toBeNull(),
  );
});

describe('allowlist rules', () => {
  const list = new Allowlist([
    parseRule('pop.example.com:995,110'),
    parseRule('*.example.org:995'),
    parseRule({ host: 'localhost', ports: [110], allowPrivate: true }),
    parseRule('[2001:db8::1]:995'),
    parseRule('192.0.2.7:995', { allowPrivate: true }),
  ]);
  const verdict = (text) => list.match(parseTarget(text));

  test('exact names, each listed port only', () => {
    expect(verdict('pop.example.com:995')).toEqual({ allowed: true, allowPrivate: false, rule: 'pop.example.com:995,110' });
    expect(verdict('POP.EXAMPLE.COM:110').allowed).toBe(true);
    expect(verdict('pop.example.com:143').allowed).toBe(false);
    expect(verdict('imap.example.com:995').allowed).toBe(false);
  });
  test('a wildcard covers subdomains at any depth, never the domain itself nor look-alikes', () => {
    expect(verdict('a.example.org:995').allowed).toBe(true);
    expect(verdict('a.b.example.org:995').allowed).toBe(true);
    expect(verdict('example.org:995').allowed).toBe(false);
    expect(verdict('badexample.org:995').allowed).toBe(false);
    expect(verdict('example.org.evil.example:995').allowed).toBe(false);
  });
  test('allowPrivate belongs to the rule that says so', () => {
    expect(verdict('localhost:110')).toMatchObject({ allowed: true, allowPrivate: true });
    expect(verdict('192.0.2.7:995')).toMatchObject({ allowed: true, allowPrivate: true });
  });
  test('IP literals match only the same literal, in any spelling', () => {
    expect(verdict('[2001:0db8:0:0::1]:995').allowed).toBe(true);
    expect(verdict('[2001:db8::2]:995').allowed).toBe(false);
  });
  test.each([
    ['*:995', /not a host name/], ['*.com:995', /whole top-level domain/], ['pop.example.com', /expected host:port/],
    ['pop.example.com:0', /not a port/], ['*.192.0.2.7:995', /not a host name|wildcards apply to names/], [{ host: 'x.example', ports: [] }, /no ports/],
  ])('rule %j is a configuration error', (rule, message) => {
    expect(() => parseRule(rule)).toThrow(message);
  });
});

describe('client addresses', () => {
  const request = (remoteAddress, xff) => ({ socket: { remoteAddress }, headers: xff ? { 'x-forwarded-for': xff } : {} });
  test('X-Forwarded-For is read only from trusted proxies, from the right', () => {
    const trusted = new Set(['127.0.0.1', '10.0.0.5']);
    expect(clientAddress(request('::ffff:127.0.0.1', '198.51.100.7'), trusted)).toBe('198.51.100.7');
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 198.51.100.7, 10.0.0.5'), trusted)).toBe('198.51.100.7');
    expect(clientAddress(request('192.0.2.9', '198.51.100.7'), trusted)).toBe('192.0.2.9');
    expect(clientAddress(request('127.0.0.1', 'garbage'), trusted)).toBe('127.0.0.1');
  });
  test('IPv6 clients share the limit of their /64', () => {
    expect(limitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64');
    expect(limitKey('192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('configuration', () => {
  let dir;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pop3-bridge-config-'));
    await writeFile(path.join(dir, 'tokens'), '# clients\nabcdefghijklmnop0123\n\nqrstuvwxyzABCDEF4567\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('a file becomes options: files relative to it are read, unknown keys are errors', async () => {
    const file = path.join(dir, 'bridge.json');
    await writeFile(file, JSON.stringify({
      listen: '[::1]:8443', allow: ['pop.example.com:995'], allowPrivate: ['localhost:110'], tokenFile: 'tokens',
      origins: ['https://app.example'], maxSessionsPerIp: 4, drainMs: 2000,
    }));
    const { options, listen, drainMs } = configToOptions(readConfigFile(file));
    expect(listen).toEqual({ host: '::1', port: 8443 });
    expect(drainMs).toBe(2000);
    expect(options.tokens).toEqual(['abcdefghijklmnop0123', 'qrstuvwxyzABCDEF4567']);
    expect(() => createBridge({ ...options, log: false })).not.toThrow();
    await writeFile(file, JSON.stringify({ allow: ['pop.example.com:995'], maxSessionPerIp: 4 }));
    expect(() => readConfigFile(file)).toThrow('unknown key "maxSessionPerIp"');
  });

  test('createBridge refuses what it cannot honour', () => {
    expect(() => createBridge({})).toThrow(/no target is allowed/);
    expect(() => createBridge({ allow: ['a.example:1'], maxSessionsPerIP: 1 })).toThrow('unknown bridge option "maxSessionsPerIP"');
    expect(() => createBridge({ allow: ['a.example:1'], tokens: ['short'] })).toThrow(/at least 16 characters/);
    expect(() => createBridge({ allow: ['a.example:1'], tokens: ['has space in it 0123456789'] })).toThrow(/token 1/);
    expect(() => createBridge({ allow: ['a.example:1'], origins: ['app.example'] })).toThrow(/not an origin/);
    expect(() => createBridge({ allow: ['a.example:1'], idleTimeoutMs: 0 })).toThrow(/idleTimeoutMs must be a positive integer/);
  });
});
