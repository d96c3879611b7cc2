#!/usr/bin/env node
// Minifies an Emscripten JS glue file in place (run by CMake after each WASM module links).
//
// Debian's Emscripten 3.1.6 strips whitespace from the glue but keeps every name and every
// function of its runtime, used or not: Closure would remove them, but it is not packaged in a
// version that reads this glue. Terser's compressor drops the unused functions and its mangler
// shortens the local names: the lite protocol module's glue goes from 15.2 to 9.5 KB gzip
// (docs/benchmarks.md, "Protocol module sizes"). Only local names change: what the glue exports
// and the names of the WASM imports stay as they are.
//
// Usage: minify-glue.mjs <file.mjs>
import { readFileSync, writeFileSync } from 'node:fs';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: minify-glue.mjs <glue.mjs>');
  process.exit(2);
}
// Terser is a devDependency: a build before `npm ci` (scripts/bootstrap.sh runs it) has none.
const { minify } = await import('terser').catch((error) => {
  console.error(`minify-glue: no terser (${error.message}); run scripts/bootstrap.sh first`);
  process.exit(1);
});
const source = readFileSync(file, 'utf8');
const options = { module: true, ecma: 2020, compress: { passes: 2 }, mangle: true };
writeFileSync(file, (await minify(source, options)).code);
