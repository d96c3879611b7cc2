// SCRAM-SHA-1, SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677), and their -PLUS variants
// with channel binding (RFC 5802 section 6, RFC 9266, RFC 5929).
// The client proves that it knows the password without sending it, and the server proves the
// same in its final message: a server that cannot (an impostor, or a tampering proxy) is refused
// even if it then says +OK. With -PLUS, both proofs also cover the TLS connection's binding data,
// so a proxy that terminates TLS (even with a certificate the client trusts) cannot relay them.
#include <limits>
#include <utility>

#include "ascii.hpp"
#include "auth/gs2_saslname.hpp"
#include "auth/scram_math.hpp"
#include "auth/secret_memory.hpp"
#include "pop3/auth/base64.hpp"
#include "pop3/auth/mechanisms.hpp"

namespace pop3::auth {
namespace {

// PBKDF2 iterations are the server's choice; an absurd count would freeze the client (and is a
// cheap denial of service from a hostile server). 10 million is far above any deployed value.
constexpr std::uint32_t kMaxIterations = 10'000'000;

Error scram_error(std::string message) {
  return make_error(ErrorCode::kProtocolViolation, "SCRAM: " + std::move(message));
}

class Scram final : public SaslMechanism {
 public:
  Scram(ScramHash hash, const Credentials& c, std::string nonce, ScramBinding binding)
      : hash_(hash),
        name_(scram_name({hash, binding.flag == 'p'})),
        password_(c.password),
        nonce_(std::move(nonce)),
        binding_data_(binding.flag == 'p' ? std::move(binding.binding.data) : std::string()) {
    const std::string flag =
        binding.flag == 'p' ? "p=" + binding.binding.type : std::string(1, binding.flag);
    gs2_header_ =
        flag + "," + (c.authzid.empty() ? std::string() : "a=" + gs2_saslname(c.authzid)) + ",";
    client_first_bare_ = "n=" + gs2_saslname(c.user) + ",r=" + nonce_;
  }
  ~Scram() override {
    wipe(password_);
    wipe(expected_server_signature_);
  }

  std::string_view name() const override { return name_; }
  bool sends_secret() const override { return false; }

  std::optional<std::string> initial_response() override {
    return gs2_header_ + client_first_bare_;
  }

  Result<std::string> respond(std::string_view challenge) override {
    switch (step_++) {
      case 0:
        return client_final(challenge);
      case 1: {
        if (auto error = verify_server_final(challenge)) return *error;
        return std::string();  // RFC 5034: the server-final arrives as a challenge; answer empty
      }
      default:
        return scram_error("the server sent a challenge after its final message");
    }
  }

  std::optional<Error> complete() override {
    if (server_verified_) return std::nullopt;
    return make_error(ErrorCode::kAuthFailed,
                      std::string(name()) +
                          ": the server accepted the login without proving that it knows the "
                          "password (no server signature); it may be an impostor");
  }

 private:
  Result<std::string> client_final(std::string_view server_first) {
    const auto attrs = scram::attributes(server_first);
    if (!attrs || attrs->size() < 3) return scram_error("malformed server-first-message");
    if ((*attrs)[0].first == 'm')
      return scram_error("the server requires an unsupported extension");
    if ((*attrs)[0].first != 'r' || (*attrs)[1].first != 's' || (*attrs)[2].first != 'i') {
      return scram_error("server-first-message lacks r=, s= or i=");
    }
    const std::string_view server_nonce = (*attrs)[0].second;
    // The server's nonce must extend ours, else the exchange is being replayed or spliced.
    if (server_nonce.size() <= nonce_.size() || server_nonce.substr(0, nonce_.size()) != nonce_) {
      return scram_error("the server's nonce does not extend the client's");
    }
    auto salt = base64_decode((*attrs)[1].second);
    if (!salt || salt->empty()) return scram_error("the salt is not base64");
    const auto iterations = ascii::parse_decimal<std::uint32_t>(
        (*attrs)[2].second, std::numeric_limits<std::uint32_t>::max());
    if (!iterations || *iterations == 0) return scram_error("the iteration count is not a number");
    if (*iterations > kMaxIterations) {
      return scram_error("the server asks for " + std::to_string(*iterations) +
                         " PBKDF2 iterations; more than " + std::to_string(kMaxIterations) +
                         " are refused");
    }
    auto salted_password = scram::salted_password(hash_, password_, *salt, *iterations);
    if (!salted_password) return scram_error("PBKDF2 failed");
    std::string& salted = *salted_password;
    // c= is the GS2 header followed by the binding data (RFC 5802 section 7, cbind-input).
    const std::string without_proof =
        "c=" + base64_encode(gs2_header_ + binding_data_) + ",r=" + std::string(server_nonce);
    const std::string auth_message =
        client_first_bare_ + "," + std::string(server_first) + "," + without_proof;
    const std::string client_key = scram::hmac(hash_, salted, "Client Key");
    const std::string client_signature =
        scram::hmac(hash_, scram::hash(hash_, client_key), auth_message);
    const std::string proof = scram::xor_bytes(client_key, client_signature);
    expected_server_signature_ =
        scram::hmac(hash_, scram::hmac(hash_, salted, "Server Key"), auth_message);
    wipe(salted);
    return without_proof + ",p=" + base64_encode(proof);
  }

  std::optional<Error> verify_server_final(std::string_view server_final) {
    const auto attrs = scram::attributes(server_final);
    if (!attrs || attrs->empty()) return scram_error("malformed server-final-message");
    if ((*attrs)[0].first == 'e') {
      return make_error(ErrorCode::kAuthFailed, std::string(name()) + ": the server reports " +
                                                    std::string((*attrs)[0].second));
    }
    if ((*attrs)[0].first != 'v') return scram_error("server-final-message lacks v=");
    auto signature = base64_decode((*attrs)[0].second);
    if (!signature || !constant_time_equal(*signature, expected_server_signature_)) {
      return make_error(ErrorCode::kAuthFailed,
                        std::string(name()) +
                            ": the server's signature is wrong: it does not know the password "
                            "(an impostor, or the exchange was tampered with)");
    }
    server_verified_ = true;
    return std::nullopt;
  }

  ScramHash hash_;
  std::string name_;
  std::string password_;
  std::string nonce_;
  std::string binding_data_;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string expected_server_signature_;
  int step_ = 0;
  bool server_verified_ = false;
};

}  // namespace

std::unique_ptr<SaslMechanism> make_scram(ScramHash hash, const Credentials& credentials,
                                          std::string client_nonce, ScramBinding binding) {
  return std::make_unique<Scram>(hash, credentials, std::move(client_nonce), std::move(binding));
}

}  // namespace pop3::auth
