/**
 * pop3-wasm: a POP3 client whose protocol engine is a C++ core compiled to WebAssembly.
 *
 * This is the entry for browsers, workers and bundlers: nothing it reaches imports a `node:`
 * module, and nothing imports anything lazily, so a bundle is one graph (Vite 5 and 6 build
 * workers as IIFE, which cannot split code). Node (and Deno and Bun) get node.js, the same API
 * with direct TCP and Node's TLS. Parsing lives in `pop3-wasm/mime` (mime.js), which this entry
 * never references: bundlers emit GMime's .wasm for every module they load, used or not.
 * @module pop3-wasm
 */
export { Pop3Client } from './pop3-client.js';
export { Pop3Error, ErrorCode } from './errors.js';
export { loadCore, configureWasm } from './wasm-module.js';
export { WebSocketTransport } from './transports/websocket.js';
export { sync, syncAccount } from './sync.js';
export { diagnose } from './diagnose.js';
