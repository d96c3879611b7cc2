// Which login methods a server offers on one link, read as a client meets them: its SASL list
// from CAPA (RFC 5034), APOP only when the greeting carries a timestamp (RFC 1939 §7), USER when
// CAPA announces it (or when there is no CAPA, as an RFC 1939 server always has it). On a clear
// link the methods that would put the password on the wire are marked unsafe.
import { Pop3Client } from 'pop3-wasm';

// Words for each method the form can offer; unknown SASL names are shown by name alone.
const DESCRIPTIONS = {
  'SCRAM-SHA-256': 'password never sent',
  'SCRAM-SHA-1': 'password never sent',
  'CRAM-MD5': 'MD5 digest of a challenge',
  PLAIN: 'password sent, inside TLS',
  LOGIN: 'password sent, inside TLS',
  APOP: 'MD5 digest of the greeting',
  USER: 'USER / PASS: password sent, inside TLS',
  XOAUTH2: 'needs an OAuth token',
  OAUTHBEARER: 'needs an OAuth token',
};
const KEEPS_PASSWORD_OFF_THE_WIRE = /^(SCRAM-|CRAM-MD5$|APOP$)/;
const NEEDS_TOKEN = new Set(['XOAUTH2', 'OAUTHBEARER']);

/**
 * @param {import('pop3-wasm').Pop3Client} client a connected client, before login
 * @returns {{ name: string, description: string, usable: boolean, unsafe: boolean }[]}
 */
export function offeredMethods(client) {
  const caps = client.capabilities;
  const names = [...(caps?.sasl ?? [])];
  if (client.greeting?.apopTimestamp) names.push('APOP');
  if (!caps || caps.user) names.push('USER');
  return names.map((name) => {
    const unsafe = !client.secure && !KEEPS_PASSWORD_OFF_THE_WIRE.test(name);
    return {
      name,
      description: unsafe ? 'unsafe here: would send the password in clear text' : DESCRIPTIONS[name] ?? 'SASL',
      // The form has a password field only, and never opts in to clear-text passwords.
      usable: !unsafe && !NEEDS_TOKEN.has(name),
      unsafe,
    };
  });
}

/**
 * Connects the way the form says, reads what the server offers, and QUITs without logging in.
 * @param {{ host: string, port: number, tls: 'implicit' | 'starttls' | 'none', bridge: string, ca?: string[] }} options
 */
export async function probeLoginMethods(options) {
  const client = await Pop3Client.connect({ ...options, timeoutMs: 10_000 });
  try {
    return { secure: client.secure, methods: offeredMethods(client) };
  } finally {
    await client.quit().catch(() => client.close());
  }
}
