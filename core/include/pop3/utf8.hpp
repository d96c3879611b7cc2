// UTF-8 encoding and validation shared by the protocol bindings (server text shown to JS) and the
// MIME module (its JSON). Header-only: the MIME module links no other part of the core.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pop3 {

// Appends code point `cp` (at most U+10FFFF, not a surrogate: callers decode valid input or
// substitute U+FFFD) in UTF-8.
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Length of the valid UTF-8 sequence at `s[i]`, or 0 if it is invalid: overlong forms,
// surrogates and code points above U+10FFFF are invalid (RFC 3629 section 3).
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t n;
  unsigned min;
  unsigned cp;
  if ((b0 & 0xe0) == 0xc0) {
    n = 2, min = 0x80, cp = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    n = 3, min = 0x800, cp = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    n = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// True if all of `s` is valid UTF-8.
inline bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// `text` with every invalid UTF-8 sequence replaced by U+FFFD; `replaced` says if any was. Valid
// runs are copied in one append: this carries whole text bodies.
inline std::string valid_utf8(std::string_view text, bool* replaced = nullptr) {
  std::string out;
  out.reserve(text.size());
  std::size_t run = 0;  // start of the valid bytes not copied yet
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n != 0) {
      i += n;
      continue;
    }
    out.append(text.substr(run, i - run));
    out += "\xEF\xBF\xBD";
    if (replaced) *replaced = true;
    run = ++i;
  }
  out.append(text.substr(run));
  return out;
}

}  // namespace pop3
