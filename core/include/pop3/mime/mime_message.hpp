// A parsed e-mail message (the MIME module, on GMime). Parsing never fails: a message that is
// damaged still yields what can be read, and the damage is listed, never thrown away silently.
//
// The summary is JSON (one format for the WASM module, the native oracle and the tests):
//   { headers, subject, from, sender, replyTo, to, cc, bcc, date, messageId, inReplyTo,
//     references, text, html, attachments, parts, damage }
// (docs/mime.md describes every field). Attachment bytes are not part of it: they are decoded
// on demand with part_content().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

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

  // The summary as JSON (valid UTF-8: undecodable text is replaced by U+FFFD and reported).
  const std::string& json() const { return json_; }
  // The decoded content (transfer encoding removed) of the part `part_id` ("1", "2.1", ...);
  // for message/rfc822 parts, the embedded message. Nothing if there is no such leaf part.
  std::optional<std::string> part_content(std::string_view part_id) const;

 private:
  friend class MimeParser;
  struct Impl;
  explicit MimeMessage(std::unique_ptr<Impl> impl);
  static std::unique_ptr<MimeMessage> from_stream(_GMimeStream* stream);
  std::unique_ptr<Impl> impl_;
  std::string json_;
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
  // Parses what was appended; the parser is empty again afterwards.
  std::unique_ptr<MimeMessage> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pop3::mime
