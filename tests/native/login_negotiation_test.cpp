// The login method table: strongest offered method first, secrets never in clear by default.
#include "pop3/auth/login_negotiation.hpp"

#include <gtest/gtest.h>

using namespace pop3;
using namespace pop3::auth;
using pop3::protocol::Capabilities;

namespace {

Capabilities caps(std::vector<std::string> sasl, bool user = true) {
  Capabilities c;
  c.sasl = std::move(sasl);
  c.user = user;
  return c;
}

std::string plan(LoginSituation s) {
  auto result = plan_login(s);
  return result ? result->mechanism : std::string("error:") + error_code_name(result.error().code);
}

LoginSituation with_password(const Capabilities* c, bool secure = true) {
  LoginSituation s;
  s.capabilities = c;
  s.secure = secure;
  s.have_password = true;
  return s;
}

}  // namespace

TEST(LoginNegotiation, PicksTheStrongestOfferedPasswordMethod) {
  const auto all = caps({"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"});
  EXPECT_EQ(plan(with_password(&all)), "SCRAM-SHA-256");
  const auto sha1 = caps({"PLAIN", "SCRAM-SHA-1", "CRAM-MD5"});
  EXPECT_EQ(plan(with_password(&sha1)), "SCRAM-SHA-1");
  const auto cram = caps({"PLAIN", "LOGIN", "CRAM-MD5"});
  EXPECT_EQ(plan(with_password(&cram)), "CRAM-MD5");
  const auto plain = caps({"PLAIN", "LOGIN"});
  auto s = with_password(&plain);
  s.apop_offered = true;
  EXPECT_EQ(plan(s), "APOP");
  EXPECT_EQ(plan(with_password(&plain)), "PLAIN");
  const auto login = caps({"LOGIN"});
  EXPECT_EQ(plan(with_password(&login)), "LOGIN");
  const auto none = caps({});
  EXPECT_EQ(plan(with_password(&none)), "USER");
  EXPECT_EQ(plan(with_password(nullptr)), "USER");  // no CAPA: USER/PASS assumed
}

TEST(LoginNegotiation, NeverSendsASecretInClearUnlessAllowed) {
  const auto plain = caps({"PLAIN", "LOGIN"});
  EXPECT_EQ(plan(with_password(&plain, /*secure=*/false)), "error:INSECURE_AUTH");
  auto allowed = with_password(&plain, false);
  allowed.allow_insecure = true;
  EXPECT_EQ(plan(allowed), "PLAIN");
  // Challenge-response methods are fine in clear.
  const auto cram = caps({"PLAIN", "CRAM-MD5"});
  EXPECT_EQ(plan(with_password(&cram, false)), "CRAM-MD5");
  auto apop = with_password(&plain, false);
  apop.apop_offered = true;
  EXPECT_EQ(plan(apop), "APOP");
}

TEST(LoginNegotiation, UsesOAuthMechanismsForTokens) {
  const auto both = caps({"PLAIN", "XOAUTH2", "OAUTHBEARER"});
  LoginSituation s;
  s.capabilities = &both;
  s.secure = true;
  s.have_token = true;
  EXPECT_EQ(plan(s), "OAUTHBEARER");
  const auto google = caps({"XOAUTH2"});
  s.capabilities = &google;
  EXPECT_EQ(plan(s), "XOAUTH2");
  s.secure = false;
  EXPECT_EQ(plan(s), "error:INSECURE_AUTH");
  const auto none = caps({"PLAIN"});
  s.capabilities = &none;
  s.secure = true;
  EXPECT_EQ(plan(s), "error:NO_AUTH_METHOD");
}

TEST(LoginNegotiation, HonoursForcedAndForbiddenMethods) {
  const auto all = caps({"PLAIN", "CRAM-MD5", "SCRAM-SHA-256"});
  auto s = with_password(&all);
  s.forbid = {"scram-sha-256"};
  EXPECT_EQ(plan(s), "CRAM-MD5");
  s.forbid = {};
  s.only = {"plain", "CRAM-MD5"};
  EXPECT_EQ(plan(s), "PLAIN");
  s.only = {"SCRAM-SHA-1"};
  EXPECT_EQ(plan(s), "error:NO_AUTH_METHOD");
  s.only = {"USER"};
  EXPECT_EQ(plan(s), "USER");
}

TEST(LoginNegotiation, ExplainsWhatTheServerOffers) {
  const auto plain = caps({"PLAIN"}, false);
  LoginSituation s;
  s.capabilities = &plain;
  s.secure = true;
  s.have_token = true;
  auto result = plan_login(s);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("offers PLAIN"), std::string::npos)
      << result.error().message;
}

TEST(LoginNegotiation, PrefersChannelBindingInsideTlsAndSha512AboveSha256) {
  const auto offer = caps({"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512", "SCRAM-SHA-1-PLUS",
                           "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS", "PLAIN"});
  auto bound = with_password(&offer);
  bound.channel_binding = true;
  EXPECT_EQ(plan(bound), "SCRAM-SHA-512-PLUS");
  bound.forbid = {"SCRAM-SHA-512-PLUS"};
  EXPECT_EQ(plan(bound), "SCRAM-SHA-256-PLUS");
  // -PLUS of the weaker hash still ranks above no binding with the stronger one.
  const auto sha1_plus = caps({"SCRAM-SHA-1-PLUS", "SCRAM-SHA-512"});
  auto s = with_password(&sha1_plus);
  s.channel_binding = true;
  EXPECT_EQ(plan(s), "SCRAM-SHA-1-PLUS");
  // TLS without binding data (an engine that cannot tell), or no TLS: never -PLUS.
  EXPECT_EQ(plan(with_password(&offer)), "SCRAM-SHA-512");
  auto clear = with_password(&offer, /*secure=*/false);
  clear.channel_binding = true;
  EXPECT_EQ(plan(clear), "SCRAM-SHA-512");
  clear.only = {"SCRAM-SHA-256-PLUS"};
  EXPECT_EQ(plan(clear), "error:NO_AUTH_METHOD");
  // Without CAPA a named mechanism is tried, but -PLUS still needs the binding.
  auto no_capa = with_password(nullptr, /*secure=*/false);
  no_capa.only = {"SCRAM-SHA-512-PLUS", "SCRAM-SHA-512"};
  EXPECT_EQ(plan(no_capa), "SCRAM-SHA-512");
}

TEST(LoginNegotiation, KerberosComesFirstOnlyWhenTheCallerHasIt) {
  const auto offers = caps({"GSSAPI", "SCRAM-SHA-256", "PLAIN"});
  // A password alone never leads to GSSAPI (browsers: the host cannot make GSS-API calls).
  EXPECT_EQ(plan(with_password(&offers)), "SCRAM-SHA-256");
  auto kerberos = with_password(&offers, false);
  kerberos.have_gssapi = true;
  EXPECT_EQ(plan(kerberos), "GSSAPI");  // no secret on the wire: fine over a clear link
  kerberos.have_password = false;
  EXPECT_EQ(plan(kerberos), "GSSAPI");
  kerberos.forbid = {"gssapi"};
  EXPECT_EQ(plan(kerberos), "error:NO_AUTH_METHOD");
  const auto without = caps({"SCRAM-SHA-256", "PLAIN"});
  kerberos.capabilities = &without;
  kerberos.forbid.clear();
  EXPECT_EQ(plan(kerberos), "error:NO_AUTH_METHOD");
  // Named explicitly without Kerberos credentials: not usable.
  auto named = with_password(&offers);
  named.only = {"GSSAPI"};
  EXPECT_EQ(plan(named), "error:NO_AUTH_METHOD");
}
