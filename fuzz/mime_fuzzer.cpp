// The MIME wrapper on arbitrary messages (GMime is Debian's, not instrumented; the wrapper is).
// Input: one byte of options, then the message.
// Invariants: no crash; the summary is valid UTF-8 JSON; decoded parts are never larger than
// their encoding can produce. (The charset and header decoders have charset_fuzzer.)
#include <string>

#include "fuzz_input.hpp"
#include "pop3/mime/mime_message.hpp"
#include "pop3/utf8.hpp"

using namespace pop3;
using fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t options = input.byte();
  mime::set_charset_mode((options & 1) ? mime::CharsetMode::kBuiltinOnly
                                       : mime::CharsetMode::kPlatform);
  const std::string_view message = input.rest();

  // As RETR delivers it: in chunks of a size chosen by the options byte.
  mime::MimeParser parser;
  const std::size_t chunk = 1 + (options >> 1);
  for (std::size_t at = 0; at < message.size(); at += chunk)
    parser.append(message.substr(at, chunk));
  const auto parsed = parser.finish();
  const std::string json = mime::summary_json(parsed->summary_with_digests());
  require(json.size() >= 2 && json.front() == '{' && json.back() == '}' && is_valid_utf8(json));
  for (const auto& attachment : parsed->summary().attachments) {
    const auto size = parsed->part_size(attachment.part_id);
    require(size &&
            *size == static_cast<std::int64_t>(parsed->part_content(attachment.part_id)->size()));
  }
  // uuencode and base64 shrink; quoted-printable and 8bit keep the size; message/rfc822 parts are
  // re-serialised (line ends may double).
  for (const char* part : {"", "1", "2", "1.1", "2.1.3"}) {
    if (auto content = parsed->part_content(part))
      require(content->size() <= message.size() * 2 + 64);
  }
  return 0;
}
