// The server's SCRAM-SHA-1, SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) and their -PLUS
// variants. The server checks the client's proof against the stored keys, then proves in its
// final message (sent as a last challenge, RFC 5034) that it holds them too. With -PLUS, the
// client's c= must carry this TLS connection's binding data: a login relayed by a proxy that
// terminates TLS carries the proxy's connection's data instead, and is refused.
#include "auth/gs2_saslname.hpp"
#include "auth/scram_math.hpp"
#include "auth/secret_memory.hpp"
#include "pop3/auth/base64.hpp"
#include "pop3/auth/sasl_server.hpp"

namespace pop3::auth {
namespace {

ServerStep failure(std::string why) {
  return {ServerStep::Kind::kFailure, "SCRAM: " + std::move(why)};
}

std::string random_bytes(const RandomSource& random, std::size_t count) {
  std::string out(count, '\0');
  random(std::span(reinterpret_cast<std::uint8_t*>(out.data()), out.size()));
  return out;
}

class ScramServer final : public SaslServerMechanism {
 public:
  ScramServer(ScramVariant variant, const ServerMechanismContext& context)
      : hash_(variant.hash), plus_(variant.plus), name_(scram_name(variant)), context_(context) {}
  ~ScramServer() override {
    wipe(keys_.stored_key);
    wipe(keys_.server_key);
  }

  std::string_view name() const override { return name_; }
  bool sends_secret() const override { return false; }

  ServerStep start(std::optional<std::string_view> initial) override {
    if (!initial) return {ServerStep::Kind::kChallenge, {}};
    return respond(*initial);
  }

  ServerStep respond(std::string_view message) override {
    switch (step_++) {
      case 0:
        return client_first(message);
      case 1:
        return client_final(message);
      case 2:
        // The client's empty answer to the server-final challenge.
        if (!message.empty()) return failure("unexpected data after the server's final message");
        return {ServerStep::Kind::kSuccess, {}};
      default:
        return failure("the exchange is over");
    }
  }

  ServerStep account(const AccountSecrets* secrets) override {
    const std::optional<ScramKeys>* stored = nullptr;
    if (secrets) {
      stored = hash_ == ScramHash::kSha1     ? &secrets->scram_sha1
               : hash_ == ScramHash::kSha256 ? &secrets->scram_sha256
                                             : &secrets->scram_sha512;
    }
    if (stored && *stored) {
      keys_ = **stored;
    } else if (secrets && secrets->password) {
      auto derived = derive_scram_keys(hash_, *secrets->password, random_bytes(context_.random, 16),
                                       context_.scram_iterations);
      if (!derived) return failure(derived.error().message);
      keys_ = std::move(*derived);
    } else {
      // Unknown account: the exchange goes on with keys nobody can match (RFC 5802 section 9).
      impostor_ = true;
      const std::size_t size = scram::digest_size(hash_);
      keys_.salt = random_bytes(context_.random, 16);
      keys_.iterations = context_.scram_iterations;
      keys_.stored_key = random_bytes(context_.random, size);
      keys_.server_key = random_bytes(context_.random, size);
    }
    nonce_ = client_nonce_ + base64_encode(random_bytes(context_.random, 18));
    server_first_ = "r=" + nonce_ + ",s=" + base64_encode(keys_.salt) +
                    ",i=" + std::to_string(keys_.iterations);
    return {ServerStep::Kind::kChallenge, server_first_};
  }

 private:
  // The GS2 flag against what this mechanism and this connection allow; the reason if refused.
  std::optional<std::string> check_binding_flag(std::string_view flag) {
    if (flag.starts_with("p=")) {
      if (!plus_) return name_ + " does not take channel binding (use " + name_ + "-PLUS)";
      const std::string_view type = flag.substr(2);
      for (const auto& binding : context_.channel_bindings) {
        if (binding.type == type) {
          binding_data_ = binding.data;
          return std::nullopt;
        }
      }
      return "channel binding type " + std::string(type) + " is not available here";
    }
    if (plus_) return name_ + " needs channel binding";
    if (flag == "n") return std::nullopt;
    // "y": the client could bind but saw no -PLUS offer. If we made one, it was removed on the
    // way (RFC 5802 section 6).
    if (flag == "y") {
      if (context_.plus_offered) return std::string("channel binding downgrade detected");
      return std::nullopt;
    }
    return "malformed GS2 header";
  }

