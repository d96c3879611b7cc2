#!/usr/bin/env node
// Appends a custom section naming the protocol module's flavour ("full" or "lite") to a linked
// .wasm (run by CMake after each protocol module links). The loader reads it before instantiating
// (bindings/js/wasm-module.js): a lite module handed in where the full one is needed gets a typed
// error saying so, rather than a failed instantiation, since the two flavours link at different
// optimisation levels and their glue's import names differ.
//
// Usage: tag-wasm-flavour.mjs <file.wasm> <full|lite>
import { readFileSync, writeFileSync } from 'node:fs';

export const FLAVOUR_SECTION = 'pop3-wasm-flavour';

const [file, flavour] = process.argv.slice(2);
if (!file || !['full', 'lite'].includes(flavour)) {
  console.error('usage: tag-wasm-flavour.mjs <file.wasm> <full|lite>');
  process.exit(2);
}
const bytes = readFileSync(file);
if (WebAssembly.Module.customSections(new WebAssembly.Module(bytes), FLAVOUR_SECTION).length > 0) process.exit(0);

const leb128 = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const name = Buffer.from(FLAVOUR_SECTION);
const payload = Buffer.concat([Buffer.from(leb128(name.length)), name, Buffer.from(flavour)]);
writeFileSync(file, Buffer.concat([bytes, Buffer.from([0, ...leb128(payload.length)]), payload]));
