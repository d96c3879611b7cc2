// Reading option objects passed from JS: the helpers every binding uses. Conversion only.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

#include "pop3/tls/tls_client.hpp"

namespace pop3::bindings {

// limits[name] as a size, or `fallback` when undefined.
std::uint64_t size_option(const emscripten::val& limits, const char* name, std::uint64_t fallback);
// A JS array of strings; empty for undefined or null.
std::vector<std::string> string_list(const emscripten::val& js);
// 'TLSv1.2' / 'TLSv1.3', or `fallback`.
tls::TlsVersion tls_version(const emscripten::val& js, tls::TlsVersion fallback);
// A JS string, or empty for undefined or null.
std::string string_or_empty(const emscripten::val& v);

}  // namespace pop3::bindings
