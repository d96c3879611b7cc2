// APOP (RFC 1939 section 7): the digest of the greeting's timestamp followed by the shared secret.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pop3::auth {

// Finds the APOP timestamp in a greeting's text: an RFC 822 msg-id "<local@domain>" made of
// printable ASCII without spaces. Returns nothing when there is none, so that APOP is refused
// rather than computed over a made-up challenge.
std::optional<std::string> find_apop_timestamp(std::string_view greeting_text);

// MD5(timestamp + secret) as 32 lower-case hex digits.
std::string apop_digest(std::string_view timestamp, std::string_view secret);

}  // namespace pop3::auth
