/* For programs linked with -sFILESYSTEM=0 only (the MIME module): installed as
 * lib/libglib-wasm-nofs.a, not listed in any .pc file; add it to such a link by hand.
 *
 * Why: GLib references pipe() from code that a GMime program always links (gmain.c's
 * GWakeup via g_unix_open_pipe, gspawn.c, and gtestutils.c, which holds the g_assert()
 * failure helpers). Emscripten implements the pipe syscall in JS on top of PIPEFS, part of
 * its JS file system; with -sFILESYSTEM=0 that is absent and the link fails with
 * "undefined symbol: $PIPEFS (referenced by __syscall_pipe__deps)". Defining the syscall
 * here makes pipe() fail with ENOSYS instead, as it would on a system without pipes.
 * Parsing never creates a pipe: the only caller that could run, GWakeup (the first
 * GMainContext), is not reached by GMime's parser.
 *
 * Verified by: the FILESYSTEM=0 link of the size probe in scripts/gmime-wasm/README.md
 * fails without this archive and succeeds with it; the probe parses a message.
 */
#include <errno.h>

long __syscall_pipe (long fd);

long
__syscall_pipe (long fd)
{
  (void) fd;
  return -ENOSYS;
}
