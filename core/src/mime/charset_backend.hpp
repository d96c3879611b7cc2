// Charset decoding for the MIME module, under GMime: GMime and GLib convert through iconv(3), and
// iconv_shim.cpp routes every such conversion here, so that decoding does not depend on the
// platform's iconv (glibc natively, musl in WASM: they disagree on a dozen real-world charsets).
//
// Backends:
//  - web (WASM): the platform's TextDecoder, i.e. the WHATWG Encoding Standard that browsers and
//    mail clients such as Thunderbird implement; musl's iconv and its tables are not linked at all.
//  - system (native): the C library's iconv, under the same label handling.
//  - builtin: decoders of our own for UTF-8, US-ASCII, ISO-8859-1, UTF-16/32 (RFC 2781 byte order
//    rules) and UTF-7 (RFC 2152, which WHATWG leaves out). Always tried first; and, alone, the
//    deterministic backend that makes the native oracle and the WASM module comparable byte for
//    byte (tests/js/mime-oracle.test.mjs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace pop3::mime {

// Converts one charset to UTF-8, incrementally (a multi-byte sequence may span calls).
class Decoder {
 public:
  virtual ~Decoder() = default;
  // Appends the UTF-8 for `input` to `out`; `flush` ends the stream (pending bytes are decoded
  // or replaced). Undecodable bytes become U+FFFD and are counted in replacements().
  virtual void decode(const std::uint8_t* input, std::size_t size, bool flush,
                      std::string& out) = 0;
  virtual std::size_t replacements() const { return replacements_; }

 protected:
  // Records one U+FFFD substitution (also in total_replacements()).
  void count_replacement();

 private:
  std::size_t replacements_ = 0;
};

// The backend of the platform (web or system): a decoder, or nothing for an unknown label.
std::unique_ptr<Decoder> open_platform_decoder(std::string_view normalised_label);

enum class CharsetBackend : std::uint8_t { kPlatform, kBuiltinOnly };

// Which backend opens decoders from now on (kPlatform: web in WASM, system natively).
void set_charset_backend(CharsetBackend backend);
CharsetBackend charset_backend();

// A decoder from `label` (any spelling: quotes, spaces, case, iconv or WHATWG names) to UTF-8,
// or nothing if the charset is unknown.
std::unique_ptr<Decoder> open_decoder(std::string_view label);

// Replacements made by all decoders since the last reset (for the damage report).
std::size_t total_replacements();
void reset_total_replacements();

// Label normalisation shared by the backends: trimmed, unquoted, lower case, iconv names mapped
// to their WHATWG equivalents ("ucs-2be" -> "utf-16be", "eucjp" -> "euc-jp", ...).
std::string normalise_charset_label(std::string_view label);

}  // namespace pop3::mime
