// The MIME module has no file system (-sFILESYSTEM=0), but GLib still tries to read a few files
// (charset.alias, /etc/localtime...) on some paths. Emscripten's no-FS stubs then fail with a JS
// TypeError instead of an error code; this definition wins over the JS import, so every open()
// fails cleanly with ENOENT and GLib takes its documented fallback.
#include <cerrno>

extern "C" long __syscall_open(long /*path*/, long /*flags*/, ...) {
  return -ENOENT;
}
