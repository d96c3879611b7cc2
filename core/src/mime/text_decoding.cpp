#include "text_decoding.hpp"

#include "charset_backend.hpp"
#include "pop3/utf8.hpp"

namespace pop3::mime {

std::optional<std::string> convert_to_utf8(std::string_view charset, std::string_view bytes,
                                           bool* damaged) {
  auto decoder = open_decoder(charset);
  if (!decoder) return std::nullopt;
  std::string out;
  decoder->decode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), true, out);
  if (decoder->replacements() > 0 && damaged) *damaged = true;
  return out;
}

std::string undeclared_text(std::string_view bytes, bool* damaged) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  auto latin = convert_to_utf8("windows-1252", bytes, damaged);
  return latin ? *latin : valid_utf8(bytes);
}

std::string decode_text(std::string_view bytes, const char* charset, bool* damaged) {
  if (charset && *charset) {
    if (auto converted = convert_to_utf8(charset, bytes, damaged)) return *converted;
  }
  return undeclared_text(bytes, damaged);
}

}  // namespace pop3::mime
