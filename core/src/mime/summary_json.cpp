// The MessageSummary as JSON. Field names come from the contract (scripts/contract/contract.json,
// generated into pop3/generated/mime_fields.hpp); bindings/js/mime.js takes them as they come, and
// tests/js/mime-fields.test.mjs holds this output, the contract, mime.d.ts and docs/mime.md to
// the same names in the same order.
#include "json_writer.hpp"
#include "pop3/generated/mime_fields.hpp"
#include "pop3/mime/message_summary.hpp"

namespace pop3::mime {
namespace {

void write(JsonWriter& json, const std::optional<std::string>& value) {
  if (value) {
    json.string(*value);
  } else {
    json.null();
  }
}

void write(JsonWriter& json, const std::optional<std::int64_t>& value) {
  if (value) {
    json.number(*value);
  } else {
    json.null();
  }
}

void write(JsonWriter& json, const std::vector<MailAddress>& addresses) {
  json.begin_array();
  for (const auto& address : addresses) {
    json.begin_object();
    json.key(field::kName);
    write(json, address.name);
    json.key(field::kAddress);
    write(json, address.address);
    json.end_object();
  }
  json.end_array();
}

void write(JsonWriter& json, const PartNode& node) {
  json.begin_object();
  json.key(field::kPartId);
  json.string(node.part_id);
  json.key(field::kContentType);
  json.string(node.content_type);
  json.key(field::kCharset);
  write(json, node.charset);
  json.key(field::kTransferEncoding);
  write(json, node.transfer_encoding);
  json.key(field::kDisposition);
  write(json, node.disposition);
  json.key(field::kFilename);
  write(json, node.filename);
  json.key(field::kContentId);
  write(json, node.content_id);
  json.key(field::kSize);
  write(json, node.size);
  json.key(field::kChildren);
  json.begin_array();
  for (const auto& child : node.children) write(json, child);
  json.end_array();
  json.end_object();
}

void write(JsonWriter& json, const AttachmentInfo& attachment) {
  json.begin_object();
  json.key(field::kPartId);
  json.string(attachment.part_id);
  json.key(field::kFilename);
  write(json, attachment.filename);
  json.key(field::kContentType);
  json.string(attachment.content_type);
  json.key(field::kSize);
  write(json, attachment.size);
  json.key(field::kContentId);
  write(json, attachment.content_id);
  json.key(field::kDisposition);
  write(json, attachment.disposition);
  json.key(field::kRelated);
  json.boolean(attachment.related);
  json.key(field::kSha256);
  write(json, attachment.sha256);
  json.end_object();
}

void write(JsonWriter& json, const Damage& damage) {
  json.begin_object();
  json.key(field::kPartId);
  write(json, damage.part_id);
  json.key(field::kKind);
  json.string(damage.kind);
  json.key(field::kMessage);
  json.string(damage.message);
  json.key(field::kOffset);
  write(json, damage.offset);
  json.end_object();
}

template <typename T>
void write_array(JsonWriter& json, const std::vector<T>& items) {
  json.begin_array();
  for (const auto& item : items) write(json, item);
  json.end_array();
}

}  // namespace

std::string summary_json(const MessageSummary& summary) {
  JsonWriter json;
  json.begin_object();
  json.key(field::kHeaders);
  json.begin_array();
  for (const auto& header : summary.headers) {
    json.begin_object();
    json.key(field::kName);
    json.string(header.name);
    json.key(field::kValue);
    json.string(header.value);
    json.end_object();
  }
  json.end_array();
  json.key(field::kSubject);
  write(json, summary.subject);
  json.key(field::kFrom);
  write(json, summary.from);
  json.key(field::kSender);
  write(json, summary.sender);
  json.key(field::kReplyTo);
  write(json, summary.reply_to);
  json.key(field::kTo);
  write(json, summary.to);
  json.key(field::kCc);
  write(json, summary.cc);
  json.key(field::kBcc);
  write(json, summary.bcc);
  json.key(field::kDate);
  write(json, summary.date);
  json.key(field::kMessageId);
  write(json, summary.message_id);
  json.key(field::kInReplyTo);
  write(json, summary.in_reply_to);
  json.key(field::kReferences);
  json.begin_array();
  for (const auto& id : summary.references) json.string(id);
  json.end_array();
  json.key(field::kText);
  write(json, summary.text);
  json.key(field::kHtml);
  write(json, summary.html);
  json.key(field::kAttachments);
  write_array(json, summary.attachments);
  json.key(field::kParts);
  if (summary.parts) {
    write(json, *summary.parts);
  } else {
    json.null();
  }
  json.key(field::kDamage);
  write_array(json, summary.damage);
  json.end_object();
  return json.take();
}

}  // namespace pop3::mime
