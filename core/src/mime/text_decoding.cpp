#include "text_decoding.hpp"

#include "charset_backend.hpp"
#include "json_writer.hpp"

namespace pop3::mime {

std::optional<std::string> convert_to_utf8(std::string_view charset, std::string_view bytes, bool* damaged) {
  auto decoder = open_decoder(charset);
  if (!decoder) return std::nullopt;
  std::string out;
  decoder->decode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), true, out);
  if (decoder->replacements() > 0 && damaged) *damaged = true;
  return out;
}

std::string undeclared_text(std::string_view bytes, bool* damaged) {
  bool invalid = false;
  std::string utf8 = valid_utf8(bytes, &invalid);
  if (!invalid) return utf8;
  auto latin = convert_to_utf8("windows-1252", bytes, damaged);
  return latin ? *latin : utf8;
}

std::string decode_text(std::string_view bytes, const char* charset, bool* damaged) {
  if (charset && *charset) {
    if (auto converted = convert_to_utf8(charset, bytes, damaged)) return *converted;
  }
  return undeclared_text(bytes, damaged);
}

}  // namespace pop3::mime
