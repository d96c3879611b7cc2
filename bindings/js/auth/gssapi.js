/**
 * SASL GSSAPI (Kerberos V5, RFC 4752) on the JavaScript side. The core runs the exchange and,
 * for each GSS-API call it needs, reports a 'saslHostCall' event; a provider makes the call with
 * the platform's Kerberos library and the answer goes back with saslHostReply(). Node's provider
 * uses the optional `kerberos` package (kerberos-node.js); browsers have none. See
 * docs/authentication.md (GSSAPI).
 */
import { Pop3Error } from '../errors.js';
import { platform } from '../platform.js';

/** Whether the caller asked for Kerberos: a `gssapi` option, or GSSAPI among `mechanisms`. */
export function wantsGssapi(credentials) {
  return credentials.gssapi !== undefined || (credentials.mechanisms ?? []).some((m) => String(m).toUpperCase() === 'GSSAPI');
}

/**
 * Throws UNSUPPORTED_IN_BROWSER where the platform has no GSS-API and the caller brought no
 * provider, before anything is sent: negotiation then never reaches GSSAPI either.
 */
export function checkGssapiAvailable(credentials) {
  if (credentials.gssapi?.provider || platform.gssapiProvider) return;
  throw new Pop3Error(
    'UNSUPPORTED_IN_BROWSER',
    'GSSAPI (Kerberos) login is not available in browsers: it needs the Kerberos library and the ' +
      "user's ticket cache of the operating system, which a web page cannot reach (browsers use " +
      'Kerberos only for HTTP, as SPNEGO). Log in with a password or an OAuth token here, or use ' +
      'Kerberos from Node',
  );
}

/**
 * The provider for a login to `host`: the caller's own, or the platform's (Node: `kerberos`).
 * @returns {Promise<import('../index.js').GssapiProvider>}
 */
export async function openGssapiProvider(credentials, host) {
  const options = credentials.gssapi ?? {};
  if (options.provider) return options.provider;
  return platform.gssapiProvider({
    service: options.service ?? 'pop',
    hostname: options.hostname ?? host,
    principal: options.principal,
    kerberos: options.kerberos,
  });
}

/**
 * Makes the GSS-API call of a 'saslHostCall' event. Never throws: a failure of the library
 * becomes `{ error }`, which makes the core cancel the exchange and report it as AUTH_FAILED.
 */
export async function callGssapiProvider(provider, event) {
  try {
    switch (event.operation) {
      case 'gss_init_sec_context': {
        const { token, complete } = await provider.initSecContext(event.input);
        return { output: token ?? new Uint8Array(0), complete: Boolean(complete) };
      }
      case 'gss_unwrap':
        return { output: await provider.unwrap(event.input), complete: false };
      case 'gss_wrap':
        return { output: await provider.wrap(event.input), complete: false };
      default:
        return { error: `GSSAPI: unknown GSS-API call ${event.operation}` };
    }
  } catch (err) {
    return { error: `GSSAPI: ${event.operation} failed: ${err?.message ?? err}` };
  }
}
