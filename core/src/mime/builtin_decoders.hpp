// The decoders the MIME module carries itself (see charset_backend.hpp for why).
#pragma once

#include <memory>
#include <string_view>

#include "charset_backend.hpp"

namespace pop3::mime {

// UTF-8, windows-1252 (WHATWG's meaning of "iso-8859-1", "us-ascii" and "latin1"), UTF-16 and
// UTF-32 with RFC 2781 byte order (a BOM decides, else big endian), UTF-7; nothing otherwise.
// `label` is normalised (normalise_charset_label).
std::unique_ptr<Decoder> open_builtin_decoder(std::string_view label);

}  // namespace pop3::mime
