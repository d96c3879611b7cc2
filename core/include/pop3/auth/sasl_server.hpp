// The server's side of SASL (RFC 4422) as small sans-IO state machines, mirroring SaslMechanism:
// the POP3 server session (RFC 5034) hands over each client message, decoded from base64, and
// sends back challenges. When a mechanism has learnt who the client claims to be, it stops and
// asks for the account (kNeedAccount); the session asks the host, and passes the host's secrets
// to account(). Mechanisms never decide policy; they only check proofs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/auth/channel_binding.hpp"
#include "pop3/auth/scram_keys.hpp"
#include "pop3/error.hpp"
#include "pop3/random_source.hpp"

namespace pop3::auth {

// What the host knows about an account, for the session to check a client's proof against.
// `password` is the shared secret: needed for APOP and CRAM-MD5, and enough for every other
// method (SCRAM keys are then derived per login with a fresh salt). SCRAM-only accounts give keys.
struct AccountSecrets {
  std::optional<std::string> password;
  std::optional<ScramKeys> scram_sha1;
  std::optional<ScramKeys> scram_sha256;
  std::optional<ScramKeys> scram_sha512;
};

struct ServerStep {
  enum class Kind {
    kChallenge,    // send `data` as a challenge and wait for the client's response
    kNeedAccount,  // user() is known: call account() with what the host says about it
    kSuccess,      // the client proved itself
    kFailure,      // the exchange failed; `data` says why (never a secret)
  };
  Kind kind;
  std::string data;
};

class SaslServerMechanism {
 public:
  virtual ~SaslServerMechanism() = default;

  virtual std::string_view name() const = 0;
  // Starts the exchange with the client's initial response, if the AUTH line carried one.
  virtual ServerStep start(std::optional<std::string_view> initial_response) = 0;
  // The client's response to the last challenge.
  virtual ServerStep respond(std::string_view response) = 0;
  // After kNeedAccount: the host's secrets for user(), or null when the account is unknown or
  // refused. SCRAM then carries on with made-up values and fails at the end, so that a client
  // cannot tell unknown users from wrong passwords (RFC 5802 section 9).
  virtual ServerStep account(const AccountSecrets* secrets) = 0;

  // The authentication identity the client claims, and the authorization identity it asks for
  // (empty: the same as user()).
  const std::string& user() const { return user_; }
  const std::string& authzid() const { return authzid_; }
  // The password as the client sent it, for mechanisms that send it (PLAIN, LOGIN); else empty.
  const std::string& password() const { return password_; }
  // Whether the client sends the secret itself: such mechanisms belong on encrypted connections.
  virtual bool sends_secret() const = 0;

 protected:
  std::string user_;
  std::string authzid_;
  std::string password_;
};

// Context for server mechanisms: randomness (CRAM-MD5's challenge, SCRAM's nonce and the salt of
// keys derived from a password) and the host name CRAM-MD5's challenge carries.
struct ServerMechanismContext {
  RandomSource random;
  std::string host_name = "localhost";
  // PBKDF2 iterations for SCRAM keys derived from a plain password (RFC 7677 asks for >= 4096).
  std::uint32_t scram_iterations = 4096;
  // The TLS connection's binding data, one entry per type it supports (none on a clear link).
  std::vector<ChannelBinding> channel_bindings;
  // Whether the server announces SCRAM-*-PLUS: a client that says "y" (it could bind, but saw no
  // -PLUS) is then refused, since someone removed the offer on the way (RFC 5802 section 6).
  bool plus_offered = false;
};

std::unique_ptr<SaslServerMechanism> make_plain_server();
std::unique_ptr<SaslServerMechanism> make_login_server();
std::unique_ptr<SaslServerMechanism> make_cram_md5_server(const ServerMechanismContext& context);
std::unique_ptr<SaslServerMechanism> make_scram_server(ScramVariant variant,
                                                       const ServerMechanismContext& context);

// The server mechanism called `name` (case-insensitive): PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1,
// SCRAM-SHA-256, SCRAM-SHA-512 and their -PLUS variants; nothing for any other name.
std::unique_ptr<SaslServerMechanism> make_server_mechanism(std::string_view name,
                                                           const ServerMechanismContext& context);

// Compares secrets in time independent of where they differ.
bool secrets_equal(std::string_view a, std::string_view b);

// `count` random bytes from `random`, as lower-case hex (greeting timestamps, challenges).
std::string random_hex(const RandomSource& random, std::size_t count);

}  // namespace pop3::auth
