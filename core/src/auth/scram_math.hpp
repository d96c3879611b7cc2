// The arithmetic both sides of SCRAM (RFC 5802 section 3) share: the hash and HMAC of the chosen
// SHA, PBKDF2 ("Hi"), and the attribute syntax of its messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pop3/auth/mechanisms.hpp"

namespace pop3::auth::scram {

// The digest size of the chosen SHA in bytes.
std::size_t digest_size(ScramHash hash);
std::string hmac(ScramHash hash, std::string_view key, std::string_view data);
std::string hash(ScramHash hash, std::string_view data);
// Hi(password, salt, iterations); nothing if PBKDF2 fails.
std::optional<std::string> salted_password(ScramHash hash, std::string_view password,
                                           std::string_view salt, std::uint32_t iterations);
// a XOR b, for strings of equal length (ClientProof = ClientKey XOR ClientSignature and back).
std::string xor_bytes(std::string_view a, std::string_view b);

// "a=value,b=value,..." into attribute/value pairs, in order; nothing if an item is malformed.
std::optional<std::vector<std::pair<char, std::string_view>>> attributes(std::string_view message);

}  // namespace pop3::auth::scram
