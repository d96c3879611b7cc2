/* Two probes for the GLib/GObject workarounds of build-gmime-wasm.sh.
 *
 * Default build (tests/ffi-tripwire.js): creates a signal without a C marshaller, so GObject
 * uses its generic marshaller (g_cclosure_marshal_generic[_va]), which calls libffi's
 * ffi_call; connects a handler and emits. With the libffi stand-in this must abort with
 * "libffi stand-in: ffi_call reached". If it ever prints "handler ran", a real libffi is
 * linked and the stand-in is not what it claims. run-gmime-wasm-tests.sh checks this.
 *
 * -DPROBE_ONLY_TYPES (built at build time, without -sEMULATE_FUNCTION_POINTER_CASTS=1):
 * only instantiates a G_DEFINE_TYPE type. GObject calls its one-argument class_init
 * through a two-argument GClassInitFunc pointer, which traps in WASM without the flag.
 */
#include <glib-object.h>
#include <stdio.h>

#define TRIPWIRE_TYPE_OBJECT (tripwire_object_get_type ())
G_DECLARE_FINAL_TYPE (TripwireObject, tripwire_object, TRIPWIRE, OBJECT, GObject)

struct _TripwireObject
{
  GObject parent_instance;
};

G_DEFINE_TYPE (TripwireObject, tripwire_object, G_TYPE_OBJECT)

static guint ping_signal;

static void
tripwire_object_class_init (TripwireObjectClass *klass)
{
  /* c_marshaller NULL: GObject picks the generic (libffi) marshaller, except for the
   * shapes it has built-in marshallers for (no argument, or one argument and no return
   * value: gsignal.c), hence two arguments. */
  ping_signal = g_signal_new ("ping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                              NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
}

static void
tripwire_object_init (TripwireObject *self)
{
  (void) self;
}

#ifndef PROBE_ONLY_TYPES
static void
on_ping (TripwireObject *self, int a, int b, gpointer user_data)
{
  (void) self;
  (void) user_data;
  printf ("handler ran with %d %d\n", a, b);
}
#endif

int
main (void)
{
  TripwireObject *obj = g_object_new (TRIPWIRE_TYPE_OBJECT, NULL);
#ifdef PROBE_ONLY_TYPES
  printf ("type system works: %s\n", G_OBJECT_TYPE_NAME (obj));
#else
  g_signal_connect (obj, "ping", G_CALLBACK (on_ping), NULL);
  fprintf (stderr, "emitting through the generic marshaller...\n");
  g_signal_emit (obj, ping_signal, 0, 4, 2);
  printf ("emission returned\n");
#endif
  g_object_unref (obj);
  return 0;
}
