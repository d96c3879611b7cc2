#include "ascii.hpp"
#include "pop3/auth/base64.hpp"
#include "pop3/auth/gssapi.hpp"
#include "pop3/auth/mechanisms.hpp"
#include "pop3/auth/sasl_server.hpp"

namespace pop3::auth {

Result<std::unique_ptr<SaslMechanism>> make_mechanism(std::string_view name,
                                                      const Credentials& credentials,
                                                      const MechanismContext& context) {
  const std::string upper = ascii::upper(name);
  if (upper == "PLAIN") return make_plain(credentials);
  if (upper == "LOGIN") return make_login(credentials);
  if (upper == "CRAM-MD5") return make_cram_md5(credentials);
  if (const auto scram = scram_variant(upper)) {
    // RFC 5802 section 2.2: user name and password are SASLprep'ed ("Normalize").
    Credentials prepared = credentials;
    for (std::string* field : {&prepared.user, &prepared.password, &prepared.authzid}) {
      if (field->empty()) continue;
      auto result = saslprep(*field, context.normalize);
      if (!result) return result.error();
      *field = std::move(*result);
    }
    std::string nonce = context.client_nonce;
    if (nonce.empty()) {
      if (!context.random) {
        return make_error(ErrorCode::kInvalidState, "no randomness for the SCRAM nonce");
      }
      std::uint8_t bytes[18];  // base64 of 18 bytes: 24 printable characters, no comma
      context.random(bytes);
      nonce = base64_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
    }
    if (nonce.size() < 16) {
      return make_error(ErrorCode::kInvalidArgument,
                        "SCRAM needs a client nonce of 16+ characters");
    }
    const ChannelBinding& cb = context.channel_binding;
    if (scram->plus && !cb.available()) {
      return make_error(ErrorCode::kInvalidArgument,
                        upper + " needs channel binding, which only a TLS connection provides");
    }
    ScramBinding binding;
    binding.flag = scram->plus ? 'p' : (cb.available() && !context.server_offers_plus ? 'y' : 'n');
    if (scram->plus) binding.binding = cb;
    return make_scram(scram->hash, prepared, std::move(nonce), std::move(binding));
  }
  if (upper == "XOAUTH2") return make_xoauth2(credentials);
  if (upper == "OAUTHBEARER") return make_oauthbearer(credentials, context);
  if (upper == "GSSAPI") return make_gssapi(credentials);
  return make_error(ErrorCode::kInvalidArgument, "unsupported SASL mechanism " + upper);
}

}  // namespace pop3::auth

namespace pop3::auth {

std::unique_ptr<SaslServerMechanism> make_server_mechanism(std::string_view name,
                                                           const ServerMechanismContext& context) {
  const std::string upper = ascii::upper(name);
  if (upper == "PLAIN") return make_plain_server();
  if (upper == "LOGIN") return make_login_server();
  if (upper == "CRAM-MD5") return make_cram_md5_server(context);
  if (const auto scram = scram_variant(upper)) return make_scram_server(*scram, context);
  return nullptr;
}

}  // namespace pop3::auth
