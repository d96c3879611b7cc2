// A leaf part's bytes, decoded only when asked for: its content without the transfer encoding,
// or, for message/rfc822, the embedded message as it came.
#pragma once

#include <gmime/gmime.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace pop3::mime {

// The decoded content of a leaf. Embedded messages are written back with `newline` (the line
// ends of the message they came in: GMime keeps their original header and body text, but writes
// LF line ends unless told).
std::string decoded_content(GMimeObject* leaf, GMimeNewLineFormat newline);

// The size of decoded_content() without holding it: counted as it is written.
std::int64_t decoded_size(GMimeObject* leaf, GMimeNewLineFormat newline);

// Hex SHA-256 of decoded_content().
std::string decoded_sha256(GMimeObject* leaf, GMimeNewLineFormat newline);

// Hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace pop3::mime
