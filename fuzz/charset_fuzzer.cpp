// The MIME module's own text decoding on arbitrary bytes: RFC 2047 header decoding, the merging
// of encoded-word runs done before GMime parses address headers, and every charset decoder fed
// in two pieces (the cut may split a character). Input: one byte of options, then the text.
// Invariants: no crash; every output is valid UTF-8; merging runs does not change what a header
// decodes to; the UHC extension decoder (natively on glibc's EUC-KR, which lacks the extension
// as Node's TextDecoder does) behaves like the others.
#include <memory>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "mime/charset_backend.hpp"
#include "mime/header_text.hpp"
#include "mime/uhc_extension.hpp"
#include "pop3/utf8.hpp"

using namespace pop3;
using fuzz::require;

namespace {

// Labels that reach every decoder of our own and a few of the platform's.
constexpr const char* kCharsets[] = {"utf-8",    "utf-7",        "utf-16",    "utf-16le",
                                     "utf-32be", "windows-1252", "shift_jis", "iso-2022-jp",
                                     "euc-kr",   "gb18030",      "x-unknown"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t options = input.byte();
  const std::string_view text = input.rest();

  const std::string decoded = mime::decode_header_text(text);
  require(is_valid_utf8(decoded));
  require(mime::decode_header_text(mime::merge_encoded_word_runs(text)) == decoded);

  static const auto uhc_table =
      mime::uhc_extension_table([] { return mime::open_platform_decoder("euckr"); });
  require(uhc_table.has_value());
  std::unique_ptr<mime::Decoder> decoder;
  const std::size_t which = options % (std::size(kCharsets) + 1);
  if (which == std::size(kCharsets)) {
    decoder = mime::uhc_decoder(mime::open_platform_decoder("euckr"), *uhc_table);
  } else {
    decoder = mime::open_decoder(kCharsets[which]);
  }
  if (!decoder) return 0;
  std::string out;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t cut = text.empty() ? 0 : (options >> 4) % text.size();
  decoder->decode(bytes, cut, false, out);
  decoder->decode(bytes + cut, text.size() - cut, true, out);
  require(is_valid_utf8(out));
  return 0;
}
