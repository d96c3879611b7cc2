// The MIME module's entry: GMime parses, summary_builder reads the summary once, part_content
// decodes leaves on request.
#include "pop3/mime/mime_message.hpp"

#include <gmime/gmime.h>

#include <cstring>
#include <utility>

#include "charset_backend.hpp"
#include "gmime_support.hpp"
#include "part_content.hpp"
#include "summary_builder.hpp"

namespace pop3::mime {
namespace {

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

void record_warning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer user_data) {
  auto* damage = static_cast<std::vector<Damage>*>(user_data);
  // GMime passes -1 when it does not know where.
  damage->push_back({std::nullopt, warning_kind(code), item ? item : "",
                     offset >= 0 ? std::optional<std::int64_t>(offset) : std::nullopt});
}

// The line ends of the input (CRLF as POP3 delivers, or LF from a file), for writing embedded
// messages back as they came.
GMimeNewLineFormat newline_format(GMimeStream* stream) {
  if (!GMIME_IS_STREAM_MEM(stream)) return GMIME_NEWLINE_FORMAT_DOS;
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
  const auto* data = reinterpret_cast<const char*>(bytes->data);
  // An empty message has no buffer at all (memchr on a null pointer is undefined, even for 0).
  const auto* newline =
      bytes->len ? static_cast<const char*>(std::memchr(data, '\n', bytes->len)) : nullptr;
  const bool crlf = newline && newline > data && newline[-1] == '\r';
  return crlf || !newline ? GMIME_NEWLINE_FORMAT_DOS : GMIME_NEWLINE_FORMAT_UNIX;
}

}  // namespace

struct MimeMessage::Impl {
  Ref<GMimeMessage> message;
  GMimeNewLineFormat newline = GMIME_NEWLINE_FORMAT_DOS;
  LeafIndex leaves;  // borrowed from `message`
  MessageSummary summary;

  GMimeObject* leaf(std::string_view part_id) const {
    const auto it = leaves.find(part_id);
    return it == leaves.end() ? nullptr : it->second;
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
  impl->newline = newline_format(stream);
  // The parser keeps references into `stream` for part contents instead of copying them.
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream));
  GMimeParserOptions* options = new_parser_options();
  g_mime_parser_options_set_warning_callback(options, &record_warning, &impl->summary.damage);
  impl->message.ptr = g_mime_parser_construct_message(parser.ptr, options);
  g_mime_parser_options_free(options);
  if (!impl->message.ptr) {
    // Not even headers: an empty message, with the reason.
    impl->message.ptr = g_mime_message_new(FALSE);
    impl->summary.damage.push_back(
        {std::nullopt, "not-a-message", "no message could be read from the input", std::nullopt});
  }
  build_summary(impl->message.ptr, impl->newline, impl->summary, impl->leaves);
  return std::unique_ptr<MimeMessage>(new MimeMessage(std::move(impl)));
}

const MessageSummary& MimeMessage::summary() const {
  return impl_->summary;
}

std::optional<std::string> MimeMessage::part_content(std::string_view part_id) const {
  GMimeObject* leaf = impl_->leaf(part_id);
  if (!leaf) return std::nullopt;
  return decoded_content(leaf, impl_->newline);
}

std::optional<std::int64_t> MimeMessage::part_size(std::string_view part_id) const {
  GMimeObject* leaf = impl_->leaf(part_id);
  if (!leaf) return std::nullopt;
  return decoded_size(leaf, impl_->newline);
}

std::optional<std::string> MimeMessage::part_sha256(std::string_view part_id) const {
  GMimeObject* leaf = impl_->leaf(part_id);
  if (!leaf) return std::nullopt;
  return decoded_sha256(leaf, impl_->newline);
}

MessageSummary MimeMessage::summary_with_digests() const {
  MessageSummary summary = impl_->summary;
  for (auto& attachment : summary.attachments) {
    const auto content = part_content(attachment.part_id);
    attachment.size = static_cast<std::int64_t>(content->size());
    attachment.sha256 = sha256_hex(*content);
  }
  return summary;
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
  std::memcpy(append_space(chunk.size()), chunk.data(), chunk.size());
}

char* MimeParser::append_space(std::size_t size) {
  // Grown directly: finish() rewinds the stream, and its length is the array's.
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(impl_->stream.ptr));
  const guint used = bytes->len;
  g_byte_array_set_size(bytes, used + static_cast<guint>(size));
  return reinterpret_cast<char*>(bytes->data) + used;
}

std::unique_ptr<MimeMessage> MimeParser::finish() {
  g_mime_stream_reset(impl_->stream.ptr);
  auto message = MimeMessage::from_stream(impl_->stream.ptr);
  impl_ = std::make_unique<Impl>();
  return message;
}

}  // namespace pop3::mime
