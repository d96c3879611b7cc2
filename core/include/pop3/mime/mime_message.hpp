// A parsed e-mail message (the MIME module, on GMime). Parsing never fails: a message that is
// damaged still yields what can be read, and the damage is listed, never thrown away silently.
//
// Parsing reads the summary (message_summary.hpp) once; the bytes of attachments are decoded only
// when asked for, by part id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pop3/mime/message_summary.hpp"

struct _GMimeStream;  // GMime's stream type, kept out of this header's dependencies

namespace pop3::mime {

class MimeParser;

class MimeMessage {
 public:
  // Parses a whole message as POP3 delivers it (CRLF line ends; LF is accepted too).
  static std::unique_ptr<MimeMessage> parse(std::string_view bytes);
  ~MimeMessage();
  MimeMessage(const MimeMessage&) = delete;
  MimeMessage& operator=(const MimeMessage&) = delete;

  const MessageSummary& summary() const;

  // The decoded content (transfer encoding removed) of the leaf part `part_id` ("1", "2.1", ...);
  // for message/rfc822 parts, the embedded message. Nothing if there is no such leaf part.
  std::optional<std::string> part_content(std::string_view part_id) const;
  // The size of part_content(), without keeping the bytes.
  std::optional<std::int64_t> part_size(std::string_view part_id) const;
  // Hex SHA-256 of part_content().
  std::optional<std::string> part_sha256(std::string_view part_id) const;

  // The summary with every attachment's size and SHA-256 filled in (decodes every attachment).
  MessageSummary summary_with_digests() const;

 private:
  friend class MimeParser;
  struct Impl;
  explicit MimeMessage(std::unique_ptr<Impl> impl);
  static std::unique_ptr<MimeMessage> from_stream(_GMimeStream* stream);
  std::unique_ptr<Impl> impl_;
};

// Charset decoding: kPlatform decodes every charset the platform knows (TextDecoder in WASM,
// the C library's iconv natively); kBuiltinOnly keeps to the module's own decoders (UTF-8,
// windows-1252, UTF-16/32, UTF-7), which behave identically everywhere: the mode in which the
// native oracle and the WASM module are compared.
enum class CharsetMode { kPlatform, kBuiltinOnly };
void set_charset_mode(CharsetMode mode);

// Collects a message chunk by chunk (as RETR streams it), then parses it.
class MimeParser {
 public:
  MimeParser();
  ~MimeParser();
  MimeParser(const MimeParser&) = delete;
  MimeParser& operator=(const MimeParser&) = delete;

  void append(std::string_view chunk);
  // Room for the next `size` bytes of the message, at the end of what was appended: the caller
  // writes them there (the WASM binding copies a chunk from JS straight into it). Valid until
  // the next call on the parser.
  char* append_space(std::size_t size);
  // Parses what was appended; the parser is empty again afterwards.
  std::unique_ptr<MimeMessage> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pop3::mime
