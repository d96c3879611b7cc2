/**
 * Package-internal access to a client's core: sync() plans with the client's own WASM module and
 * session (the capabilities are the core's; objects cannot cross between two module instances,
 * and a client may run on the lite or the full module). Not exported from the package.
 */
export const coreOf = Symbol('pop3-wasm: the core module and session of a client');
