// Conversions from core values to plain JS objects. Conversion only: no protocol logic here.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/error.hpp"
#include "pop3/protocol/events.hpp"

namespace pop3::bindings {

// A JS string from server text: bytes that are not valid UTF-8 become U+FFFD, so a hostile or
// legacy 8-bit server line can never produce a malformed string.
emscripten::val text(std::string_view bytes);
// A Uint8Array holding a copy of `bytes` (owned by JS, independent of WASM memory).
emscripten::val bytes_copy(std::string_view bytes);
// A listing as { numbers: Uint32Array, sizes?: Float64Array, uids?: string (LF-joined, "" for
// none) }: three values across the boundary instead of one call per field of every entry (2,000
// entries cost ~15 ms that way). bindings/js/client/listing.js makes the objects.
emscripten::val packed_listing(const std::vector<std::uint32_t>& numbers,
                               const std::vector<double>* sizes, const std::string* uids);

emscripten::val to_js(const Error& error);
emscripten::val to_js(const protocol::Capabilities& caps);
emscripten::val to_js(const protocol::Event& event);

}  // namespace pop3::bindings
