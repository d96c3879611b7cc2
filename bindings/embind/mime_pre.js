// Runs before the MIME module's static constructors (linked with --pre-js). GLib's slice
// allocator keeps per-thread magazines, reached through emulated thread-local storage in WASM,
// which costs more than plain malloc; GLib's own switch for that is G_SLICE=always-malloc, read
// once when GLib first allocates, during the constructors.
/* global Module, ENV -- Emscripten's, in scope of the glue this is prepended to */
Module['preRun'] = [].concat(Module['preRun'] || [], function () {
  ENV['G_SLICE'] = 'always-malloc';
});
