// The SASL mechanisms of the library, and a factory that builds one by name.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/auth/channel_binding.hpp"
#include "pop3/auth/sasl_mechanism.hpp"
#include "pop3/auth/saslprep.hpp"
#include "pop3/error.hpp"
#include "pop3/random_source.hpp"

namespace pop3::auth {

// What a caller logs in with: a password, or an OAuth 2.0 access token.
struct Credentials {
  std::string user;
  std::string password;      // PLAIN, LOGIN, CRAM-MD5, SCRAM-*, APOP, USER/PASS
  std::string access_token;  // XOAUTH2, OAUTHBEARER
  std::string authzid;       // optional authorization identity (PLAIN, SCRAM, OAUTHBEARER)
};

// Context some mechanisms need: SCRAM's client nonce (printable, from the platform's RNG),
// OAUTHBEARER's host and port (RFC 7628 section 3.1), and what SCRAM needs for channel binding.
struct MechanismContext {
  // The platform's hooks (the core has neither Unicode tables nor entropy): NFKC for SCRAM's
  // SASLprep, and randomness for its client nonce.
  Nfkc normalize;
  RandomSource random;
  // A fixed SCRAM client nonce (test vectors); empty: 18 random bytes from `random`, in base64.
  std::string client_nonce;
  std::string host;
  std::uint16_t port = 0;
  // The TLS connection's binding data (none on a clear link): -PLUS mechanisms need it.
  ChannelBinding channel_binding;
  // Whether the server announced any SCRAM-*-PLUS mechanism. A SCRAM login without binding then
  // says "n" (the client chose not to bind); otherwise, with binding data at hand, it says "y"
  // (RFC 5802 section 6), so that a server whose -PLUS offer was stripped on the way refuses.
  bool server_offers_plus = false;
};

// The password after SASLprep, or the raw password when the caller prepared it already.
std::unique_ptr<SaslMechanism> make_plain(const Credentials& credentials);
std::unique_ptr<SaslMechanism> make_login(const Credentials& credentials);
std::unique_ptr<SaslMechanism> make_cram_md5(const Credentials& credentials);
enum class ScramHash { kSha1, kSha256, kSha512 };
// A SCRAM mechanism name split up: "SCRAM-SHA-512-PLUS" is {kSha512, plus}; nothing for other
// names. `upper_name` must be in upper case.
struct ScramVariant {
  ScramHash hash;
  bool plus;  // with channel binding
};
std::optional<ScramVariant> scram_variant(std::string_view upper_name);
std::string scram_name(ScramVariant variant);
// Whether a SASL list (a server's CAPA) holds any SCRAM-*-PLUS:
// MechanismContext::server_offers_plus.
bool offers_scram_plus(const std::vector<std::string>& sasl);
// The GS2 channel-binding flag of a SCRAM login (RFC 5802 section 7): 'n' (the client does not
// bind), 'y' (it could, but the server offered no -PLUS), or 'p' (it binds, with `binding`).
struct ScramBinding {
  char flag = 'n';
  ChannelBinding binding;
};
// `credentials.user` and `.password` must already be SASLprep'ed (see saslprep.hpp); through
// make_mechanism they are. The name gets "-PLUS" when binding.flag is 'p'.
std::unique_ptr<SaslMechanism> make_scram(ScramHash hash, const Credentials& credentials,
                                          std::string client_nonce, ScramBinding binding = {});
std::unique_ptr<SaslMechanism> make_xoauth2(const Credentials& credentials);
std::unique_ptr<SaslMechanism> make_oauthbearer(const Credentials& credentials,
                                                const MechanismContext& context);

// Builds the mechanism called `name` (case-insensitive), or INVALID_ARGUMENT if unknown.
Result<std::unique_ptr<SaslMechanism>> make_mechanism(std::string_view name,
                                                      const Credentials& credentials,
                                                      const MechanismContext& context);

// HMAC-MD5 (RFC 2104) on the core's MD5: CRAM-MD5's keyed digest.
std::string hmac_md5_hex(std::string_view key, std::string_view message);

}  // namespace pop3::auth
