#include "pop3/auth/login_negotiation.hpp"

#include "ascii.hpp"

namespace pop3::auth {
namespace {

bool is_token_method(const std::string& m) {
  return m == "XOAUTH2" || m == "OAUTHBEARER";
}

bool sends_secret(const std::string& m) {
  return m == "PLAIN" || m == "LOGIN" || m == "USER" || is_token_method(m);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

}  // namespace

const std::vector<std::string>& default_password_methods() {
  static const std::vector<std::string> methods = {"SCRAM-SHA-512-PLUS",
                                                   "SCRAM-SHA-256-PLUS",
                                                   "SCRAM-SHA-1-PLUS",
                                                   "SCRAM-SHA-512",
                                                   "SCRAM-SHA-256",
                                                   "SCRAM-SHA-1",
                                                   "CRAM-MD5",
                                                   "APOP",
                                                   "PLAIN",
                                                   "LOGIN",
                                                   "USER"};
  return methods;
}

const std::vector<std::string>& default_token_methods() {
  static const std::vector<std::string> methods = {"OAUTHBEARER", "XOAUTH2"};
  return methods;
}

Result<LoginPlan> plan_login(const LoginSituation& s) {
  if (!s.have_password && !s.have_token && !s.have_gssapi) {
    return make_error(ErrorCode::kInvalidArgument,
                      "login needs a password, an access token or Kerberos (GSSAPI)");
  }
  std::vector<std::string> candidates;
  if (!s.only.empty()) {
    for (const auto& m : s.only) candidates.push_back(ascii::upper(m));
  } else {
    if (s.have_gssapi) candidates.push_back("GSSAPI");
    if (s.have_token) {
      const auto& more = default_token_methods();
      candidates.insert(candidates.end(), more.begin(), more.end());
    }
    if (s.have_password) {
      const auto& more = default_password_methods();
      candidates.insert(candidates.end(), more.begin(), more.end());
    }
  }
  const protocol::Capabilities* caps = s.capabilities;
  const auto offered = [&](const std::string& m) {
    if (m == "APOP") return s.apop_offered;
    // RFC 2449: USER is announced; a server without CAPA is assumed to take USER/PASS.
    if (m == "USER") return caps == nullptr || caps->user;
    // Channel binding exists only inside TLS (and only where the engine provides its data).
    if (m.ends_with("-PLUS") && !(s.secure && s.channel_binding)) return false;
    // Without CAPA the SASL list is unknown: a mechanism the caller named explicitly is tried.
    if (caps == nullptr) return !s.only.empty();
    return caps->has_sasl(m);
  };
  std::vector<std::string> offered_names;
  std::vector<std::string> blocked;
  for (const auto& m : candidates) {
    bool forbidden = false;
    for (const auto& f : s.forbid) forbidden = forbidden || ascii::iequals(f, m);
    if (forbidden) continue;
    const bool held = is_token_method(m) ? s.have_token
                      : m == "GSSAPI"    ? s.have_gssapi
                                         : s.have_password;
    if (!held) continue;
    if (!offered(m)) continue;
    offered_names.push_back(m);
    if (sends_secret(m) && !s.secure && !s.allow_insecure) {
      blocked.push_back(m);
      continue;
    }
    if (m == "APOP") return LoginPlan{LoginMethod::kApop, m};
    if (m == "USER") return LoginPlan{LoginMethod::kUserPass, m};
    return LoginPlan{LoginMethod::kSasl, m};
  }
  if (!blocked.empty()) {
    return make_error(ErrorCode::kInsecureAuth,
                      "refusing to log in with " + join(blocked) + ": it would send the " +
                          (s.have_token ? "token" : "password") +
                          " over an unencrypted connection; use TLS, or allow insecure "
                          "authentication explicitly");
  }
  std::vector<std::string> server_offers;
  if (caps) server_offers = caps->sasl;
  if (s.apop_offered) server_offers.push_back("APOP");
  if (caps == nullptr || caps->user) server_offers.push_back("USER");
  return make_error(ErrorCode::kNoAuthMethod,
                    "no login method fits: the server offers " + join(server_offers) +
                        "; usable with these credentials and options: " + join(candidates));
}

}  // namespace pop3::auth
