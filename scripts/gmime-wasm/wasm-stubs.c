/* Stubs for three libc functions that Emscripten 3.1.6's single-threaded musl declares in
 * its headers but does not define. Installed as lib/libglib-wasm-stubs.a and listed in
 * glib-2.0.pc, so every program linking GLib gets them.
 *
 * Why each is needed (GLib 2.74's meson checks only look at headers, or need a link to pass):
 *  - posix_spawnp: meson sets HAVE_POSIX_SPAWN because has_function('posix_spawn') links
 *    (Emscripten's libstubs.a has a posix_spawn that fails); glib/gspawn.c then also calls
 *    posix_spawnp, which is missing. There are no processes in WASM: fail with ENOSYS, so
 *    g_spawn_* returns a GError.
 *  - pthread_attr_setinheritsched: meson's has_header_symbol() finds it in <pthread.h>, so
 *    glib/gthread-posix.c calls it; only the threaded libc-mt.a defines it. Threads cannot
 *    be created in this build anyway (pthread_create fails with EAGAIN).
 *  - res_query: gio/meson.build stops ("Could not find res_query()") unless a program
 *    calling res_query links. gio's threaded resolver calls it. No DNS in WASM: fail like
 *    "host not found".
 *
 * Verified by: GLib's meson setup fails on res_query without this archive in the link
 * arguments; a program calling g_spawn_async and g_resolver_lookup_records (which pulls
 * in GLib's thread code) fails to link with "undefined symbol" for each of the three
 * without it (GMime's programs themselves reach pthread_attr_setinheritsched); and
 * build-gmime-wasm.sh checks with llvm-nm that libc.a and libstubs.a still lack all three,
 * so these stubs never shadow a real implementation.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <spawn.h>

int
posix_spawnp (pid_t *pid, const char *file, const posix_spawn_file_actions_t *file_actions,
              const posix_spawnattr_t *attrp, char *const argv[], char *const envp[])
{
  (void) pid;
  (void) file;
  (void) file_actions;
  (void) attrp;
  (void) argv;
  (void) envp;
  return ENOSYS;
}

int
pthread_attr_setinheritsched (pthread_attr_t *attr, int inheritsched)
{
  (void) attr;
  (void) inheritsched;
  return 0;
}

int
res_query (const char *dname, int klass, int type, unsigned char *answer, int anslen)
{
  (void) dname;
  (void) klass;
  (void) type;
  (void) answer;
  (void) anslen;
  h_errno = HOST_NOT_FOUND;
  return -1;
}
