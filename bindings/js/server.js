/**
 * `pop3-wasm/server` for browsers, workers and bundlers: the embedded POP3 server without a
 * network listener. Sessions run in the WASM core; an in-memory transport connects a Pop3Client
 * to them with no network at all. Nothing here imports a `node:` module. Node gets server-node.js,
 * which adds the TCP server and Maildir mailboxes.
 * @module pop3-wasm/server
 */
import { Pop3Error, fromCoreError } from './errors.js';
import { loadCore } from './wasm-module.js';

export { EmbeddedServer, createEmbeddedServer } from './server/embedded-server.js';
export { InMemoryTransport, connectInMemory } from './server/in-memory-transport.js';
export { MemoryMailboxStore, toWireForm } from './server/mailbox-store.js';
export { sampleMessages, sampleMailboxStore, SAMPLE_USER, SAMPLE_PASSWORD } from './server/sample-mailbox.js';

/**
 * Stored SCRAM keys for a password, so that an account need not keep the password itself:
 * `users: { alice: { scramSha256: await deriveScramKeys('SCRAM-SHA-256', 'secret') } }`.
 * The keys of SCRAM-SHA-256 serve SCRAM-SHA-256-PLUS too (and so on): channel binding changes
 * the exchange, not what is stored.
 * @param {'SCRAM-SHA-1' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'} mechanism
 * @param {string} password
 * @param {{ salt?: Uint8Array, iterations?: number, wasm?: object }} [options]
 */
export async function deriveScramKeys(mechanism, password, options = {}) {
  if (!['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) {
    throw new Pop3Error('INVALID_ARGUMENT', `deriveScramKeys: mechanism is 'SCRAM-SHA-1', 'SCRAM-SHA-256' or 'SCRAM-SHA-512', not '${mechanism}'`);
  }
  const core = await loadCore(options, { server: true });
  const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (const b of salt) binary += String.fromCharCode(b);
  const keys = core.deriveScramKeys(mechanism, String(password), btoa(binary), options.iterations ?? 4096);
  if (keys.storedKey === undefined) throw fromCoreError(keys);
  return keys;
}
