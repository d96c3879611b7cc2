#include "pop3/auth/base64.hpp"

#include <array>

namespace pop3::auth {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for alphabet characters, kInvalid for everything else ('=' included: it is handled by
// position, never by lookup).
constexpr std::uint8_t kInvalid = 0xff;
constexpr std::array<std::uint8_t, 256> kDecode = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}();

Error decode_error(const char* rule, std::size_t offset) {
  return make_error(ErrorCode::kInvalidArgument,
                    std::string("base64: ") + rule + " at offset " + std::to_string(offset));
}

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group =
        (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(kAlphabet[group >> 18]);
    out.push_back(kAlphabet[(group >> 12) & 0x3f]);
    out.push_back(kAlphabet[(group >> 6) & 0x3f]);
    out.push_back(kAlphabet[group & 0x3f]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = std::uint32_t{bytes[i]} << 16;
    if (rest == 2) group |= std::uint32_t{bytes[i + 1]} << 8;
    out.push_back(kAlphabet[group >> 18]);
    out.push_back(kAlphabet[(group >> 12) & 0x3f]);
    out.push_back(rest == 2 ? kAlphabet[(group >> 6) & 0x3f] : '=');
    out.push_back('=');
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return base64_encode(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "base64: length " + std::to_string(text.size()) +
                          " is not a multiple of 4 (padding is required)");
  }
  // Padding: at most two '=' and only at the very end. Anything else with '=' falls through to
  // the alphabet check below and is reported at its offset.
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') {
    padding = text[text.size() - 2] == '=' ? 2 : 1;
  }
  const std::size_t data_length = text.size() - padding;

  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t group = 0;
  for (std::size_t i = 0; i < data_length; ++i) {
    const std::uint8_t value = kDecode[static_cast<unsigned char>(text[i])];
    if (value == kInvalid) {
      return decode_error(
          text[i] == '=' ? "padding before the end" : "character outside the alphabet", i);
    }
    group = (group << 6) | value;
    if (i % 4 == 3) {
      out.push_back(static_cast<char>(group >> 16));
      out.push_back(static_cast<char>((group >> 8) & 0xff));
      out.push_back(static_cast<char>(group & 0xff));
      group = 0;
    }
  }
  // The final quantum: 2 characters (12 bits, 8 used) or 3 characters (18 bits, 16 used).
  // The unused low bits must be zero, or two texts would decode to the same bytes.
  if (padding == 2) {
    if ((group & 0x0f) != 0) return decode_error("non-zero bits before padding", data_length - 1);
    out.push_back(static_cast<char>(group >> 4));
  } else if (padding == 1) {
    if ((group & 0x03) != 0) return decode_error("non-zero bits before padding", data_length - 1);
    out.push_back(static_cast<char>(group >> 10));
    out.push_back(static_cast<char>((group >> 2) & 0xff));
  }
  return out;
}

}  // namespace pop3::auth
