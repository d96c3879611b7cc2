/**
 * The package's root entry in Node (and in Deno and Bun, which take the "node" export
 * condition): the API of index.js, with Node's platform hooks installed first.
 */
import './platform-node.js';

export * from './index.js';
