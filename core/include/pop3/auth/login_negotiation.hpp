// Which login method to use, given what the server offers, what the caller holds (a password or
// an OAuth token), whether the link is encrypted, and the caller's own preferences.
//
// Default preference, strongest first:
//   password: SCRAM-SHA-512-PLUS > SCRAM-SHA-256-PLUS > SCRAM-SHA-1-PLUS > SCRAM-SHA-512 >
//             SCRAM-SHA-256 > SCRAM-SHA-1 > CRAM-MD5 > APOP > PLAIN > LOGIN > USER (USER/PASS)
//   token:    OAUTHBEARER > XOAUTH2
//   Kerberos: GSSAPI, first when the caller asked for it (it holds a ticket, no password)
// Methods that hand the secret itself to the server (PLAIN, LOGIN, USER, XOAUTH2, OAUTHBEARER)
// are skipped over an unencrypted connection unless the caller opted in; if only such methods
// remain, the answer is INSECURE_AUTH rather than a silent downgrade. SCRAM-*-PLUS needs TLS
// with channel-binding data; it is never chosen on a clear link, even when named.
#pragma once

#include <string>
#include <vector>

#include "pop3/error.hpp"
#include "pop3/protocol/capabilities.hpp"

namespace pop3::auth {

enum class LoginMethod { kSasl, kApop, kUserPass };

struct LoginPlan {
  LoginMethod method;
  std::string mechanism;  // the SASL mechanism, "APOP" or "USER"
};

struct LoginSituation {
  const protocol::Capabilities* capabilities = nullptr;  // null: the server does not support CAPA
  bool apop_offered = false;                             // the greeting carries an APOP timestamp
  bool secure = false;                                   // TLS is active
  bool channel_binding = false;  // TLS gives channel-binding data (SCRAM-*-PLUS possible)
  bool allow_insecure = false;
  bool have_password = false;
  bool have_token = false;
  // The host can make GSS-API calls (Node with a Kerberos binding) and the caller asked for it.
  bool have_gssapi = false;
  // The caller's choice: only these methods, in this order (names as above). Empty: defaults.
  std::vector<std::string> only;
  // Never these.
  std::vector<std::string> forbid;
};

const std::vector<std::string>& default_password_methods();
const std::vector<std::string>& default_token_methods();

Result<LoginPlan> plan_login(const LoginSituation& situation);

}  // namespace pop3::auth
