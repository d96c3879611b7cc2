/* Test program (tests/debian-patch-check.js): behaviour that Debian's gmime patch series
 * changes, so that run-gmime-wasm-tests.sh notices if the WASM build stops applying it.
 *
 * 0001-Avoid-clearing-a-header-list-if-it-is-being-appended.patch (gmime 3.2.13+dfsg-2):
 * upstream 3.2.13's message_add_addresses() clears the message's address list before
 * appending, so of two From: headers only the last one's addresses are kept; Debian's
 * libgmime-3.0 (the native oracle) keeps both. Checked for a parsed message and for
 * g_mime_object_append_header() on a constructed one.
 *
 * Prints one "Checking NAME... PASSED|FAILED" line per check (and what it got when a check
 * fails); the exit status is the number of failed checks. Builds natively too:
 *   cc debian-patch-check.c $(pkg-config --cflags --libs gmime-3.0)
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void
check (const char *name, InternetAddressList *list, const char *expected)
{
  char *got = internet_address_list_to_string (list, NULL, FALSE);

  if (got != NULL && strcmp (got, expected) == 0) {
    printf ("Checking %s... PASSED\n", name);
  } else {
    printf ("Checking %s... FAILED\n", name);
    printf ("  expected: %s\n  got:      %s\n", expected, got ? got : "(null)");
    failures++;
  }
  g_free (got);
}

int
main (void)
{
  static const char raw[] =
    "From: Alice <alice@example.org>\r\n"
    "From: Mallory <mallory@example.net>\r\n"
    "To: bob@example.org\r\n"
    "Subject: two From fields\r\n"
    "\r\n"
    "Body.\r\n";
  const char *both = "Alice <alice@example.org>, Mallory <mallory@example.net>";
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;

  g_mime_init ();

  stream = g_mime_stream_mem_new_with_buffer (raw, sizeof raw - 1);
  parser = g_mime_parser_new_with_stream (stream);
  g_object_unref (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  if (message == NULL) {
    printf ("Checking parsed message with two From fields... FAILED\n  not a message\n");
    return 1;
  }
  check ("parsed message with two From fields", g_mime_message_get_from (message), both);
  g_object_unref (message);

  message = g_mime_message_new (TRUE);
  g_mime_object_append_header ((GMimeObject *) message, "From", "Alice <alice@example.org>", NULL);
  g_mime_object_append_header ((GMimeObject *) message, "From", "Mallory <mallory@example.net>", NULL);
  check ("From appended twice with g_mime_object_append_header", g_mime_message_get_from (message), both);
  g_object_unref (message);

  g_mime_shutdown ();
  return failures;
}
