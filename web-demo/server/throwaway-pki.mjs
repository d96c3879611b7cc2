// A CA and a server certificate (CN=localhost, SAN localhost and 127.0.0.1) made with the openssl
// CLI in a temporary directory, so that the demo needs no certificate of its own and leaves none.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** @returns {{ ca: string, cert: string, key: string, dispose(): void }} PEM texts */
export function makeThrowawayPki() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pop3-wasm-demo-pki-'));
  const run = (...args) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=pop3-wasm demo CA (throwaway)',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    writeFileSync(path.join(dir, 'server.ext'), [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '',
    ].join('\n'));
    run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.pem');
    const read = (name) => readFileSync(path.join(dir, name), 'utf8');
    const pki = { ca: read('ca.pem'), cert: read('server.pem'), key: read('server.key') };
    // The keys are in memory now: nothing needs to stay on disk while the demo runs.
    rmSync(dir, { recursive: true, force: true });
    return { ...pki, dispose() { rmSync(dir, { recursive: true, force: true }); } };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
