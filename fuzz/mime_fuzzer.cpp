// The MIME wrapper on arbitrary messages (GMime is Debian's, not instrumented; the wrapper, its
// header decoder and charset decoders are). Input: one byte of options, then the message.
// Invariants: no crash; the summary is valid UTF-8 JSON; parsing in chunks gives the same summary
// as parsing at once; header text decodes to valid UTF-8, and merging encoded-word runs (done
// before GMime parses address headers) does not change what the text decodes to; every charset
// decoder gives valid UTF-8 for any bytes, the UHC extension decoder included (natively on
// glibc's EUC-KR, which lacks the extension as Node's TextDecoder does).
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "mime/charset_backend.hpp"
#include "mime/header_text.hpp"
#include "mime/uhc_extension.hpp"
#include "pop3/mime/mime_message.hpp"
#include "pop3/utf8.hpp"

using namespace pop3;

namespace {

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void require(bool condition) {
  if (!condition) std::abort();
}

// Labels that reach every decoder of our own and a few of the platform's.
constexpr const char* kCharsets[] = {"utf-8", "utf-7", "utf-16", "utf-16le", "utf-32be", "windows-1252",
                                     "iso-8859-1", "shift_jis", "iso-2022-jp", "euc-kr", "gb18030", "x-unknown"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t options = input.byte();
  mime::set_charset_mode((options & 1) ? mime::CharsetMode::kBuiltinOnly : mime::CharsetMode::kPlatform);
  const std::string message(input.rest());

  const auto whole = mime::MimeMessage::parse(message);
  const std::string& json = whole->json();
  require(json.size() >= 2 && json.front() == '{' && json.back() == '}' && valid_utf8(json));
  for (const char* part : {"", "1", "2", "1.1", "2.1.3"}) {
    if (auto content = whole->part_content(part)) require(content->size() <= message.size() * 4 + 64);
  }

  // In chunks of a size chosen by the options byte: the same summary.
  mime::MimeParser parser;
  const std::size_t chunk = 1 + (options >> 1);
  for (std::size_t at = 0; at < message.size(); at += chunk) parser.append(std::string_view(message).substr(at, chunk));
  require(parser.finish()->json() == json);

  const std::string_view head(message.data(), std::min<std::size_t>(message.size(), 4096));
  const std::string decoded = mime::decode_header_text(head);
  require(valid_utf8(decoded));
  require(mime::decode_header_text(mime::merge_encoded_word_runs(head)) == decoded);

  static const auto uhc_table = mime::uhc_extension_table([] { return mime::open_platform_decoder("euckr"); });
  require(uhc_table.has_value());
  std::vector<std::unique_ptr<mime::Decoder>> decoders;
  decoders.push_back(mime::uhc_decoder(mime::open_platform_decoder("euckr"), *uhc_table));
  for (const char* charset : kCharsets) decoders.push_back(mime::open_decoder(charset));
  for (auto& decoder : decoders) {
    if (!decoder) continue;
    std::string out;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(head.data());
    const std::size_t split = head.size() / 2 + (options & 1);  // odd splits cut pairs in two
    decoder->decode(bytes, std::min(split, head.size()), false, out);
    decoder->decode(bytes + std::min(split, head.size()), head.size() - std::min(split, head.size()), true, out);
    require(valid_utf8(out));
  }
  return 0;
}
