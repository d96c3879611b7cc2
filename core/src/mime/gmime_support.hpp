// Small helpers around GMime's C API shared by the MIME module's files: reference ownership,
// one-time initialisation, the parser options, and the part attributes read in several places.
#pragma once

#include <gmime/gmime.h>

#include <string>
#include <utility>

namespace pop3::mime {

// Owns one GObject reference.
template <typename T>
struct Ref {
  T* ptr = nullptr;
  Ref() = default;
  explicit Ref(T* p) : ptr(p) {}
  Ref(Ref&& other) noexcept : ptr(std::exchange(other.ptr, nullptr)) {}
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  ~Ref() {
    if (ptr) g_object_unref(ptr);
  }
};

// Calls g_mime_init() once (and links the iconv shim that GMime converts through).
void initialise_gmime();

// What the parser accepts: real mail breaks the RFCs, so read what can be read. Unlabelled 8-bit
// text is UTF-8 if it is, else Latin-1 (fixed, so that native and WASM agree whatever the host's
// locale). The caller owns the result (g_mime_parser_options_free).
GMimeParserOptions* new_parser_options();

// The same options without a warning callback, made once and shared: for parsing header values
// after the message was parsed (its warnings were reported then).
GMimeParserOptions* quiet_parser_options();

// Lower-case type/subtype; text/plain when the part has no Content-Type.
std::string mime_type(GMimeObject* object);

// Content-Disposition: attachment (in any case).
bool is_attachment_disposition(GMimeObject* object);

// The file name of a part: GMime's reading for ordinary parts (RFC 2231, then "name"); for
// message/rfc822 and other non-GMimePart leaves, the same parameters read directly.
const char* part_filename(GMimeObject* object);

}  // namespace pop3::mime
