// RFC 4648 base64 (section 4, the standard alphabet with '=' padding), as SASL uses it on the
// POP3 AUTH exchange (RFC 5034): every client response and server challenge is one base64 line.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "pop3/error.hpp"

namespace pop3::auth {

// Encodes arbitrary bytes, padded with '=' to a multiple of four characters. Empty in, empty out.
std::string base64_encode(std::string_view bytes);
std::string base64_encode(std::span<const std::uint8_t> bytes);

// Strict decoder: accepts exactly what base64_encode produces and nothing else, so that one
// string has one meaning (a lenient decoder lets two different challenges decode alike, and hides
// a server's framing bugs). Rejected with INVALID_ARGUMENT (a session decoding a server's
// challenge reports that as the server's protocol violation) and the offending offset:
//   - a length that is not a multiple of four (padding is required);
//   - any character outside A-Z a-z 0-9 + / and '=', including the URL-safe '-' and '_';
//   - whitespace, CR and LF anywhere: a POP3 SASL challenge is a single line, and the line
//     reader has already removed its CRLF;
//   - '=' other than as one or two final characters;
//   - non-zero bits in the last character before padding (non-canonical encodings).
// The message names the rule and offset only, never the text: a response may carry credentials.
// The empty string decodes to the empty string (RFC 5034 uses "=" for an empty response; that
// is the session's business, not this decoder's).
Result<std::string> base64_decode(std::string_view text);

}  // namespace pop3::auth
