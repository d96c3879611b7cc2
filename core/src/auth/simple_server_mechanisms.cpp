// The server's PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login) and CRAM-MD5 (RFC 2195).
#include "auth/secret_memory.hpp"
#include "pop3/auth/md5.hpp"
#include "pop3/auth/mechanisms.hpp"
#include "pop3/auth/sasl_server.hpp"

namespace pop3::auth {
namespace {

ServerStep challenge(std::string data) {
  return {ServerStep::Kind::kChallenge, std::move(data)};
}
ServerStep need_account() {
  return {ServerStep::Kind::kNeedAccount, {}};
}
ServerStep success() {
  return {ServerStep::Kind::kSuccess, {}};
}
ServerStep failure(std::string why) {
  return {ServerStep::Kind::kFailure, std::move(why)};
}

// Cleartext mechanisms check the password the client sent against the account's.
ServerStep check_password(const AccountSecrets* secrets, const std::string& password) {
  if (!secrets || !secrets->password || !secrets_equal(*secrets->password, password)) {
    return failure("authentication failed");
  }
  return success();
}

class PlainServer final : public SaslServerMechanism {
 public:
  std::string_view name() const override { return "PLAIN"; }
  bool sends_secret() const override { return true; }
  ServerStep start(std::optional<std::string_view> initial) override {
    if (!initial) return challenge("");  // RFC 4616: an empty challenge asks for the message
    return respond(*initial);
  }
  ServerStep respond(std::string_view message) override {
    if (answered_) return failure("PLAIN has one message");
    answered_ = true;
    // message = [authzid] NUL authcid NUL passwd
    const auto first = message.find('\0');
    const auto second = first == std::string_view::npos ? first : message.find('\0', first + 1);
    if (second == std::string_view::npos ||
        message.find('\0', second + 1) != std::string_view::npos) {
      return failure("malformed PLAIN message");
    }
    authzid_.assign(message.substr(0, first));
    user_.assign(message.substr(first + 1, second - first - 1));
    password_.assign(message.substr(second + 1));
    if (user_.empty() || password_.empty()) return failure("malformed PLAIN message");
    return need_account();
  }
  ServerStep account(const AccountSecrets* secrets) override {
    return check_password(secrets, password_);
  }
  ~PlainServer() override { wipe(password_); }

 private:
  bool answered_ = false;
};

class LoginServer final : public SaslServerMechanism {
 public:
  std::string_view name() const override { return "LOGIN"; }
  bool sends_secret() const override { return true; }
  // Some clients send the user name as an initial response; the prompts are the customary ones.
  ServerStep start(std::optional<std::string_view> initial) override {
    if (!initial) return challenge("Username:");
    return respond(*initial);
  }
  ServerStep respond(std::string_view response) override {
    switch (step_++) {
      case 0:
        if (response.empty()) return failure("empty user name");
        user_.assign(response);
        return challenge("Password:");
      case 1:
        password_.assign(response);
        return need_account();
      default:
        return failure("LOGIN has two messages");
    }
  }
  ServerStep account(const AccountSecrets* secrets) override {
    return check_password(secrets, password_);
  }
  ~LoginServer() override { wipe(password_); }

 private:
  int step_ = 0;
};

class CramMd5Server final : public SaslServerMechanism {
 public:
  // RFC 2195: a challenge in the form of an RFC 822 msg-id, unique through its random part.
  explicit CramMd5Server(const ServerMechanismContext& context) {
    challenge_.append("<").append(random_hex(context.random, 12));
    challenge_.append("@").append(context.host_name).append(">");
  }
  std::string_view name() const override { return "CRAM-MD5"; }
  bool sends_secret() const override { return false; }
  ServerStep start(std::optional<std::string_view> initial) override {
    if (initial) return failure("CRAM-MD5 has no initial response");
    return challenge(challenge_);
  }
  ServerStep respond(std::string_view response) override {
    if (answered_) return failure("CRAM-MD5 has one response");
    answered_ = true;
    // "user SP digest", the digest 32 lower-case hex digits; the user name may hold spaces.
    const auto space = response.rfind(' ');
    if (space == std::string_view::npos || space == 0 || response.size() - space - 1 != 32) {
      return failure("malformed CRAM-MD5 response");
    }
    user_.assign(response.substr(0, space));
    digest_.assign(response.substr(space + 1));
    return need_account();
  }
  ServerStep account(const AccountSecrets* secrets) override {
    if (!secrets || !secrets->password ||
        !secrets_equal(hmac_md5_hex(*secrets->password, challenge_), digest_)) {
      return failure("authentication failed");
    }
    return success();
  }

 private:
  std::string challenge_;
  std::string digest_;
  bool answered_ = false;
};

}  // namespace

bool secrets_equal(std::string_view a, std::string_view b) {
  return constant_time_equal(a, b);
}

std::string random_hex(const RandomSource& random, std::size_t count) {
  std::string bytes(count, '\0');
  random(std::span(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()));
  return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::unique_ptr<SaslServerMechanism> make_plain_server() {
  return std::make_unique<PlainServer>();
}
std::unique_ptr<SaslServerMechanism> make_login_server() {
  return std::make_unique<LoginServer>();
}
std::unique_ptr<SaslServerMechanism> make_cram_md5_server(const ServerMechanismContext& context) {
  return std::make_unique<CramMd5Server>(context);
}

}  // namespace pop3::auth
