#include "part_content.hpp"

#include "gmime_support.hpp"

namespace pop3::mime {
namespace {

void write_decoded(GMimeObject* leaf, GMimeNewLineFormat newline, GMimeStream* out) {
  if (GMIME_IS_PART(leaf)) {
    if (GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(leaf)))
      g_mime_data_wrapper_write_to_stream(content, out);
  } else if (GMIME_IS_MESSAGE_PART(leaf)) {
    if (GMimeMessage* embedded = g_mime_message_part_get_message(GMIME_MESSAGE_PART(leaf))) {
      GMimeFormatOptions* format = g_mime_format_options_new();
      g_mime_format_options_set_newline_format(format, newline);
      g_mime_object_write_to_stream(GMIME_OBJECT(embedded), format, out);
      g_mime_format_options_free(format);
    }
  }
}

}  // namespace

std::string decoded_content(GMimeObject* leaf, GMimeNewLineFormat newline) {
  Ref<GMimeStream> out(g_mime_stream_mem_new());
  write_decoded(leaf, newline, out.ptr);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.ptr));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

std::int64_t decoded_size(GMimeObject* leaf, GMimeNewLineFormat newline) {
  Ref<GMimeStream> counter(g_mime_stream_null_new());
  write_decoded(leaf, newline, counter.ptr);
  return static_cast<std::int64_t>(GMIME_STREAM_NULL(counter.ptr)->written);
}

std::string decoded_sha256(GMimeObject* leaf, GMimeNewLineFormat newline) {
  // Hashed from a decoded copy (GMime has no digest stream); only parts asked for are hashed.
  return sha256_hex(decoded_content(leaf, newline));
}

std::string sha256_hex(std::string_view bytes) {
  GChecksum* checksum = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(checksum, reinterpret_cast<const guchar*>(bytes.data()),
                    static_cast<gssize>(bytes.size()));
  std::string out = g_checksum_get_string(checksum);
  g_checksum_free(checksum);
  return out;
}

}  // namespace pop3::mime
