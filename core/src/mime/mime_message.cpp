// The MIME module's wrapper around GMime: parse, summarise as JSON, decode parts on demand.
#include "pop3/mime/mime_message.hpp"

#include <gmime/gmime.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "charset_backend.hpp"
#include "header_text.hpp"
#include "json_writer.hpp"
#include "text_decoding.hpp"

namespace pop3::mime {

void link_iconv_shim();  // iconv_shim.cpp

namespace {

// Owns one GObject reference.
template <typename T>
struct Ref {
  T* ptr = nullptr;
  Ref() = default;
  explicit Ref(T* p) : ptr(p) {}
  Ref(Ref&& other) noexcept : ptr(std::exchange(other.ptr, nullptr)) {}
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  ~Ref() {
    if (ptr) g_object_unref(ptr);
  }
};

struct GFreeString {
  char* ptr;
  explicit GFreeString(char* p) : ptr(p) {}
  ~GFreeString() { g_free(ptr); }
};

void initialise_gmime() {
  static const bool done = [] {
    link_iconv_shim();
    g_mime_init();
    return true;
  }();
  (void)done;
}

const char* warning_kind(GMimeParserWarning code) {
  switch (code) {
    case GMIME_WARN_DUPLICATED_HEADER:
      return "duplicated-header";
    case GMIME_WARN_DUPLICATED_PARAMETER:
      return "duplicated-parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER:
      return "unencoded-8bit-header";
    case GMIME_WARN_INVALID_CONTENT_TYPE:
      return "invalid-content-type";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
      return "invalid-rfc2047-header-value";
    case GMIME_WARN_MALFORMED_MULTIPART:
      return "malformed-multipart";
    case GMIME_WARN_TRUNCATED_MESSAGE:
      return "truncated-message";
    case GMIME_WARN_MALFORMED_MESSAGE:
      return "malformed-message";
    case GMIME_CRIT_INVALID_HEADER_NAME:
      return "invalid-header-name";
    case GMIME_CRIT_CONFLICTING_HEADER:
      return "conflicting-header";
    case GMIME_CRIT_CONFLICTING_PARAMETER:
      return "conflicting-parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
      return "multipart-without-boundary";
    case GMIME_WARN_INVALID_PARAMETER:
      return "invalid-parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST:
      return "invalid-address-list";
    case GMIME_CRIT_NESTING_OVERFLOW:
      return "nesting-overflow";
    case GMIME_WARN_PART_WITHOUT_CONTENT:
      return "part-without-content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
      return "part-without-headers-or-content";
  }
  return "unknown";
}

struct Damage {
  std::string part_id;  // empty: not tied to a part
  bool has_part = false;
  std::string kind;
  std::string message;
  std::int64_t offset = -1;
};

void record_warning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer user_data) {
  auto* damage = static_cast<std::vector<Damage>*>(user_data);
  Damage d;
  d.kind = warning_kind(code);
  d.message = item ? item : "";
  d.offset = offset;
  damage->push_back(std::move(d));
}

std::string lower(const char* text) {
  std::string out = text ? text : "";
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

std::string mime_type(GMimeObject* object) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (!type) return "text/plain";
  GFreeString text(g_mime_content_type_get_mime_type(type));
  return lower(text.ptr);
}

bool is_attachment_disposition(GMimeObject* object) {
  return lower(g_mime_object_get_disposition(object)) == "attachment";
}

// Decodes a leaf into memory: the part's content without its transfer encoding, or an embedded
// message written back with the line ends of the message it came in (GMime keeps the original
// header and body text of an unmodified message, but writes LF line ends unless told).
std::string decoded_content(GMimeObject* object, GMimeNewLineFormat newline) {
  Ref<GMimeStream> out(g_mime_stream_mem_new());
  if (GMIME_IS_PART(object)) {
    if (GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(object))) {
      g_mime_data_wrapper_write_to_stream(content, out.ptr);
    }
  } else if (GMIME_IS_MESSAGE_PART(object)) {
    if (GMimeMessage* embedded = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object))) {
      GMimeFormatOptions* format = g_mime_format_options_new();
      g_mime_format_options_set_newline_format(format, newline);
      g_mime_object_write_to_stream(GMIME_OBJECT(embedded), format, out.ptr);
      g_mime_format_options_free(format);
    }
  }
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.ptr));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// The file name of a part: GMime's reading for ordinary parts (RFC 2231, then "name"); for
// message/rfc822 and other non-GMimePart leaves, the same parameters read directly.
const char* filename(GMimeObject* object) {
  if (GMIME_IS_PART(object)) return g_mime_part_get_filename(GMIME_PART(object));
  if (const char* name = g_mime_object_get_content_disposition_parameter(object, "filename"))
    return name;
  return g_mime_object_get_content_type_parameter(object, "name");
}

