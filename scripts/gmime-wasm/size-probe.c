/* Size probe (tests/size-probe.mjs + .wasm): GMime linked the way the MIME module will be
 * (-sENVIRONMENT=web -sMODULARIZE=1 -sEXPORT_ES6=1 -sFILESYSTEM=0, see SIZE_PROBE_LDFLAGS in
 * build-gmime-wasm.sh). It exports one function that parses a message from memory and
 * prints its subject and the number of MIME parts; build-gmime-wasm.sh records the size
 * of the .wasm in BUILD-INFO and run-gmime-wasm-tests.sh runs it in node through
 * size-probe-run.mjs.
 *
 * With -DWITH_GIO_REGISTRATION it also references GMimeStreamGIO, as unpatched g_mime_init
 * does: that shows the cost the gmime-skip-stream-gio-init patch removes (README.md).
 */
#include <emscripten.h>
#include <gmime/gmime.h>
#include <stdio.h>

static void
count_part (GMimeObject *parent, GMimeObject *part, gpointer user_data)
{
  int *counts = user_data;

  (void) parent;
  counts[0]++;
  if (GMIME_IS_PART (part))
    counts[1]++;
}

/* Returns the number of MIME parts (containers included), or -1 if DATA is no message. */
EMSCRIPTEN_KEEPALIVE int
mime_parse (const char *data, int len)
{
  static int initialized;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;
  int counts[2] = { 0, 0 };

  if (!initialized) {
    g_mime_init ();
    initialized = 1;
  }
#ifdef WITH_GIO_REGISTRATION
  g_mime_stream_gio_get_type ();
#endif
  stream = g_mime_stream_mem_new_with_buffer (data, (size_t) len);
  parser = g_mime_parser_new_with_stream (stream);
  g_object_unref (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  if (message == NULL) {
    printf ("not a message\n");
    return -1;
  }
  g_mime_message_foreach (message, count_part, counts);
  printf ("subject: %s\n", g_mime_message_get_subject (message));
  printf ("parts: %d (%d leaf parts)\n", counts[0], counts[1]);
  g_object_unref (message);
  return counts[0];
}
