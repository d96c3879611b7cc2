/**
 * Loads the protocol WASM module once per realm. The `new URL('./wasm/...', import.meta.url)`
 * form lets bundlers (Vite, webpack 5, Rollup) find and emit the .wasm file; Node reads it from
 * disk. The binary is always passed as `wasmBinary` (Emscripten 3.1.6's own loader cannot fetch
 * a file: URL in Node).
 */
let corePromise;

async function readBinary(url) {
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** @returns {Promise<any>} the instantiated Emscripten module */
export function loadCore() {
  corePromise ??= (async () => {
    const [{ default: createPop3Core }, wasmBinary] = await Promise.all([
      import('./wasm/pop3-core.mjs'),
      readBinary(new URL('./wasm/pop3-core.wasm', import.meta.url)),
    ]);
    return createPop3Core({ wasmBinary });
  })();
  corePromise.catch(() => {
    corePromise = undefined;  // let a later call retry (e.g. after a network error)
  });
  return corePromise;
}