std::string sha256_hex(const std::string& data) {
  GChecksum* checksum = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(checksum, reinterpret_cast<const guchar*>(data.data()),
                    static_cast<gssize>(data.size()));
  std::string out = g_checksum_get_string(checksum);
  g_checksum_free(checksum);
  return out;
}

// A display name, unfolded, or nothing when the address has none (GMime gives "" or NULL).
std::optional<std::string> display_name(InternetAddress* address) {
  const char* name = internet_address_get_name(address);
  if (!name || !*name) return std::nullopt;
  return unfold(name);
}

// The raw (undecoded, folded) value of the first header called `name`, or nullptr.
const char* raw_header(GMimeObject* object, const char* name) {
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);
  GMimeHeader* header = headers ? g_mime_header_list_get_header(headers, name) : nullptr;
  return header ? g_mime_header_get_raw_value(header) : nullptr;
}

void string_or_null(JsonWriter& json, const std::optional<std::string>& value) {
  if (value) {
    json.string(*value);
  } else {
    json.null();
  }
}

// What the parser accepts: real mail breaks the RFCs; read what can be read. Unlabelled 8-bit
// text is UTF-8 if it is, else Latin-1 (fixed, so that native and WASM agree whatever the host's
// locale).
GMimeParserOptions* new_parser_options() {
  GMimeParserOptions* options = g_mime_parser_options_new();
  g_mime_parser_options_set_address_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  const char* fallback[] = {"utf-8", "iso-8859-1", nullptr};
  g_mime_parser_options_set_fallback_charsets(options, fallback);
  return options;
}

// Every mailbox of the headers called `name`, in order (a repeated From: adds its mailboxes, as
// Debian's GMime does). Parsed from the raw values with encoded-word runs merged, so that display
// names come out whole (header_text.hpp); warnings were already reported when the message was
// parsed, so these options have no callback.
Ref<InternetAddressList> address_header(GMimeObject* object, const char* name) {
  Ref<InternetAddressList> all(internet_address_list_new());
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);
  GMimeParserOptions* options = new_parser_options();
  for (int i = 0; headers && i < g_mime_header_list_get_count(headers); ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(headers, i);
    const char* raw = g_mime_header_get_raw_value(header);
    if (!raw || g_ascii_strcasecmp(g_mime_header_get_name(header), name) != 0) continue;
    const std::string merged = merge_encoded_word_runs(raw);
    if (InternetAddressList* parsed = internet_address_list_parse(options, merged.c_str())) {
      internet_address_list_append(all.ptr, parsed);
      g_object_unref(parsed);
    }
  }
  g_mime_parser_options_free(options);
  return all;
}

void write_addresses(JsonWriter& json, InternetAddressList* list) {
  json.begin_array();
  const int count = list ? internet_address_list_length(list) : 0;
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(address)) {
      InternetAddressList* members =
          internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address));
      for (int m = 0; members && m < internet_address_list_length(members); ++m) {
        InternetAddress* member = internet_address_list_get_address(members, m);
        if (!INTERNET_ADDRESS_IS_MAILBOX(member)) continue;
        json.begin_object();
        json.key("name");
        string_or_null(json, display_name(member));
        json.key("address");
        json.string_or_null(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(member)));
        json.end_object();
      }
      continue;
    }
    json.begin_object();
    json.key("name");
    string_or_null(json, display_name(address));
    json.key("address");
    json.string_or_null(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address)));
    json.end_object();
  }
  json.end_array();
}

}  // namespace

