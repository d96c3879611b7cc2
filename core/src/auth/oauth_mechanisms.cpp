// XOAUTH2 (Google's, also Microsoft's) and OAUTHBEARER (RFC 7628): a bearer token in one message.
// On failure the server sends its JSON error as a challenge; the client acknowledges it and the
// server answers -ERR. The JSON is kept so that the caller learns why (e.g. "invalid_token").
#include "auth/gs2_saslname.hpp"
#include "pop3/auth/mechanisms.hpp"

namespace pop3::auth {
namespace {

class BearerMechanism : public SaslMechanism {
 public:
  std::optional<std::string> initial_response() override { return message_; }
  Result<std::string> respond(std::string_view challenge) override {
    if (!details_.empty()) {
      return make_error(ErrorCode::kProtocolViolation,
                        std::string(name()) + ": the server sent a second challenge");
    }
    details_.assign(challenge);
    return acknowledgement();
  }
  std::string failure_details() const override { return details_; }
  bool sends_secret() const override { return true; }

 protected:
  virtual std::string acknowledgement() const = 0;
  std::string message_;
  std::string details_;
};

class Xoauth2 final : public BearerMechanism {
 public:
  explicit Xoauth2(const Credentials& c) {
    message_ = "user=" + c.user + "\x01" + "auth=Bearer " + c.access_token + "\x01\x01";
  }
  std::string_view name() const override { return "XOAUTH2"; }

 private:
  std::string acknowledgement() const override { return ""; }
};

class OAuthBearer final : public BearerMechanism {
 public:
  OAuthBearer(const Credentials& c, const MechanismContext& context) {
    message_ = "n,a=" + gs2_saslname(c.authzid.empty() ? c.user : c.authzid) + ",\x01";
    if (!context.host.empty()) message_ += "host=" + context.host + "\x01";
    if (context.port != 0) message_ += "port=" + std::to_string(context.port) + "\x01";
    message_ += "auth=Bearer " + c.access_token + "\x01\x01";
  }
  std::string_view name() const override { return "OAUTHBEARER"; }

 private:
  // RFC 7628 section 3.2.3: the client answers an error challenge with a single %x01.
  std::string acknowledgement() const override { return "\x01"; }
};

}  // namespace

std::unique_ptr<SaslMechanism> make_xoauth2(const Credentials& c) {
  return std::make_unique<Xoauth2>(c);
}

std::unique_ptr<SaslMechanism> make_oauthbearer(const Credentials& c,
                                                const MechanismContext& context) {
  return std::make_unique<OAuthBearer>(c, context);
}

}  // namespace pop3::auth
