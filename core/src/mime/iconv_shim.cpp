// iconv(3) for GMime and GLib, routed to the MIME module's decoders (charset_backend.hpp). This
// file defines iconv_open, iconv and iconv_close: in WASM they replace musl's (whose tables are
// then not linked at all); natively they interpose glibc's for libgmime and libglib. Only
// conversions to UTF-8 exist: GMime's parser never needs the other direction, and refusing it
// with EINVAL makes GMime take its own fallback.
#include <iconv.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "charset_backend.hpp"

namespace pop3::mime {
namespace {

struct Conversion {
  std::unique_ptr<Decoder> decoder;
  std::string pending;  // decoded UTF-8 that did not fit the caller's buffer yet
  std::size_t pending_at = 0;
};

bool is_utf8(const char* name) {
  return normalise_charset_label(name ? name : "") == "utf-8";
}

// Copies pending output into the caller's buffer; false if some is left (E2BIG).
bool drain(Conversion& c, char** outbuf, std::size_t* outleft) {
  const std::size_t available = c.pending.size() - c.pending_at;
  if (available == 0) return true;
  if (!outbuf || !*outbuf || !outleft) return false;
  const std::size_t n = std::min(available, *outleft);
  std::memcpy(*outbuf, c.pending.data() + c.pending_at, n);
  *outbuf += n;
  *outleft -= n;
  c.pending_at += n;
  if (c.pending_at == c.pending.size()) {
    c.pending.clear();
    c.pending_at = 0;
    return true;
  }
  return false;
}

}  // namespace

// Referenced from gmime_support.cpp so that the linker always takes this object (and with it the
// iconv definitions that must win over the C library's).
void link_iconv_shim() {}

}  // namespace pop3::mime

using pop3::mime::Conversion;

extern "C" {

iconv_t iconv_open(const char* tocode, const char* fromcode) {
  if (!pop3::mime::is_utf8(tocode) || !fromcode) {
    errno = EINVAL;
    return reinterpret_cast<iconv_t>(-1);
  }
  auto decoder = pop3::mime::open_decoder(fromcode);
  if (!decoder) {
    errno = EINVAL;
    return reinterpret_cast<iconv_t>(-1);
  }
  return reinterpret_cast<iconv_t>(new Conversion{std::move(decoder), {}, 0});
}

size_t iconv(iconv_t cd, char** inbuf, size_t* inleft, char** outbuf, size_t* outleft) {
  auto* c = reinterpret_cast<Conversion*>(cd);
  if (!c || cd == reinterpret_cast<iconv_t>(-1)) {
    errno = EBADF;
    return static_cast<size_t>(-1);
  }
  if (!pop3::mime::drain(*c, outbuf, outleft)) {
    if (!outbuf) {  // iconv(cd, NULL, NULL, NULL, NULL): reset, dropping what was pending
      c->pending.clear();
      c->pending_at = 0;
      return 0;
    }
    errno = E2BIG;
    return static_cast<size_t>(-1);
  }
  if (!inbuf || !*inbuf) {
    // End of input: decode what the decoder still holds, then hand it out.
    c->decoder->decode(nullptr, 0, true, c->pending);
    if (!pop3::mime::drain(*c, outbuf, outleft) && outbuf) {
      errno = E2BIG;
      return static_cast<size_t>(-1);
    }
    return 0;
  }
  while (*inleft > 0) {
    if (!outbuf || !*outbuf || !outleft || *outleft == 0) {
      errno = E2BIG;
      return static_cast<size_t>(-1);
    }
    // One input byte never yields more than 4 output bytes in UTF-8 (3 for U+FFFD), so this
    // much input fits the space left, or nearly (the rest waits in `pending`).
    const std::size_t take = std::min(*inleft, std::max<std::size_t>(1, *outleft / 4));
    c->decoder->decode(reinterpret_cast<const std::uint8_t*>(*inbuf), take, false, c->pending);
    *inbuf += take;
    *inleft -= take;
    if (!pop3::mime::drain(*c, outbuf, outleft)) {
      errno = E2BIG;
      return static_cast<size_t>(-1);
    }
  }
  return 0;
}

int iconv_close(iconv_t cd) {
  delete reinterpret_cast<Conversion*>(cd);
  return 0;
}

}  // extern "C"