struct MimeMessage::Impl {
  Ref<GMimeMessage> message;
  GMimeNewLineFormat newline_ = GMIME_NEWLINE_FORMAT_DOS;   // of the input, for embedded messages
  std::map<std::string, GMimeObject*, std::less<>> leaves;  // borrowed from `message`
  std::vector<Damage> damage;

  struct Leaf {
    std::string id;
    GMimeObject* object;
    bool related;
  };
  std::vector<Leaf> leaf_order;

  void collect(GMimeObject* object, const std::string& id, bool related_parent) {
    if (GMIME_IS_MULTIPART(object)) {
      GMimeMultipart* multipart = GMIME_MULTIPART(object);
      const bool related = mime_type(object) == "multipart/related";
      for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
        const std::string child =
            id.empty() ? std::to_string(i + 1) : id + "." + std::to_string(i + 1);
        collect(g_mime_multipart_get_part(multipart, i), child, related);
      }
      return;
    }
    leaves.emplace(id, object);
    leaf_order.push_back({id, object, related_parent});
  }

  void write_tree(JsonWriter& json, GMimeObject* object, const std::string& id) {
    json.begin_object();
    json.key("partId");
    json.string(id);
    json.key("contentType");
    json.string(mime_type(object));
    json.key("charset");
    json.string_or_null(g_mime_object_get_content_type_parameter(object, "charset"));
    json.key("transferEncoding");
    const char* encoding = GMIME_IS_PART(object)
                               ? g_mime_content_encoding_to_string(
                                     g_mime_part_get_content_encoding(GMIME_PART(object)))
                               : nullptr;
    json.string_or_null(encoding);
    json.key("disposition");
    json.string_or_null(g_mime_object_get_disposition(object));
    json.key("filename");
    json.string_or_null(filename(object));
    json.key("contentId");
    json.string_or_null(g_mime_object_get_content_id(object));
    json.key("size");
    if (GMIME_IS_PART(object) && g_mime_part_get_content(GMIME_PART(object))) {
      GMimeStream* stream =
          g_mime_data_wrapper_get_stream(g_mime_part_get_content(GMIME_PART(object)));
      json.number(stream ? g_mime_stream_length(stream) : 0);
    } else {
      json.null();
    }
    json.key("children");
    json.begin_array();
    if (GMIME_IS_MULTIPART(object)) {
      GMimeMultipart* multipart = GMIME_MULTIPART(object);
      for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
        write_tree(json, g_mime_multipart_get_part(multipart, i),
                   id.empty() ? std::to_string(i + 1) : id + "." + std::to_string(i + 1));
      }
    }
    json.end_array();
    json.end_object();
  }

  // The body as UTF-8: the part's bytes, transfer encoding removed, converted from its charset
  // here rather than by GMime (whose C strings would end at a NUL byte). Undecodable bytes are
  // replaced and reported.
  std::string body_text(const Leaf& leaf) {
    bool replaced = false;
    const char* charset = g_mime_object_get_content_type_parameter(leaf.object, "charset");
    std::string text = decode_text(decoded_content(leaf.object, newline_), charset, &replaced);
    if (replaced) {
      Damage d;
      d.part_id = leaf.id;
      d.has_part = true;
      d.kind = "undecodable-text";
      d.message = std::string("bytes not valid in charset ") +
                  (charset ? charset : "(none given)") + " were replaced by U+FFFD";
      damage.push_back(std::move(d));
    }
    return text;
  }

  std::string summary() {
    JsonWriter json;
    GMimeMessage* msg = message.ptr;
    GMimeObject* root = g_mime_message_get_mime_part(msg);
    const std::string root_id = root && GMIME_IS_MULTIPART(root) ? "" : "1";
    if (root) collect(root, root_id, false);

    json.begin_object();
    json.key("headers");
    json.begin_array();
    GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    for (int i = 0; headers && i < g_mime_header_list_get_count(headers); ++i) {
      GMimeHeader* header = g_mime_header_list_get_header_at(headers, i);
      json.begin_object();
      json.key("name");
      json.string_or_null(g_mime_header_get_name(header));
      json.key("value");
      const char* raw = g_mime_header_get_raw_value(header);
      json.string(decode_header_text(unfold(raw ? raw : "")));
      json.end_object();
    }
    json.end_array();
    json.key("subject");
    if (const char* raw_subject = raw_header(GMIME_OBJECT(msg), "Subject")) {
      json.string(decode_header_text(unfold(raw_subject)));
    } else {
      json.null();
    }
    const std::pair<const char*, const char*> lists[] = {
        {"from", "From"}, {"sender", "Sender"}, {"replyTo", "Reply-To"},
        {"to", "To"},     {"cc", "Cc"},         {"bcc", "Bcc"},
    };
    for (const auto& [key, header] : lists) {
      json.key(key);
      write_addresses(json, address_header(GMIME_OBJECT(msg), header).ptr);
    }
    json.key("date");
    if (GDateTime* date = g_mime_message_get_date(msg)) {
      // Formatted by hand: g_date_time_format() looks up the locale's charset, which reads a
      // file (charset.alias) that does not exist in the browser.
      GDateTime* utc = g_date_time_to_utc(date);
      char text[32];
      std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.000Z",
                    g_date_time_get_year(utc), g_date_time_get_month(utc),
                    g_date_time_get_day_of_month(utc), g_date_time_get_hour(utc),
                    g_date_time_get_minute(utc), g_date_time_get_second(utc));
      g_date_time_unref(utc);
      json.string(text);
    } else {
      json.null();
    }
    json.key("messageId");
    json.string_or_null(g_mime_message_get_message_id(msg));
    json.key("inReplyTo");
    const char* in_reply_to = g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To");
    GMimeReferences* parsed = in_reply_to ? g_mime_references_parse(nullptr, in_reply_to) : nullptr;
    json.string_or_null(parsed && g_mime_references_length(parsed) > 0
                            ? g_mime_references_get_message_id(parsed, 0)
                            : nullptr);
    if (parsed) g_mime_references_free(parsed);
    json.key("references");
    json.begin_array();
    if (const char* header = g_mime_object_get_header(GMIME_OBJECT(msg), "References")) {
      if (GMimeReferences* refs = g_mime_references_parse(nullptr, header)) {
        for (int i = 0; i < g_mime_references_length(refs); ++i)
          json.string(g_mime_references_get_message_id(refs, i));
        g_mime_references_free(refs);
      }
    }
    json.end_array();

    // The best bodies: the first text/plain and text/html leaves that are not attachments.
    const Leaf* text_leaf = nullptr;
    const Leaf* html_leaf = nullptr;
    for (const auto& leaf : leaf_order) {
      if (!GMIME_IS_TEXT_PART(leaf.object) || is_attachment_disposition(leaf.object)) continue;
      const std::string type = mime_type(leaf.object);
      if (type == "text/plain" && !text_leaf) text_leaf = &leaf;
      if (type == "text/html" && !html_leaf) html_leaf = &leaf;
    }
    json.key("text");
    if (text_leaf) {
      json.string(body_text(*text_leaf));
    } else {
      json.null();
    }
    json.key("html");
    if (html_leaf) {
      json.string(body_text(*html_leaf));
    } else {
      json.null();
    }
    json.key("attachments");
    json.begin_array();
    for (const auto& leaf : leaf_order) {
      if (&leaf == text_leaf || &leaf == html_leaf) continue;
      const std::string content = decoded_content(leaf.object, newline_);
      json.begin_object();
      json.key("partId");
      json.string(leaf.id);
      json.key("filename");
      json.string_or_null(filename(leaf.object));
      json.key("contentType");
      json.string(mime_type(leaf.object));
      json.key("size");
      json.number(static_cast<std::int64_t>(content.size()));
      json.key("contentId");
      json.string_or_null(g_mime_object_get_content_id(leaf.object));
      json.key("disposition");
      json.string_or_null(g_mime_object_get_disposition(leaf.object));
      json.key("related");
      json.boolean(leaf.related);
      json.key("sha256");
      json.string(sha256_hex(content));
      json.end_object();
    }
    json.end_array();
    json.key("parts");
    if (root) {
      write_tree(json, root, root_id);
    } else {
      json.null();
    }
    json.key("damage");
    json.begin_array();
    for (const auto& d : damage) {
      json.begin_object();
      json.key("partId");
      if (d.has_part) {
        json.string(d.part_id);
      } else {
        json.null();
      }
      json.key("kind");
      json.string(d.kind);
      json.key("message");
      json.string(d.message);
      json.key("offset");
      if (d.offset >= 0) {
        json.number(d.offset);
      } else {
        json.null();
      }
      json.end_object();
    }
    json.end_array();
    json.end_object();
    return json.take();
  }
};

