/**
 * pop3-wasm: a POP3 client whose protocol engine is a C++ core compiled to WebAssembly.
 * @module pop3-wasm
 */
export { Pop3Client } from './pop3-client.js';
export { Pop3Error, ErrorCode } from './errors.js';
export { loadCore } from './wasm-module.js';
export { WebSocketTransport } from './transports/websocket.js';
export { sync, syncAccount } from './sync.js';
export { IndexedDbStore } from './stores/indexeddb-store.js';
export { parseMessage, loadMime, ParsedMessage } from './mime.js';
