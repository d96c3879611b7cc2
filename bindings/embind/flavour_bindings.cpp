// Which flavour of the protocol module this is (docs/architecture.md, "Module flavours"): the
// loader checks it before running TLS in WASM on a module that has no TLS engine.
#include <emscripten/bind.h>

#ifndef POP3_WASM_TLS_ENGINE
#error "define POP3_WASM_TLS_ENGINE to 0 (lite module) or 1 (full module)"
#endif

EMSCRIPTEN_BINDINGS(pop3_flavour) {
  emscripten::constant("hasTlsEngine", POP3_WASM_TLS_ENGINE != 0);
}
