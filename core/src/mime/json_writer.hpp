// A small JSON writer for the MIME summary: strings are always valid UTF-8 JSON (invalid bytes
// become U+FFFD), so the native oracle and the WASM module print byte-identical output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pop3::mime {

class JsonWriter {
 public:
  void begin_object() {
    value_prefix();
    out_ += '{';
    first_ = true;
  }
  void end_object() {
    out_ += '}';
    first_ = false;
  }
  void begin_array() {
    value_prefix();
    out_ += '[';
    first_ = true;
  }
  void end_array() {
    out_ += ']';
    first_ = false;
  }
  void key(std::string_view name);
  void string(std::string_view value);
  void number(std::int64_t value);
  void boolean(bool value);
  void null();

  std::string take() { return std::move(out_); }

 private:
  void separator();     // a comma unless first in its container
  void value_prefix();  // nothing after a key, else a separator
  void quoted(std::string_view text);
  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace pop3::mime
