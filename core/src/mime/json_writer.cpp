#include "json_writer.hpp"

#include "pop3/utf8.hpp"

namespace pop3::mime {

std::string valid_utf8(std::string_view text, bool* replaced) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = pop3::utf8_sequence_length(text, i);
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
