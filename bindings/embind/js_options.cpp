#include "js_options.hpp"

namespace pop3::bindings {

using emscripten::val;

std::uint64_t size_option(const val& limits, const char* name, std::uint64_t fallback) {
  const val v = limits[name];
  return v.isUndefined() ? fallback : static_cast<std::uint64_t>(v.as<double>());
}

std::vector<std::string> string_list(const val& js) {
  std::vector<std::string> out;
  if (js.isUndefined() || js.isNull()) return out;
  const auto length = js["length"].as<unsigned>();
  for (unsigned i = 0; i < length; ++i) out.push_back(js[i].as<std::string>());
  return out;
}

tls::TlsVersion tls_version(const val& js, tls::TlsVersion fallback) {
  if (js.isUndefined()) return fallback;
  const std::string v = js.as<std::string>();
  return v == "TLSv1.2"   ? tls::TlsVersion::kTls12
         : v == "TLSv1.3" ? tls::TlsVersion::kTls13
                          : fallback;
}

std::string string_or_empty(const val& v) {
  return v.isUndefined() || v.isNull() ? std::string() : v.as<std::string>();
}

}  // namespace pop3::bindings
