/**
 * Name resolution for targets: the bridge resolves names itself, with every address
 * (dns.lookup with `all`, which reads /etc/hosts like any program on the machine would), so
 * that address-policy.js can check them all and the connection goes to one of exactly those
 * addresses. IP literals are used as they are.
 */
import dns from 'node:dns/promises';

export class ResolveError extends Error {}

/**
 * @param {{host: string, kind: string}} target from target.js parseTarget
 * @param {{lookup?: typeof dns.lookup, timeoutMs: number, signal?: AbortSignal}} options
 * @returns {Promise<{address: string, family: number}[]>} at least one address, duplicates removed
 * @throws {ResolveError} when the name does not resolve in time
 */
export async function resolveTarget(target, { lookup = dns.lookup, timeoutMs, signal }) {
  if (target.kind === 'ipv4') return [{ address: target.host, family: 4 }];
  if (target.kind === 'ipv6') return [{ address: target.host, family: 6 }];
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new ResolveError(`resolving ${target.host} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  const aborted = new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(new ResolveError('aborted')), { once: true });
  });
  try {
    // getaddrinfo cannot be cancelled; on time-out its answer is simply ignored.
    const answer = await Promise.race([lookup(target.host, { all: true, verbatim: true }), timeout, aborted]);
    const seen = new Set();
    const addresses = (Array.isArray(answer) ? answer : [answer]).filter(({ address }) => {
      if (seen.has(address)) return false;
      seen.add(address);
      return true;
    });
    if (addresses.length === 0) throw new ResolveError(`${target.host} has no addresses`);
    return addresses;
  } catch (err) {
    if (err instanceof ResolveError) throw err;
    throw new ResolveError(`could not resolve ${target.host} (${err.code ?? err.message})`);
  } finally {
    clearTimeout(timer);
  }
}
