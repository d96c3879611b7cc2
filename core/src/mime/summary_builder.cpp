#include "summary_builder.hpp"

#include <cstdio>
#include <utility>
#include <vector>

#include "gmime_support.hpp"
#include "header_text.hpp"
#include "part_content.hpp"
#include "text_decoding.hpp"

namespace pop3::mime {
namespace {

std::optional<std::string> optional_string(const char* value) {
  if (!value) return std::nullopt;
  return std::string(value);
}

// A display name, unfolded, or nothing when the address has none (GMime gives "" or NULL).
std::optional<std::string> display_name(InternetAddress* address) {
  const char* name = internet_address_get_name(address);
  if (!name || !*name) return std::nullopt;
  return unfold(name);
}

MailAddress mailbox_of(InternetAddress* address) {
  return {display_name(address),
          optional_string(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address)))};
}

// The mailboxes of one address header's raw value, groups flattened into their members. Parsed
// from the raw value with encoded-word runs merged, so that display names come out whole
// (header_text.hpp).
void append_mailboxes(const char* raw, std::vector<MailAddress>& out) {
  const std::string merged = merge_encoded_word_runs(raw);
  InternetAddressList* list = internet_address_list_parse(quiet_parser_options(), merged.c_str());
  if (!list) return;
  for (int i = 0; i < internet_address_list_length(list); ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (!INTERNET_ADDRESS_IS_GROUP(address)) {
      out.push_back(mailbox_of(address));
      continue;
    }
    InternetAddressList* members =
        internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address));
    for (int m = 0; members && m < internet_address_list_length(members); ++m) {
      InternetAddress* member = internet_address_list_get_address(members, m);
      if (INTERNET_ADDRESS_IS_MAILBOX(member)) out.push_back(mailbox_of(member));
    }
  }
  g_object_unref(list);
}

// The summary's list for an address header name (any case), or nullptr.
std::vector<MailAddress>* address_list_for(MessageSummary& summary, const char* name) {
  const std::pair<const char*, std::vector<MailAddress> MessageSummary::*> lists[] = {
      {"From", &MessageSummary::from},
      {"Sender", &MessageSummary::sender},
      {"Reply-To", &MessageSummary::reply_to},
      {"To", &MessageSummary::to},
      {"Cc", &MessageSummary::cc},
      {"Bcc", &MessageSummary::bcc},
  };
  for (const auto& [header, member] : lists) {
    if (g_ascii_strcasecmp(name, header) == 0) return &(summary.*member);
  }
  return nullptr;
}

// Every header in order, decoded, plus what is read from them: the subject (the first Subject
// header) and every mailbox of the address headers (a repeated From: adds its mailboxes, as
// Debian's GMime does). One pass over the list.
void read_headers(GMimeObject* message, MessageSummary& summary) {
  GMimeHeaderList* headers = g_mime_object_get_header_list(message);
  const int count = headers ? g_mime_header_list_get_count(headers) : 0;
  summary.headers.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(headers, i);
    const char* name = g_mime_header_get_name(header);
    const char* raw = g_mime_header_get_raw_value(header);
    summary.headers.push_back({name ? name : "", decode_header_text(unfold(raw ? raw : ""))});
    if (!name || !raw) continue;
    if (!summary.subject && g_ascii_strcasecmp(name, "Subject") == 0) {
      summary.subject = summary.headers.back().value;
    } else if (auto* list = address_list_for(summary, name)) {
      append_mailboxes(raw, *list);
    }
  }
}

// ISO 8601 in UTC, formatted by hand: g_date_time_format() looks up the locale's charset, which
// reads a file (charset.alias) that does not exist in the browser.
std::optional<std::string> iso_date(GMimeMessage* message) {
  GDateTime* date = g_mime_message_get_date(message);
  if (!date) return std::nullopt;
  GDateTime* utc = g_date_time_to_utc(date);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", g_date_time_get_year(utc),
                g_date_time_get_month(utc), g_date_time_get_day_of_month(utc),
                g_date_time_get_hour(utc), g_date_time_get_minute(utc),
                g_date_time_get_second(utc));
  g_date_time_unref(utc);
  return std::string(text);
}

std::vector<std::string> message_ids(GMimeObject* message, const char* header_name) {
  std::vector<std::string> ids;
  const char* value = g_mime_object_get_header(message, header_name);
  GMimeReferences* refs = value ? g_mime_references_parse(nullptr, value) : nullptr;
  if (!refs) return ids;
  for (int i = 0; i < g_mime_references_length(refs); ++i)
    ids.emplace_back(g_mime_references_get_message_id(refs, i));
  g_mime_references_free(refs);
  return ids;
}

struct Leaf {
  const PartNode* node;
  GMimeObject* object;
  bool related;
};

