// The MessageSummary as JSON: the one place where its field names are spelled for JavaScript
// (bindings/js/mime.js takes them as they come; tests/js/mime-fields.test.mjs compares them with
// mime.d.ts and docs/mime.md).
#include "json_writer.hpp"
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
    json.key("name");
    write(json, address.name);
    json.key("address");
    write(json, address.address);
    json.end_object();
  }
  json.end_array();
}

void write(JsonWriter& json, const PartNode& node) {
  json.begin_object();
  json.key("partId");
  json.string(node.part_id);
  json.key("contentType");
  json.string(node.content_type);
  json.key("charset");
  write(json, node.charset);
  json.key("transferEncoding");
  write(json, node.transfer_encoding);
  json.key("disposition");
  write(json, node.disposition);
  json.key("filename");
  write(json, node.filename);
  json.key("contentId");
  write(json, node.content_id);
  json.key("size");
  write(json, node.size);
  json.key("children");
  json.begin_array();
  for (const auto& child : node.children) write(json, child);
  json.end_array();
  json.end_object();
}

void write(JsonWriter& json, const AttachmentInfo& attachment) {
  json.begin_object();
  json.key("partId");
  json.string(attachment.part_id);
  json.key("filename");
  write(json, attachment.filename);
  json.key("contentType");
  json.string(attachment.content_type);
  json.key("size");
  write(json, attachment.size);
  json.key("contentId");
  write(json, attachment.content_id);
  json.key("disposition");
  write(json, attachment.disposition);
  json.key("related");
  json.boolean(attachment.related);
  json.key("sha256");
  write(json, attachment.sha256);
  json.end_object();
}

void write(JsonWriter& json, const Damage& damage) {
  json.begin_object();
  json.key("partId");
  write(json, damage.part_id);
  json.key("kind");
  json.string(damage.kind);
  json.key("message");
  json.string(damage.message);
  json.key("offset");
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
  json.key("headers");
  json.begin_array();
  for (const auto& header : summary.headers) {
    json.begin_object();
    json.key("name");
    json.string(header.name);
    json.key("value");
    json.string(header.value);
    json.end_object();
  }
  json.end_array();
  json.key("subject");
  write(json, summary.subject);
  json.key("from");
  write(json, summary.from);
  json.key("sender");
  write(json, summary.sender);
  json.key("replyTo");
  write(json, summary.reply_to);
  json.key("to");
  write(json, summary.to);
  json.key("cc");
  write(json, summary.cc);
  json.key("bcc");
  write(json, summary.bcc);
  json.key("date");
  write(json, summary.date);
  json.key("messageId");
  write(json, summary.message_id);
  json.key("inReplyTo");
  write(json, summary.in_reply_to);
  json.key("references");
  json.begin_array();
  for (const auto& id : summary.references) json.string(id);
  json.end_array();
  json.key("text");
  write(json, summary.text);
  json.key("html");
  write(json, summary.html);
  json.key("attachments");
  write_array(json, summary.attachments);
  json.key("parts");
  if (summary.parts) {
    write(json, *summary.parts);
  } else {
    json.null();
  }
  json.key("damage");
  write_array(json, summary.damage);
  json.end_object();
  return json.take();
}

}  // namespace pop3::mime
