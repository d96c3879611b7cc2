/**
 * diagnose(): the connection doctor. Tries a host the three ways POP3 is offered (POP3S on 995,
 * STLS on 110, plain 110), says in words what each gave (certificate problems, the login methods
 * on offer and whether each is safe on that link, the capabilities that matter), tries the
 * password with each safe method when one is given, and ends with one recommended setting.
 * Every probe uses the library itself, so what it reports is what an app will meet.
 */
import { Pop3Client } from './pop3-client.js';

// What each capability means for a user (RFC 2449, RFC 6856).
const CAPABILITY_WORDS = {
  pipelining: 'PIPELINING: commands can be sent without waiting for each answer (much faster on slow links)',
  uidl: 'UIDL: messages have ids that last across sessions, so a sync knows what it already has',
  top: 'TOP: headers can be fetched without the whole message',
  utf8: 'UTF8: user names, passwords and texts may be in UTF-8',
  respCodes: 'RESP-CODES: errors come with a code (IN-USE, LOGIN-DELAY...) a program can act on',
};

// The methods that keep the password off the wire when the link is not encrypted.
const KEEPS_PASSWORD_OFF_THE_WIRE = /^(SCRAM-|CRAM-MD5$|APOP$)/;

/**
 * @param {{ host: string, user?: string, password?: string, accessToken?: string, ca?: string | string[],
 *   ports?: { pop3?: number, pop3s?: number }, timeoutMs?: number, bridge?: string, tlsEngine?: 'wasm' | 'node' }} options
 * @returns {Promise<import('./index.js').Diagnosis>}
 */
export async function diagnose(options) {
  const { host, ports = {}, timeoutMs = 10_000 } = options;
  const common = { host, ca: options.ca, timeoutMs, bridge: options.bridge, tlsEngine: options.tlsEngine };
  const ways = [
    { name: 'POP3S (TLS from the first byte)', port: ports.pop3s ?? 995, tls: 'implicit' },
    { name: 'STLS (plain, then TLS)', port: ports.pop3 ?? 110, tls: 'starttls' },
    { name: 'plain POP3 (no encryption)', port: ports.pop3 ?? 110, tls: 'none' },
  ];
  const probes = [];
  for (const way of ways) probes.push(await probe(way, common));
  const logins = [];
  if (options.user && (options.password !== undefined || options.accessToken !== undefined)) {
    const best = probes.find((p) => p.ok && p.secure);
    for (const method of best?.methods.filter((m) => m.offered) ?? []) {
      logins.push(await tryLogin(best, method.name, options, common));
    }
  }
  const recommendation = recommend(probes, logins);
  return { host, probes, logins, recommendation, report: report(host, probes, logins, recommendation) };
}

async function probe(way, common) {
  const result = { ...way, ok: false, secure: false };
  let client;
  try {
    client = await Pop3Client.connect({ ...common, port: way.port, tls: way.tls });
    result.ok = true;
    result.secure = client.secure;
    result.tlsInfo = client.tls ?? undefined;
    result.greeting = client.greeting?.text;
    const caps = client.capabilities;
    result.capabilities = caps
      ? Object.entries(CAPABILITY_WORDS).filter(([key]) => caps[key]).map(([, words]) => words)
      : ['no CAPA: an RFC 1939 server without extensions'];
    if (caps?.loginDelay !== undefined) result.capabilities.push(`LOGIN-DELAY: at most one login every ${caps.loginDelay} s`);
    if (caps?.expire !== undefined) {
      result.capabilities.push(caps.expire === 'never' ? 'EXPIRE NEVER: the server keeps mail until it is deleted' : `EXPIRE ${caps.expire}: the server deletes retrieved mail after ${caps.expire} day(s), whatever the client does`);
    }
    result.methods = methodsOf(client, result.secure);
    await client.quit().catch(() => client.close());
  } catch (error) {
    client?.close();
    result.error = { code: error.code, message: error.message };
  }
  return result;
}

function methodsOf(client, secure) {
  const caps = client.capabilities;
  const names = [...(caps?.sasl ?? [])];
  if (client.greeting?.apopTimestamp) names.push('APOP');
  if (!caps || caps.user) names.push('USER');
  return names.map((name) => {
    const offPath = KEEPS_PASSWORD_OFF_THE_WIRE.test(name);
    const safe = secure || offPath;
    return {
      name,
      offered: true,
      safe,
      why: secure
        ? 'the link is encrypted'
        : offPath
          ? 'keeps the password off the wire, though the rest of the session is readable'
          : 'would send the password in clear text',
    };
  });
}

async function tryLogin(way, mechanism, options, common) {
  let client;
  try {
    client = await Pop3Client.connect({ ...common, port: way.port, tls: way.tls });
    await client.login({ user: options.user, password: options.password, accessToken: options.accessToken, mechanisms: [mechanism] });
    await client.quit().catch(() => client.close());
    return { way: way.name, port: way.port, tls: way.tls, mechanism, ok: true };
  } catch (error) {
    client?.close();
    return { way: way.name, port: way.port, tls: way.tls, mechanism, ok: false, error: { code: error.code, responseCode: error.responseCode, message: error.message } };
  }
}

// The best setting: an encrypted way first (implicit TLS before STLS) and, when a password was
// tried, the first method that logged in (they were tried in the server's order of offer).
function recommend(probes, logins) {
  const secure = probes.find((p) => p.ok && p.secure);
  if (!secure) return null;
  const working = logins.find((l) => l.ok);
  if (logins.length && !working) return null;
  return { port: secure.port, tls: secure.tls, mechanism: working?.mechanism };
}

function report(host, probes, logins, recommendation) {
  const lines = [`${host}:`];
  for (const p of probes) {
    lines.push(`- ${p.name}, port ${p.port}: ${p.ok ? `works${p.tlsInfo ? ` (${p.tlsInfo.protocol}, ${p.tlsInfo.cipher})` : ''}` : `fails: ${p.error.message}`}`);
    if (!p.ok) continue;
    for (const words of p.capabilities) lines.push(`    ${words}`);
    for (const m of p.methods) lines.push(`    login ${m.name}: ${m.safe ? 'safe' : 'UNSAFE'} here (${m.why})`);
  }
  for (const l of logins) {
    lines.push(`- login with ${l.mechanism} over ${l.way}: ${l.ok ? 'works' : `fails (${l.error.message})`}`);
  }
  lines.push(recommendation
    ? `Recommended: port ${recommendation.port}, tls: '${recommendation.tls}'${recommendation.mechanism ? `, login ${recommendation.mechanism}` : ''}.`
    : logins.length
      ? 'No recommendation: no login method worked over an encrypted link (check the user name and password).'
      : 'No recommendation: the server offers no encrypted way in; do not send a password to it.');
  return lines.join('\n');
}
