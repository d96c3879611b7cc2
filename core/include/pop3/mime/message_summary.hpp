// What the MIME module reads from a message, as plain data: built once from GMime when the
// message is parsed (summary_builder.cpp), written as JSON by summary_json.hpp. docs/mime.md
// describes every field; tests/js/mime-fields.test.mjs checks that the JSON, the TypeScript
// types and that page name the same fields.
//
// Attachment sizes and digests are not read at parse time: they need the part decoded, which
// happens only when asked for (MimeMessage::part_size / part_sha256).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pop3::mime {

struct MailAddress {
  std::optional<std::string> name;  // unfolded and decoded; none without a display name
  std::optional<std::string> address;
};

struct HeaderField {
  std::string name;
  std::string value;  // unfolded, RFC 2047-decoded
};

// A node of the MIME tree.
struct PartNode {
  std::string part_id;  // IMAP section number; "" for a multipart root
  std::string content_type;
  std::optional<std::string> charset;
  std::optional<std::string> transfer_encoding;
  std::optional<std::string> disposition;
  std::optional<std::string> filename;
  std::optional<std::string> content_id;
  std::optional<std::int64_t> size;  // encoded octets of a leaf
  std::vector<PartNode> children;
};

// A leaf that is neither the message's text nor its HTML.
struct AttachmentInfo {
  std::string part_id;
  std::optional<std::string> filename;
  std::string content_type;
  std::optional<std::string> content_id;
  std::optional<std::string> disposition;
  bool related = false;  // inside a multipart/related
  // Decoded size and SHA-256 (hex): only when the caller asked for them (they decode the part).
  std::optional<std::int64_t> size;
  std::optional<std::string> sha256;
};

struct Damage {
  std::optional<std::string> part_id;  // none: not tied to a part
  std::string kind;
  std::string message;
  std::optional<std::int64_t> offset;  // byte offset in the message, when known
};

struct MessageSummary {
  std::vector<HeaderField> headers;
  std::optional<std::string> subject;
  std::vector<MailAddress> from, sender, reply_to, to, cc, bcc;
  std::optional<std::string> date;  // ISO 8601 in UTC
  std::optional<std::string> message_id;
  std::optional<std::string> in_reply_to;
  std::vector<std::string> references;
  std::optional<std::string> text;  // the first text/plain leaf that is not an attachment
  std::optional<std::string> html;  // the first text/html leaf that is not an attachment
  std::vector<AttachmentInfo> attachments;
  std::optional<PartNode> parts;  // none only for a message without any body part
  std::vector<Damage> damage;
};

// The summary as one JSON object (valid UTF-8: invalid bytes become U+FFFD). Attachment sizes
// and digests that were not filled in are written as null.
std::string summary_json(const MessageSummary& summary);

}  // namespace pop3::mime
