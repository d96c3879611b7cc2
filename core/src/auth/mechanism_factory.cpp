#include "ascii.hpp"
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
  if (upper == "SCRAM-SHA-1" || upper == "SCRAM-SHA-256") {
    if (context.client_nonce.size() < 16) {
      return make_error(ErrorCode::kInvalidArgument,
                        "SCRAM needs a client nonce of 16+ characters");
    }
    return make_scram(upper == "SCRAM-SHA-1" ? ScramHash::kSha1 : ScramHash::kSha256, credentials,
                      context.client_nonce);
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
  if (upper == "SCRAM-SHA-1") return make_scram_server(ScramHash::kSha1, context);
  if (upper == "SCRAM-SHA-256") return make_scram_server(ScramHash::kSha256, context);
  return nullptr;
}

}  // namespace pop3::auth
