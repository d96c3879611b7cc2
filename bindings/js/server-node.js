/**
 * `pop3-wasm/server` in Node (and Deno and Bun): server.js plus the TCP server (createServer) and
 * Maildir mailboxes, with Node's platform hooks installed so that the WASM is read from disk.
 */
import './platform-node.js';

export * from './server.js';
export { Pop3Server, createServer } from './server/node-server.js';
export { MaildirMailboxStore } from './server/maildir-mailbox.js';
