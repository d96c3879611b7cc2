/**
 * The GSSAPI provider for Node: the `kerberos` package (a native binding to the system's GSS-API
 * library, MIT Kerberos or Heimdal), an optional peer dependency loaded only when a Kerberos
 * login starts. The client's credentials are the ticket cache's (kinit; KRB5CCNAME chooses it).
 */
import { Pop3Error } from '../errors.js';

async function loadKerberos() {
  try {
    const module = await import('kerberos');
    return module.default ?? module;
  } catch (err) {
    throw new Pop3Error(
      'UNSUPPORTED',
      "GSSAPI (Kerberos) in Node needs the optional package 'kerberos': install it next to " +
        "pop3-wasm (npm install kerberos; it compiles against the system's Kerberos headers, " +
        `e.g. Debian's libkrb5-dev). Loading it failed: ${err.message}`,
      { cause: err },
    );
  }
}

const toBase64 = (bytes) => Buffer.from(bytes).toString('base64');
const fromBase64 = (text) => new Uint8Array(Buffer.from(text ?? '', 'base64'));

/**
 * A provider for the service principal `service@hostname` (GSS host-based name: pop/hostname).
 * @param {{service: string, hostname: string, principal?: string, kerberos?: object}} options
 *   `kerberos`: the package's module, for apps that load it themselves
 */
export async function createKerberosProvider({ service, hostname, principal, kerberos }) {
  const lib = kerberos ?? (await loadKerberos());
  const target = `${service}@${hostname}`;
  let client;
  try {
    client = await lib.initializeClient(target, {
      mechOID: lib.GSS_MECH_OID_KRB5,
      // Mutual authentication: the server proves it holds the service key (RFC 4752 section 3.1).
      flags: lib.GSS_C_MUTUAL_FLAG | lib.GSS_C_SEQUENCE_FLAG,
      ...(principal ? { principal } : {}),
    });
  } catch (err) {
    throw new Pop3Error('AUTH_FAILED', `GSSAPI: cannot start a Kerberos context for ${target}: ${err.message}`, { cause: err });
  }
  return {
    async initSecContext(input) {
      const token = await client.step(toBase64(input));
      return { token: fromBase64(token), complete: client.contextComplete };
    },
    async unwrap(message) {
      return fromBase64(await client.unwrap(toBase64(message)));
    },
    async wrap(message) {
      return fromBase64(await client.wrap(toBase64(message), { protect: false }));
    },
  };
}
