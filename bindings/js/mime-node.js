/**
 * The `pop3-wasm/mime` entry in Node (and Deno and Bun): mime.js, with Node's platform hooks
 * installed first so that the module's .wasm is read from disk.
 */
import './platform-node.js';

export * from './mime.js';
