// Locale-independent ASCII helpers. POP3 keywords are case-insensitive ASCII; <cctype> would
// depend on the C locale and misclassify 8-bit bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pop3::ascii {

constexpr char to_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_printable(char c) {
  return c >= 0x21 && c <= 0x7e;
}

// The value of a digit of base64's standard alphabet (RFC 4648 table 1), or -1. RFC 2047's "B"
// encoding and UTF-7's modified base64 (RFC 2152) share it.
constexpr int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_upper(a[i]) != to_upper(b[i])) return false;
  }
  return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_upper(c);
  return out;
}

// Parses a run of decimal digits that fits in `Max`; no sign, no spaces, no leading "+".
template <typename T>
std::optional<T> parse_decimal(std::string_view s, T max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (static_cast<std::uint64_t>(max) - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return static_cast<T>(value);
}

// Splits off the next space-separated token (runs of spaces count as one separator).
inline std::string_view next_token(std::string_view& s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  const auto end = s.find(' ');
  const std::string_view token = s.substr(0, end);
  s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  return token;
}

}  // namespace pop3::ascii
