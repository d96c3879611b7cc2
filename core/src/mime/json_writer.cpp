#include "json_writer.hpp"

namespace pop3::mime {
namespace {

std::size_t utf8_sequence(std::string_view s, std::size_t i) {
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

}  // namespace

std::string valid_utf8(std::string_view text, bool* replaced) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      if (replaced) *replaced = true;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

void JsonWriter::separator() {
  if (!first_) out_ += ',';
  first_ = false;
}

void JsonWriter::value_prefix() {
  if (after_key_) {
    after_key_ = false;
  } else {
    separator();
  }
}

void JsonWriter::key(std::string_view name) {
  separator();
  quoted(name);
  out_ += ':';
  after_key_ = true;
}

void JsonWriter::string(std::string_view value) {
  value_prefix();
  quoted(value);
}

void JsonWriter::quoted(std::string_view value) {
  bool replaced = false;
  const std::string clean = valid_utf8(value, &replaced);
  replaced_ = replaced;
  out_ += '"';
  for (const char c : clean) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          static constexpr char kHex[] = "0123456789abcdef";
          out_ += "\\u00";
          out_ += kHex[u >> 4];
          out_ += kHex[u & 15];
        } else {
          out_ += c;
        }
    }
  }
  out_ += '"';
}

void JsonWriter::string_or_null(const char* value) {
  if (value) {
    string(value);
  } else {
    null();
  }
}

void JsonWriter::number(std::int64_t value) {
  value_prefix();
  out_ += std::to_string(value);
}

void JsonWriter::boolean(bool value) {
  value_prefix();
  out_ += value ? "true" : "false";
}

void JsonWriter::null() {
  value_prefix();
  out_ += "null";
}

}  // namespace pop3::mime
