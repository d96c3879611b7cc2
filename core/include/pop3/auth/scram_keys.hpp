// SCRAM (RFC 5802) key material as a server stores it: the salt, the iteration count and the two
// keys derived from the password. A server keeps these instead of the password; whoever steals
// them still cannot log in with another mechanism, nor (without the salted password) with SCRAM.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pop3/auth/mechanisms.hpp"
#include "pop3/error.hpp"

namespace pop3::auth {

struct ScramKeys {
  std::string salt;  // raw bytes
  std::uint32_t iterations = 4096;
  std::string stored_key;  // H(HMAC(SaltedPassword, "Client Key")), raw bytes
  std::string server_key;  // HMAC(SaltedPassword, "Server Key"), raw bytes
};

// Derives the stored keys from a password that is already SASLprep'ed (saslprep.hpp, as a stored
// string). INVALID_ARGUMENT for an empty salt or a zero iteration count.
Result<ScramKeys> derive_scram_keys(ScramHash hash, std::string_view prepared_password,
                                    std::string salt, std::uint32_t iterations);

}  // namespace pop3::auth