// The tree below `object`, and its leaves in order.
class TreeReader {
 public:
  TreeReader(LeafIndex& index, std::vector<Leaf>& leaves) : index_(index), leaves_(leaves) {}

  void read(GMimeObject* object, std::string id, bool related_parent, PartNode& node) {
    node.part_id = std::move(id);
    node.content_type = mime_type(object);
    node.charset = optional_string(g_mime_object_get_content_type_parameter(object, "charset"));
    if (GMIME_IS_PART(object)) {
      node.transfer_encoding = optional_string(
          g_mime_content_encoding_to_string(g_mime_part_get_content_encoding(GMIME_PART(object))));
    }
    node.disposition = optional_string(g_mime_object_get_disposition(object));
    node.filename = optional_string(part_filename(object));
    node.content_id = optional_string(g_mime_object_get_content_id(object));
    if (GMIME_IS_PART(object) && g_mime_part_get_content(GMIME_PART(object))) {
      GMimeStream* stream =
          g_mime_data_wrapper_get_stream(g_mime_part_get_content(GMIME_PART(object)));
      node.size = stream ? g_mime_stream_length(stream) : 0;
    }
    if (!GMIME_IS_MULTIPART(object)) {
      index_.emplace(node.part_id, object);
      leaves_.push_back({&node, object, related_parent});
      return;
    }
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    const bool related = node.content_type == "multipart/related";
    const int count = g_mime_multipart_get_count(multipart);
    // Sized before any child is read: leaves_ points into this vector.
    node.children.resize(static_cast<std::size_t>(count));
    const std::string prefix = node.part_id.empty() ? "" : node.part_id + ".";
    for (int i = 0; i < count; ++i) {
      read(g_mime_multipart_get_part(multipart, i), prefix + std::to_string(i + 1), related,
           node.children[static_cast<std::size_t>(i)]);
    }
  }

 private:
  LeafIndex& index_;
  std::vector<Leaf>& leaves_;
};

// The body as UTF-8: the part's bytes, transfer encoding removed, converted from its charset
// here rather than by GMime (whose C strings would end at a NUL byte). Undecodable bytes are
// replaced and reported.
std::string body_text(const Leaf& leaf, GMimeNewLineFormat newline, std::vector<Damage>& damage) {
  bool replaced = false;
  const char* charset = leaf.node->charset ? leaf.node->charset->c_str() : nullptr;
  std::string text = decode_text(decoded_content(leaf.object, newline), charset, &replaced);
  if (replaced) {
    damage.push_back({leaf.node->part_id, "undecodable-text",
                      std::string("bytes not valid in charset ") +
                          (charset ? charset : "(none given)") + " were replaced by U+FFFD",
                      std::nullopt});
  }
  return text;
}

}  // namespace

void build_summary(GMimeMessage* message, GMimeNewLineFormat newline, MessageSummary& summary,
                   LeafIndex& leaves) {
  GMimeObject* object = GMIME_OBJECT(message);
  read_headers(object, summary);
  summary.date = iso_date(message);
  summary.message_id = optional_string(g_mime_message_get_message_id(message));
  std::vector<std::string> in_reply_to = message_ids(object, "In-Reply-To");
  if (!in_reply_to.empty()) summary.in_reply_to = std::move(in_reply_to.front());
  summary.references = message_ids(object, "References");

  std::vector<Leaf> leaf_order;
  if (GMimeObject* root = g_mime_message_get_mime_part(message)) {
    summary.parts.emplace();
    TreeReader(leaves, leaf_order)
        .read(root, GMIME_IS_MULTIPART(root) ? "" : "1", false, *summary.parts);
  }

  // The bodies: the first text/plain and text/html leaves that are not attachments.
  const Leaf* text_leaf = nullptr;
  const Leaf* html_leaf = nullptr;
  for (const auto& leaf : leaf_order) {
    if (!GMIME_IS_TEXT_PART(leaf.object) || is_attachment_disposition(leaf.object)) continue;
    if (!text_leaf && leaf.node->content_type == "text/plain") text_leaf = &leaf;
    if (!html_leaf && leaf.node->content_type == "text/html") html_leaf = &leaf;
  }
  if (text_leaf) summary.text = body_text(*text_leaf, newline, summary.damage);
  if (html_leaf) summary.html = body_text(*html_leaf, newline, summary.damage);

  for (const auto& leaf : leaf_order) {
    if (&leaf == text_leaf || &leaf == html_leaf) continue;
    const PartNode& node = *leaf.node;
    summary.attachments.push_back({node.part_id, node.filename, node.content_type, node.content_id,
                                   node.disposition, leaf.related, std::nullopt, std::nullopt});
  }
}

}  // namespace pop3::mime