  ServerStep client_first(std::string_view message) {
    // gs2-header: ("n" / "y" / "p=" cb-name) "," [ "a=" saslname ] ","
    const auto flag_end = message.find(',');
    if (flag_end == std::string_view::npos) return failure("malformed GS2 header");
    if (auto refusal = check_binding_flag(message.substr(0, flag_end))) return failure(*refusal);
    const auto header_end = message.find(',', flag_end + 1);
    if (header_end == std::string_view::npos) return failure("malformed GS2 header");
    const std::string_view authzid = message.substr(flag_end + 1, header_end - flag_end - 1);
    if (!authzid.empty()) {
      if (!authzid.starts_with("a=")) return failure("malformed GS2 header");
      auto decoded = gs2_saslname_decode(authzid.substr(2));
      if (!decoded || decoded->empty()) return failure("malformed authorization identity");
      authzid_ = std::move(*decoded);
    }
    gs2_header_.assign(message.substr(0, header_end + 1));
    client_first_bare_.assign(message.substr(header_end + 1));
    const auto attrs = scram::attributes(client_first_bare_);
    if (!attrs || attrs->size() < 2) return failure("malformed client-first-message");
    if ((*attrs)[0].first == 'm') return failure("unsupported mandatory extension");
    if ((*attrs)[0].first != 'n' || (*attrs)[1].first != 'r')
      return failure("client-first-message lacks n= or r=");
    auto user = gs2_saslname_decode((*attrs)[0].second);
    if (!user || user->empty()) return failure("malformed user name");
    const std::string_view nonce = (*attrs)[1].second;
    if (nonce.empty()) return failure("empty client nonce");
    for (char c : nonce) {
      if (c < 0x21 || c > 0x7e) return failure("the client nonce is not printable");
    }
    user_ = std::move(*user);
    client_nonce_.assign(nonce);
    return {ServerStep::Kind::kNeedAccount, {}};
  }

  ServerStep client_final(std::string_view message) {
    const auto proof_at = message.rfind(",p=");
    if (proof_at == std::string_view::npos) return failure("client-final-message lacks p=");
    const std::string_view without_proof = message.substr(0, proof_at);
    const auto attrs = scram::attributes(without_proof);
    if (!attrs || attrs->size() < 2 || (*attrs)[0].first != 'c' || (*attrs)[1].first != 'r') {
      return failure("malformed client-final-message");
    }
    if ((*attrs)[0].second != base64_encode(gs2_header_ + binding_data_))
      return failure("channel binding mismatch");
    if ((*attrs)[1].second != nonce_) return failure("nonce mismatch");
    auto proof = base64_decode(message.substr(proof_at + 3));
    if (!proof || proof->size() != keys_.stored_key.size()) return failure("malformed proof");
    const std::string auth_message =
        client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
    const std::string client_signature = scram::hmac(hash_, keys_.stored_key, auth_message);
    const std::string client_key = scram::xor_bytes(*proof, client_signature);
    if (impostor_ || !secrets_equal(scram::hash(hash_, client_key), keys_.stored_key)) {
      return {ServerStep::Kind::kFailure, "authentication failed"};
    }
    return {ServerStep::Kind::kChallenge,
            "v=" + base64_encode(scram::hmac(hash_, keys_.server_key, auth_message))};
  }

  ScramHash hash_;
  bool plus_;
  std::string name_;
  ServerMechanismContext context_;
  std::string binding_data_;  // of the type the client chose
  int step_ = 0;
  bool impostor_ = false;
  ScramKeys keys_;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string client_nonce_;
  std::string nonce_;
  std::string server_first_;
};

}  // namespace

std::unique_ptr<SaslServerMechanism> make_scram_server(ScramVariant variant,
                                                       const ServerMechanismContext& context) {
  return std::make_unique<ScramServer>(variant, context);
}

}  // namespace pop3::auth
