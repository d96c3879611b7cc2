// Bytes of text in a declared charset (or none) to UTF-8, for bodies and header words.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pop3::mime {

// Converts `bytes` from `charset`; nothing if the charset is unknown. Sets `*damaged` when
// bytes not valid in the charset were replaced by U+FFFD.
std::optional<std::string> convert_to_utf8(std::string_view charset, std::string_view bytes,
                                           bool* damaged);

// Text whose charset is missing or unknown: UTF-8 when valid (RFC 6532), else windows-1252, the
// de-facto charset of unlabelled 8-bit mail.
std::string undeclared_text(std::string_view bytes, bool* damaged);

// The declared charset when it is known, else undeclared_text().
std::string decode_text(std::string_view bytes, const char* charset, bool* damaged);

}  // namespace pop3::mime
