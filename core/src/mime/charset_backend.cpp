#include "charset_backend.hpp"

#include <utility>

#include "builtin_decoders.hpp"
#include "uhc_extension.hpp"

namespace pop3::mime {
namespace {

CharsetBackend g_backend = CharsetBackend::kPlatform;
std::size_t g_total_replacements = 0;

// iconv spellings GMime and mail use, mapped to WHATWG labels (which TextDecoder takes as they
// are). Labels both already know pass unchanged.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"utf8", "utf-8"},
    {"utf7", "utf-7"},
    {"iso-10646-ucs-2", "ucs-2"},
    {"unicode", "utf-16"},
    {"eucjp", "euc-jp"},
    {"ujis", "euc-jp"},
    {"x-euc-jp", "euc-jp"},
    {"cseucpkdfmtjapanese", "euc-jp"},
    {"sjis", "shift_jis"},
    {"x-sjis", "shift_jis"},
    {"cp932", "shift_jis"},
    {"ms932", "shift_jis"},
    {"ms_kanji", "shift_jis"},
    {"csshiftjis", "shift_jis"},
    {"windows-31j", "shift_jis"},
    {"big5hkscs", "big5"},
    {"big5-hkscs", "big5"},
    {"cn-big5", "big5"},
    {"x-x-big5", "big5"},
    {"csbig5", "big5"},
    {"cp949", "euc-kr"},
    {"uhc", "euc-kr"},
    {"windows-949", "euc-kr"},
    {"ks_c_5601-1987", "euc-kr"},
    {"ks_c_5601-1989", "euc-kr"},
    {"ksc5601", "euc-kr"},
    {"ksc_5601", "euc-kr"},
    {"csksc56011987", "euc-kr"},
    {"korean", "euc-kr"},
    {"iso-ir-149", "euc-kr"},
    {"gb2312", "gbk"},
    {"gb_2312", "gbk"},
    {"gb_2312-80", "gbk"},
    {"csgb2312", "gbk"},
    {"euc-cn", "gbk"},
    {"x-gbk", "gbk"},
    {"cp936", "gbk"},
    {"ms936", "gbk"},
    {"windows-936", "gbk"},
    {"chinese", "gbk"},
    {"csiso58gb231280", "gbk"},
    {"iso-ir-58", "gbk"},
    {"tis620", "windows-874"},
    {"tis-620", "windows-874"},
    {"iso-8859-11", "windows-874"},
    {"dos-874", "windows-874"},
    {"cp874", "windows-874"},
    {"iso-8859-8-i", "iso-8859-8"},
    {"iso-8859-8-e", "iso-8859-8"},
    {"csiso88598i", "iso-8859-8"},
    {"iso-8859-6-i", "iso-8859-6"},
    {"iso-8859-6-e", "iso-8859-6"},
    {"koi", "koi8-r"},
    {"koi8", "koi8-r"},
    {"cskoi8r", "koi8-r"},
    {"cp1252", "windows-1252"},
    {"latin-1", "iso-8859-1"},
    {"ansi_x3.4-1968", "us-ascii"},
};

// Labels that mean windows-1252 in the Encoding Standard (our builtin decoder).
constexpr std::string_view kWindows1252[] = {
    "windows-1252", "iso-8859-1", "iso8859-1",  "latin1",     "l1",       "us-ascii",   "ascii",
    "cp819",        "ibm819",     "iso-ir-100", "iso_8859-1", "x-cp1252", "csisolatin1"};

}  // namespace

void Decoder::count_replacement() {
  ++replacements_;
  ++g_total_replacements;
}

void set_charset_backend(CharsetBackend backend) {
  g_backend = backend;
}
CharsetBackend charset_backend() {
  return g_backend;
}
std::size_t total_replacements() {
  return g_total_replacements;
}
void reset_total_replacements() {
  g_total_replacements = 0;
}

std::string normalise_charset_label(std::string_view label) {
  // iconv suffixes ("UTF-8//TRANSLIT") and surrounding quotes or spaces are not part of the name.
  label = label.substr(0, label.find("//"));
  while (!label.empty() && (label.front() == ' ' || label.front() == '\t' || label.front() == '"' ||
                            label.front() == '\'')) {
    label.remove_prefix(1);
  }
  while (!label.empty() && (label.back() == ' ' || label.back() == '\t' || label.back() == '"' ||
                            label.back() == '\'')) {
    label.remove_suffix(1);
  }
  std::string lower(label);
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  for (const auto& [from, to] : kAliases) {
    if (lower == from) return std::string(to);
  }
  for (auto name : kWindows1252) {
    if (lower == name) return "windows-1252";
  }
  return lower;
}

std::unique_ptr<Decoder> open_decoder(std::string_view label) {
  const std::string name = normalise_charset_label(label);
  if (auto builtin = open_builtin_decoder(name)) return builtin;
  if (g_backend == CharsetBackend::kBuiltinOnly) return nullptr;
  if (name == "euc-kr") return open_euc_kr_with_uhc([] { return open_platform_decoder("euc-kr"); });
  return open_platform_decoder(name);
}

}  // namespace pop3::mime
