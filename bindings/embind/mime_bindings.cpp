// The MIME module's interface to JS (a WASM module of its own, loaded on first use): a few plain
// exported functions, called by bindings/js/mime.js. Not Embind: each Embind call costs more
// than a small message takes to summarise once the invokers cannot be generated
// (-sDYNAMIC_EXECUTION=0), and its runtime was a tenth of the module's download.
//
// A message goes in chunk by chunk: JS asks for room at the end of the parser's buffer and
// copies the chunk straight there (one copy, no staging). Results (the summary JSON, a part's
// bytes, a digest) are left in the document's output buffer, whose address and length JS reads
// and copies at once: the next call may reuse the buffer or grow memory. Conversion only; the
// logic is in core/src/mime.
#include <emscripten/emscripten.h>

#include <memory>
#include <optional>
#include <string>

#include "pop3/mime/message_summary.hpp"
#include "pop3/mime/mime_message.hpp"

namespace {

struct MimeDocument {
  pop3::mime::MimeParser parser;
  std::unique_ptr<pop3::mime::MimeMessage> message;
  std::string output;  // what the last call handed to JS

  // Leaves `value` in `output`; its address, or null for nothing.
  const char* hand_out(std::optional<std::string> value) {
    if (!value) return nullptr;
    output = std::move(*value);
    return output.data();
  }
};

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE MimeDocument* pop3_mime_open() {
  return new MimeDocument();
}

EMSCRIPTEN_KEEPALIVE void pop3_mime_close(MimeDocument* doc) {
  delete doc;
}

// Where JS writes the next `length` bytes of the message (HEAPU8.set(chunk, address)).
EMSCRIPTEN_KEEPALIVE char* pop3_mime_input(MimeDocument* doc, std::size_t length) {
  return doc->parser.append_space(length);
}

// Parses what was written; the summary JSON is the output.
EMSCRIPTEN_KEEPALIVE const char* pop3_mime_finish(MimeDocument* doc) {
  doc->message = doc->parser.finish();
  return doc->hand_out(pop3::mime::summary_json(doc->message->summary()));
}

EMSCRIPTEN_KEEPALIVE std::size_t pop3_mime_output_length(const MimeDocument* doc) {
  return doc->output.size();
}

// Frees the output (a summary JSON can be as large as the message's text).
EMSCRIPTEN_KEEPALIVE void pop3_mime_release_output(MimeDocument* doc) {
  std::string().swap(doc->output);
}

// The decoded bytes of part `part_id` as the output, or null if there is no such part.
EMSCRIPTEN_KEEPALIVE const char* pop3_mime_part_content(MimeDocument* doc, const char* part_id) {
  return doc->hand_out(doc->message ? doc->message->part_content(part_id) : std::nullopt);
}

// Hex SHA-256 of a part's decoded bytes as the output, or null if there is no such part.
EMSCRIPTEN_KEEPALIVE const char* pop3_mime_part_sha256(MimeDocument* doc, const char* part_id) {
  return doc->hand_out(doc->message ? doc->message->part_sha256(part_id) : std::nullopt);
}

// Decoded size of a part, or -1 if there is no such part (a double: JS numbers, no BigInt).
EMSCRIPTEN_KEEPALIVE double pop3_mime_part_size(MimeDocument* doc, const char* part_id) {
  const auto size = doc->message ? doc->message->part_size(part_id) : std::nullopt;
  return size ? static_cast<double>(*size) : -1;
}

EMSCRIPTEN_KEEPALIVE void pop3_mime_set_builtin_charsets_only(int only) {
  pop3::mime::set_charset_mode(only ? pop3::mime::CharsetMode::kBuiltinOnly
                                    : pop3::mime::CharsetMode::kPlatform);
}

}  // extern "C"
