// The embedded server on 127.0.0.1 with the sample mailbox and the test PKI, for the server tests.
import { readFileSync } from 'node:fs';

import { createServer, sampleMailboxStore } from '../../bindings/js/server-node.js';
import { testPki } from './test-pki.mjs';

/**
 * Starts a server with the sample mailbox for `sample`/`sample`, STLS on the plain port and an
 * implicit-TLS port. Extra options are passed to createServer().
 * @returns {Promise<{ server: import('../../bindings/js/server/node-server.js').Pop3Server, port: number, implicitTlsPort: number, pki: ReturnType<typeof testPki>, close(): Promise<void> }>}
 */
export async function startSampleServer(options = {}) {
  const pki = testPki();
  const server = createServer({
    users: { sample: 'sample' },
    store: options.mailboxes ? undefined : sampleMailboxStore(),
    tls: { cert: readFileSync(pki.server.certFile, 'utf8'), key: readFileSync(pki.server.keyFile, 'utf8') },
    implicitTlsPort: 0,
    ...options,
  });
  const { port, implicitTlsPort } = await server.listen();
  return { server, port, implicitTlsPort, pki, close: () => server.close() };
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}