void set_charset_mode(CharsetMode mode) {
  set_charset_backend(mode == CharsetMode::kBuiltinOnly ? CharsetBackend::kBuiltinOnly
                                                        : CharsetBackend::kPlatform);
}

MimeMessage::MimeMessage(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MimeMessage::~MimeMessage() = default;

std::unique_ptr<MimeMessage> MimeMessage::parse(std::string_view bytes) {
  initialise_gmime();
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  return from_stream(stream.ptr);
}

std::unique_ptr<MimeMessage> MimeMessage::from_stream(GMimeStream* stream) {
  auto impl = std::make_unique<Impl>();
  // The line ends of the input (CRLF as POP3 delivers, or LF from a file), for writing embedded
  // messages back as they came.
  if (GMIME_IS_STREAM_MEM(stream)) {
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
    const auto* data = reinterpret_cast<const char*>(bytes->data);
    // An empty message has no buffer at all (memchr on a null pointer is undefined, even for 0).
    const auto* newline =
        bytes->len ? static_cast<const char*>(std::memchr(data, '\n', bytes->len)) : nullptr;
    const bool crlf = newline && newline > data && newline[-1] == '\r';
    impl->newline_ = crlf || !newline ? GMIME_NEWLINE_FORMAT_DOS : GMIME_NEWLINE_FORMAT_UNIX;
  }
  // The parser keeps references into `stream` for part contents instead of copying them.
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream));
  GMimeParserOptions* options = new_parser_options();
  g_mime_parser_options_set_warning_callback(options, &record_warning, &impl->damage);
  impl->message.ptr = g_mime_parser_construct_message(parser.ptr, options);
  g_mime_parser_options_free(options);
  if (!impl->message.ptr) {
    // Not even headers: an empty message, with the reason.
    impl->message.ptr = g_mime_message_new(FALSE);
    Damage d;
    d.kind = "not-a-message";
    d.message = "no message could be read from the input";
    impl->damage.push_back(std::move(d));
  }
  std::string json = impl->summary();
  std::unique_ptr<MimeMessage> message(new MimeMessage(std::move(impl)));
  message->json_ = std::move(json);
  return message;
}

std::optional<std::string> MimeMessage::part_content(std::string_view part_id) const {
  const auto it = impl_->leaves.find(part_id);
  if (it == impl_->leaves.end()) return std::nullopt;
  return decoded_content(it->second, impl_->newline_);
}

// Chunks go straight into a GMime memory stream: the message is held once, where GMime reads it.
struct MimeParser::Impl {
  Ref<GMimeStream> stream;
  Impl() {
    initialise_gmime();
    stream.ptr = g_mime_stream_mem_new();
  }
};

MimeParser::MimeParser() : impl_(std::make_unique<Impl>()) {}
MimeParser::~MimeParser() = default;

void MimeParser::append(std::string_view chunk) {
  g_mime_stream_write(impl_->stream.ptr, chunk.data(), chunk.size());
}

std::unique_ptr<MimeMessage> MimeParser::finish() {
  g_mime_stream_reset(impl_->stream.ptr);
  auto message = MimeMessage::from_stream(impl_->stream.ptr);
  impl_ = std::make_unique<Impl>();
  return message;
}

}  // namespace pop3::mime
