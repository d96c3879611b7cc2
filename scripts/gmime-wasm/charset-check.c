/* Charset checks for GMime on Emscripten's musl iconv (tests/charset-check.js).
 *
 * GMime's own tests exercise legacy CJK charsets mostly as round trips (decode, then encode
 * back and compare). musl's iconv can decode all of them but encodes only some, so two of
 * GMime's checks fail on the encode half (see README.md). This program makes sure the
 * decode half, the one the MIME module depends on, is really tested for each of those
 * charsets, with expected bytes taken from glibc's iconv:
 *
 *   "Checking decode <CS> (iconv)... PASSED|FAILED"     g_mime_iconv_* to UTF-8
 *   "Checking decode <CS> (rfc2047)... PASSED|FAILED"   =?CS?B?...?= header decoding
 *
 * and it reports, without judging, what musl's encoder does for each charset:
 *
 *   "Encoder <CS>: exact|none|differs-roundtrips|differs-broken"
 *
 * run-gmime-wasm-tests.sh fails on any FAILED line and compares the Encoder lines with the
 * table of known gaps in README.md. Exit status: number of FAILED checks.
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *charset;
  const char *native; /* text in that charset (glibc iconv output) */
  const char *utf8;   /* the same text in UTF-8 */
} Sample;

static const Sample samples[] = {
  /* "한국어 메일" */
  { "EUC-KR", "\xc7\xd1\xb1\xb9\xbe\xee\x20\xb8\xde\xc0\xcf",
    "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4\x20\xeb\xa9\x94\xec\x9d\xbc" },
  /* "日本語のメール" */
  { "ISO-2022-JP",
    "\x1b\x24\x42\x46\x7c\x4b\x5c\x38\x6c\x24\x4e\x25\x61\x21\x3c\x25\x6b\x1b\x28\x42",
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab" },
  { "Shift_JIS", "\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x83\x81\x81\x5b\x83\x8b",
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab" },
  { "EUC-JP", "\xc6\xfc\xcb\xdc\xb8\xec\xa4\xce\xa5\xe1\xa1\xbc\xa5\xeb",
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab" },
  /* "中文郵件" */
  { "Big5", "\xa4\xa4\xa4\xe5\xb6\x6c\xa5\xf3",
    "\xe4\xb8\xad\xe6\x96\x87\xe9\x83\xb5\xe4\xbb\xb6" },
  /* "中文邮件" */
  { "GB2312", "\xd6\xd0\xce\xc4\xd3\xca\xbc\xfe",
    "\xe4\xb8\xad\xe6\x96\x87\xe9\x82\xae\xe4\xbb\xb6" },
  { "GBK", "\xd6\xd0\xce\xc4\xd3\xca\xbc\xfe",
    "\xe4\xb8\xad\xe6\x96\x87\xe9\x82\xae\xe4\xbb\xb6" },
  { "GB18030", "\xd6\xd0\xce\xc4\xd3\xca\xbc\xfe",
    "\xe4\xb8\xad\xe6\x96\x87\xe9\x82\xae\xe4\xbb\xb6" },
  /* "Привет" */
  { "KOI8-R", "\xf0\xd2\xc9\xd7\xc5\xd4",
    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82" },
  { "windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2",
    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82" },
};

static int failures;

static void
check (const char *what, const char *charset, const char *got, const char *want)
{
  gboolean ok = got != NULL && strcmp (got, want) == 0;
  printf ("Checking decode %s (%s)... %s\n", charset, what, ok ? "PASSED" : "FAILED");
  if (!ok) {
    fprintf (stderr, "decode %s (%s): got %s\n", charset, what, got ? got : "(null)");
    failures++;
  }
}

static char *
convert (const char *to, const char *from, const char *text)
{
  iconv_t cd = g_mime_iconv_open (to, from);
  char *out;

  if (cd == (iconv_t) -1)
    return NULL;
  out = g_mime_iconv_strdup (cd, text);
  g_mime_iconv_close (cd);
  return out;
}

int
main (void)
{
  size_t i;

  g_mime_init ();

  for (i = 0; i < G_N_ELEMENTS (samples); i++) {
    const Sample *s = &samples[i];
    char *utf8, *b64, *header, *decoded, *encoded, *back;
    iconv_t cd;

    utf8 = convert ("UTF-8", s->charset, s->native);
    check ("iconv", s->charset, utf8, s->utf8);
    g_free (utf8);

    b64 = g_base64_encode ((const guchar *) s->native, strlen (s->native));
    header = g_strdup_printf ("=?%s?B?%s?=", s->charset, b64);
    decoded = g_mime_utils_header_decode_text (NULL, header);
    check ("rfc2047", s->charset, decoded, s->utf8);
    g_free (decoded);
    g_free (header);
    g_free (b64);

    /* The encoder, reported only. */
    cd = g_mime_iconv_open (s->charset, "UTF-8");
    if (cd == (iconv_t) -1) {
      printf ("Encoder %s: none\n", s->charset);
      continue;
    }
    g_mime_iconv_close (cd);
    encoded = convert (s->charset, "UTF-8", s->utf8);
    if (encoded != NULL && strcmp (encoded, s->native) == 0) {
      printf ("Encoder %s: exact\n", s->charset);
    } else {
      back = encoded ? convert ("UTF-8", s->charset, encoded) : NULL;
      printf ("Encoder %s: %s (%zu bytes, glibc: %zu)\n", s->charset,
              back && strcmp (back, s->utf8) == 0 ? "differs-roundtrips" : "differs-broken",
              encoded ? strlen (encoded) : (size_t) 0, strlen (s->native));
      g_free (back);
    }
    g_free (encoded);
  }

  g_mime_shutdown ();
  return failures;
}
