#include "gmime_support.hpp"

namespace pop3::mime {

void link_iconv_shim();  // iconv_shim.cpp

namespace {

void lower_in_place(std::string& text) {
  for (char& c : text) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

}  // namespace

void initialise_gmime() {
  static const bool done = [] {
    link_iconv_shim();
    g_mime_init();
    return true;
  }();
  (void)done;
}

GMimeParserOptions* new_parser_options() {
  GMimeParserOptions* options = g_mime_parser_options_new();
  g_mime_parser_options_set_address_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  const char* fallback[] = {"utf-8", "iso-8859-1", nullptr};
  g_mime_parser_options_set_fallback_charsets(options, fallback);
  return options;
}

GMimeParserOptions* quiet_parser_options() {
  static GMimeParserOptions* const options = new_parser_options();
  return options;
}

std::string mime_type(GMimeObject* object) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (!type) return "text/plain";
  // type/subtype joined here rather than by g_mime_content_type_get_mime_type(), which
  // allocates and formats: this runs for every part of every message.
  const char* media = g_mime_content_type_get_media_type(type);
  const char* subtype = g_mime_content_type_get_media_subtype(type);
  std::string out = media ? media : "text";  // never null, but GMime guards it so
  out += '/';
  out += subtype ? subtype : "plain";
  lower_in_place(out);
  return out;
}

bool is_attachment_disposition(GMimeObject* object) {
  const char* disposition = g_mime_object_get_disposition(object);
  return disposition && g_ascii_strcasecmp(disposition, "attachment") == 0;
}

const char* part_filename(GMimeObject* object) {
  if (GMIME_IS_PART(object)) return g_mime_part_get_filename(GMIME_PART(object));
  if (const char* name = g_mime_object_get_content_disposition_parameter(object, "filename"))
    return name;
  return g_mime_object_get_content_type_parameter(object, "name");
}

}  // namespace pop3::mime
