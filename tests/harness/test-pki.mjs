// The test certificates (tests/harness/make-test-pki.sh), made once under build/test-pki.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = path.join(root, 'build', 'test-pki');

/** Paths and PEM texts of the test PKI. */
export function testPki() {
  execFileSync(path.join(root, 'tests/harness/make-test-pki.sh'), [dir]);
  const file = (name) => path.join(dir, name);
  return {
    dir,
    file,
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    server: { certFile: file('server.pem'), keyFile: file('server.key') },
    expired: { certFile: file('expired.pem'), keyFile: file('server.key') },
    rogue: { certFile: file('rogue.pem'), keyFile: file('rogue.key') },
  };
}
