// SASL GSSAPI (RFC 4752) as a state machine whose GSS-API calls the host makes; see
// pop3/auth/gssapi.hpp for the exchange. The client never offers a security layer: POP3 runs
// its protection in TLS, and RFC 4752 lets the client choose "no security layer" whenever the
// server offers it.
#include "pop3/auth/gssapi.hpp"

#include <utility>

namespace pop3::auth {
namespace {

Error gss_error(std::string message) {
  return make_error(ErrorCode::kAuthFailed, "GSSAPI: " + std::move(message));
}

class Gssapi final : public SaslMechanism {
 public:
  explicit Gssapi(std::string authzid) : authzid_(std::move(authzid)) {}

  std::string_view name() const override { return "GSSAPI"; }
  // Server-first: the host's library produces the first token only when asked (asynchronously in
  // JavaScript), so the AUTH line carries none and the first token answers the empty challenge.
  std::optional<std::string> initial_response() override { return std::nullopt; }
  bool sends_secret() const override { return false; }

  Result<std::string> respond(std::string_view challenge) override {
    if (call_) return gss_error("a challenge arrived while a GSS-API call was still running");
    if (state_ == State::kContext) {
      call_ = HostCall{"gss_init_sec_context", std::string(challenge)};
    } else if (state_ == State::kSecurityLayer) {
      call_ = HostCall{"gss_unwrap", std::string(challenge)};
    } else {
      return gss_error("the server sent another challenge after the security-layer answer");
    }
    return std::string();
  }

  std::optional<HostCall> host_call() const override { return call_; }

  Result<std::string> host_reply(const HostReply& reply) override {
    if (!call_) return make_error(ErrorCode::kInvalidState, "GSSAPI: no GSS-API call is pending");
    const std::string operation = std::move(call_->operation);
    call_.reset();
    if (operation == "gss_init_sec_context") {
      // RFC 4752 section 3.1: the token goes to the server, even an empty one once complete.
      if (reply.complete) state_ = State::kSecurityLayer;
      return reply.output;
    }
    if (operation == "gss_unwrap") return answer_offer(reply.output);
    state_ = State::kAnswered;  // gss_wrap: the answer to send
    return reply.output;
  }

  // +OK before the security-layer exchange: the server never proved its identity through the
  // mutual-authentication token and the wrapped offer, so the session is not trusted.
  std::optional<Error> complete() override {
    if (state_ == State::kAnswered) return std::nullopt;
    return make_error(ErrorCode::kProtocolViolation,
                      "GSSAPI: the server accepted the login before the Kerberos exchange ended "
                      "(RFC 4752 section 3.1); it was not authenticated");
  }

 private:
  enum class State { kContext, kSecurityLayer, kWrapping, kAnswered };

  // The server's offer: one octet of security-layer bits, three of maximum message size.
  Result<std::string> answer_offer(const std::string& offer) {
    if (offer.size() != 4) {
      return make_error(ErrorCode::kProtocolViolation,
                        "GSSAPI: the server's security-layer offer is " +
                            std::to_string(offer.size()) + " octets, not 4 (RFC 4752 section 3.1)");
    }
    if ((static_cast<unsigned char>(offer[0]) & kGssNoSecurityLayer) == 0) {
      return gss_error(
          "the server requires a security layer (integrity or confidentiality), which this "
          "client does not offer; POP3 is protected by TLS instead");
    }
    // No layer chosen, so the maximum size we can receive MUST be 0 (RFC 4752 section 3.1).
    std::string answer = {static_cast<char>(kGssNoSecurityLayer), '\0', '\0', '\0'};
    answer += authzid_;
    state_ = State::kWrapping;
    call_ = HostCall{"gss_wrap", std::move(answer)};
    return std::string();
  }

  std::string authzid_;
  State state_ = State::kContext;
  std::optional<HostCall> call_;
};

}  // namespace

std::unique_ptr<SaslMechanism> make_gssapi(const Credentials& credentials) {
  return std::make_unique<Gssapi>(credentials.authzid);
}

}  // namespace pop3::auth
