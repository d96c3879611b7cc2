// PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login) and CRAM-MD5 (RFC 2195).
#include <array>

#include "ascii.hpp"
#include "pop3/auth/md5.hpp"
#include "pop3/auth/mechanisms.hpp"

namespace pop3::auth {
namespace {

Error unexpected_challenge(std::string_view mechanism) {
  return make_error(
      ErrorCode::kProtocolViolation,
      std::string(mechanism) + ": the server sent a challenge the mechanism does not have");
}

class Plain final : public SaslMechanism {
 public:
  explicit Plain(const Credentials& c) : message_(c.authzid + '\0' + c.user + '\0' + c.password) {}
  std::string_view name() const override { return "PLAIN"; }
  std::optional<std::string> initial_response() override { return message_; }
  Result<std::string> respond(std::string_view) override { return unexpected_challenge("PLAIN"); }
  bool sends_secret() const override { return true; }

 private:
  std::string message_;
};

// Server-first: "Username:" then "Password:" (the prompts' wording is not standard, so the order
// decides, as in every deployed client).
class Login final : public SaslMechanism {
 public:
  explicit Login(const Credentials& c) : user_(c.user), password_(c.password) {}
  std::string_view name() const override { return "LOGIN"; }
  std::optional<std::string> initial_response() override { return std::nullopt; }
  Result<std::string> respond(std::string_view) override {
    switch (step_++) {
      case 0:
        return user_;
      case 1:
        return password_;
      default:
        return unexpected_challenge("LOGIN");
    }
  }
  bool sends_secret() const override { return true; }

 private:
  std::string user_;
  std::string password_;
  int step_ = 0;
};

class CramMd5 final : public SaslMechanism {
 public:
  explicit CramMd5(const Credentials& c) : user_(c.user), password_(c.password) {}
  std::string_view name() const override { return "CRAM-MD5"; }
  std::optional<std::string> initial_response() override { return std::nullopt; }
  Result<std::string> respond(std::string_view challenge) override {
    if (answered_) return unexpected_challenge("CRAM-MD5");
    answered_ = true;
    return user_ + " " + hmac_md5_hex(password_, challenge);
  }
  bool sends_secret() const override { return false; }

 private:
  std::string user_;
  std::string password_;
  bool answered_ = false;
};

}  // namespace

std::string hmac_md5_hex(std::string_view key, std::string_view message) {
  std::array<std::uint8_t, 64> block{};
  if (key.size() > block.size()) {
    const auto digest = Md5::digest(key);
    std::copy(digest.begin(), digest.end(), block.begin());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<std::uint8_t, 64> inner_pad;
  std::array<std::uint8_t, 64> outer_pad;
  for (std::size_t i = 0; i < block.size(); ++i) {
    inner_pad[i] = block[i] ^ 0x36;
    outer_pad[i] = block[i] ^ 0x5c;
  }
  Md5 inner;
  inner.update(inner_pad);
  inner.update(message);
  const auto inner_digest = inner.finish();
  Md5 outer;
  outer.update(outer_pad);
  outer.update(inner_digest);
  return to_hex(outer.finish());
}

std::unique_ptr<SaslMechanism> make_plain(const Credentials& c) {
  return std::make_unique<Plain>(c);
}
std::unique_ptr<SaslMechanism> make_login(const Credentials& c) {
  return std::make_unique<Login>(c);
}
std::unique_ptr<SaslMechanism> make_cram_md5(const Credentials& c) {
  return std::make_unique<CramMd5>(c);
}

}  // namespace pop3::auth
