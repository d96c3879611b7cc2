// Loads tests/size-probe.mjs (an ES module built for the web) in Node 20 and parses one
// message file: `node size-probe-run.mjs PREFIX/tests/size-probe.mjs MESSAGE.eml`.
// Emscripten 3.1.6's web glue would fetch() the .wasm by URL, which Node cannot do for a
// file path: hand it the bytes as `wasmBinary` (wasm-build-facts.md).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [, , modulePath, messagePath] = process.argv;
const { default: createModule } = await import(pathToFileURL(resolve(modulePath)).href);
const wasmBinary = readFileSync(modulePath.replace(/\.mjs$/, '.wasm'));
const mod = await createModule({ wasmBinary });
const bytes = readFileSync(messagePath);
const ptr = mod._malloc(bytes.length);
mod.HEAPU8.set(bytes, ptr);
const parts = mod._mime_parse(ptr, bytes.length);
mod._free(ptr);
console.log(`mime_parse returned ${parts}`);
