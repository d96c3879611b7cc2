/**
 * Loads the WASM modules once per realm. The `new URL('./wasm/...', import.meta.url)` form, kept
 * literal at each call site, lets bundlers (Vite, webpack 5, Rollup) find and emit the .wasm file;
 * Node reads it from disk. The binary is always passed as `wasmBinary` (Emscripten 3.1.6's own
 * loader cannot fetch a file: URL in Node).
 */

/** The bytes at `url`: read from disk for file: URLs, fetched otherwise. */
export async function readBinary(url) {
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** `load` run at most once; a failure is forgotten so a later call retries (a network error). */
export function loadOnce(load) {
  let promise;
  return () => {
    promise ??= load();
    promise.catch(() => {
      promise = undefined;
    });
    return promise;
  };
}

/** Loads (once) the protocol module. @returns {Promise<any>} the instantiated Emscripten module */
export const loadCore = loadOnce(async () => {
  const [{ default: createPop3Core }, wasmBinary] = await Promise.all([
    import('./wasm/pop3-core.mjs'),
    readBinary(new URL('./wasm/pop3-core.wasm', import.meta.url)),
  ]);
  return createPop3Core({ wasmBinary });
});
