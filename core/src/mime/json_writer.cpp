#include "json_writer.hpp"

#include "pop3/utf8.hpp"

namespace pop3::mime {

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

// Bytes that need no escaping are copied a run at a time: the summary carries whole text bodies,
// and a byte-at-a-time copy was most of the cost of building it.
void JsonWriter::quoted(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_ += '"';
  std::size_t run = 0;  // start of the bytes that go out unchanged, not copied yet
  for (std::size_t i = 0; i < value.size();) {
    const auto u = static_cast<unsigned char>(value[i]);
    if (u >= 0x20 && u != '"' && u != '\\' && u != 0x7f) {
      const std::size_t n = u < 0x80 ? 1 : pop3::utf8_sequence_length(value, i);
      if (n != 0) {
        i += n;
        continue;
      }
    }
    out_.append(value.substr(run, i - run));
    switch (u) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out_ += "\\u00";
          out_ += kHex[u >> 4];
          out_ += kHex[u & 15];
        } else {  // an invalid UTF-8 sequence starts here
          out_ += "\xEF\xBF\xBD";
        }
    }
    run = ++i;
  }
  out_.append(value.substr(run));
  out_ += '"';
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
