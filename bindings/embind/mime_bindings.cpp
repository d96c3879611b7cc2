// Embind surface of the MIME module (a WASM module of its own, loaded on first use): a message
// is appended chunk by chunk through a staging buffer, parsed, then read as JSON, with parts
// decoded on demand. Conversion only; the logic is in core/src/mime.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pop3/mime/mime_message.hpp"

namespace pop3::bindings {

using emscripten::val;

class MimeDocument {
 public:
  // Staging area: JS copies a chunk to HEAPU8 here, then calls append(length).
  std::uintptr_t input_buffer(std::size_t length) {
    if (input_.size() < length) input_.resize(length);
    return reinterpret_cast<std::uintptr_t>(input_.data());
  }
  void append(std::size_t length) {
    parser_.append(std::string_view(reinterpret_cast<const char*>(input_.data()),
                                    std::min(length, input_.size())));
  }
  void finish() {
    message_ = parser_.finish();
    input_.clear();
    input_.shrink_to_fit();
  }
  std::string json() const { return message_ ? message_->json() : std::string("null"); }
  // The decoded bytes of a part as a Uint8Array (a copy), or null.
  val part_content(std::string part_id) const {
    if (!message_) return val::null();
    const auto content = message_->part_content(part_id);
    if (!content) return val::null();
    return val::global("Uint8Array")
        .new_(emscripten::typed_memory_view(
            content->size(), reinterpret_cast<const unsigned char*>(content->data())));
  }

 private:
  std::vector<std::uint8_t> input_;
  mime::MimeParser parser_;
  std::unique_ptr<mime::MimeMessage> message_;
};

void set_builtin_charsets_only(bool only) {
  mime::set_charset_mode(only ? mime::CharsetMode::kBuiltinOnly : mime::CharsetMode::kPlatform);
}

EMSCRIPTEN_BINDINGS(pop3_mime) {
  emscripten::function("setBuiltinCharsetsOnly", &set_builtin_charsets_only);
  emscripten::class_<MimeDocument>("MimeDocument")
      .constructor<>()
      .function("inputBuffer", &MimeDocument::input_buffer)
      .function("append", &MimeDocument::append)
      .function("finish", &MimeDocument::finish)
      .function("json", &MimeDocument::json)
      .function("partContent", &MimeDocument::part_content);
}

}  // namespace pop3::bindings
