// The SASL mechanisms against the test vectors of their RFCs, and their failure modes.
#include <gtest/gtest.h>

#include "pop3/auth/base64.hpp"
#include "pop3/auth/mechanisms.hpp"

using namespace pop3;
using namespace pop3::auth;

namespace {

Credentials password(std::string user, std::string pass) {
  Credentials c;
  c.user = std::move(user);
  c.password = std::move(pass);
  return c;
}

Credentials token(std::string user, std::string access_token) {
  Credentials c;
  c.user = std::move(user);
  c.access_token = std::move(access_token);
  return c;
}

}  // namespace

TEST(SaslPlain, SendsAuthzidUserAndPasswordInOneMessage) {
  auto m = make_plain(password("tim", "tanstaaftanstaaf"));
  EXPECT_EQ(m->initial_response(), std::string("\0tim\0tanstaaftanstaaf", 21));
  EXPECT_TRUE(m->sends_secret());
  EXPECT_FALSE(m->respond("unexpected").ok());
}

TEST(SaslLogin, AnswersUserThenPassword) {
  auto m = make_login(password("tim", "secret"));
  EXPECT_FALSE(m->initial_response().has_value());
  EXPECT_EQ(*m->respond("Username:"), "tim");
  EXPECT_EQ(*m->respond("Password:"), "secret");
  EXPECT_FALSE(m->respond("again?").ok());
}

// RFC 2195 section 2.
TEST(SaslCramMd5, ReproducesTheRfc2195Example) {
  auto m = make_cram_md5(password("tim", "tanstaaftanstaaf"));
  EXPECT_FALSE(m->initial_response().has_value());
  EXPECT_FALSE(m->sends_secret());
  EXPECT_EQ(*m->respond("<1896.697170952@postoffice.reston.mci.net>"),
            "tim b913a602c7eda7a495b4e6e7334d3890");
}

TEST(HmacMd5, MatchesRfc2104TestVectors) {
  EXPECT_EQ(hmac_md5_hex(std::string(16, '\x0b'), "Hi There"), "9294727a3638bb1c13f48ef8158bfc9d");
  EXPECT_EQ(hmac_md5_hex("Jefe", "what do ya want for nothing?"),
            "750c783e6ab0b503eaa86e310a5db738");
  EXPECT_EQ(hmac_md5_hex(std::string(80, '\xaa'),
                         "Test Using Larger Than Block-Size Key - Hash Key First"),
            "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
}

// RFC 5802 section 5.
TEST(SaslScram, ReproducesTheRfc5802Sha1Example) {
  auto m = make_scram(ScramHash::kSha1, password("user", "pencil"), "fyko+d2lbbFgONRv9qkxdawL");
  EXPECT_EQ(m->initial_response(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  auto final_message =
      m->respond("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
  ASSERT_TRUE(final_message.ok()) << final_message.error().message;
  EXPECT_EQ(*final_message,
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  EXPECT_TRUE(m->complete().has_value());  // the server has not proved itself yet
  auto ack = m->respond("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  EXPECT_EQ(*ack, "");
  EXPECT_FALSE(m->complete().has_value());
}

// RFC 7677 section 3.
TEST(SaslScram, ReproducesTheRfc7677Sha256Example) {
  auto m = make_scram(ScramHash::kSha256, password("user", "pencil"), "rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(m->initial_response(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  auto final_message = m->respond(
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  ASSERT_TRUE(final_message.ok());
  EXPECT_EQ(*final_message,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  ASSERT_TRUE(m->respond("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").ok());
  EXPECT_FALSE(m->complete().has_value());
}

TEST(SaslScram, RefusesAServerSignatureThatDoesNotVerify) {
  auto m = make_scram(ScramHash::kSha256, password("user", "pencil"), "rOprNGfwEbeRWgbNEkqO");
  m->initial_response();
  ASSERT_TRUE(
      m->respond(
           "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
          .ok());
  auto result = m->respond("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");  // one bit changed
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kAuthFailed);
  EXPECT_NE(result.error().message.find("signature"), std::string::npos);
  EXPECT_TRUE(m->complete().has_value());
}

TEST(SaslScram, RefusesMalformedOrHostileServerMessages) {
  const auto first = [](std::string_view server_first) {
    auto m = make_scram(ScramHash::kSha1, password("user", "pencil"), "fyko+d2lbbFgONRv9qkxdawL");
    m->initial_response();
    return m->respond(server_first);
  };
  EXPECT_FALSE(first("r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096").ok());  // nonce not ours
  EXPECT_FALSE(first("r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096").ok());  // not extended
  EXPECT_FALSE(first("r=fyko+d2lbbFgONRv9qkxdawLx,s=not base64!,i=4096").ok());
  EXPECT_FALSE(first("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=0").ok());
  EXPECT_FALSE(first("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4000000000").ok());
  EXPECT_FALSE(first("m=ext,r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096").ok());
  EXPECT_FALSE(first("garbage").ok());
  auto m = make_scram(ScramHash::kSha1, password("user", "pencil"), "fyko+d2lbbFgONRv9qkxdawL");
  m->initial_response();
  ASSERT_TRUE(
      m->respond("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096").ok());
  auto error = m->respond("e=invalid-proof");
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.error().message.find("invalid-proof"), std::string::npos);
}

TEST(SaslScram, EscapesCommasAndEqualsInTheUserName) {
  auto m = make_scram(ScramHash::kSha256, password("a,b=c", "x"), "0123456789abcdefghij");
  EXPECT_EQ(m->initial_response(), "n,,n=a=2Cb=3Dc,r=0123456789abcdefghij");
}

// RFC 7628 section 4.1 (the message layout) and 3.2.3 (the error acknowledgement).
TEST(SaslOAuthBearer, SendsTheGs2HeaderHostPortAndToken) {
  MechanismContext context;
  context.host = "server.example.com";
  context.port = 143;
  auto m = make_oauthbearer(token("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="),
                            context);
  EXPECT_EQ(m->initial_response(),
            "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
            "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01");
  EXPECT_TRUE(m->sends_secret());
  EXPECT_EQ(*m->respond(R"({"status":"invalid_token","scope":"mail"})"), "\x01");
  EXPECT_EQ(m->failure_details(), R"({"status":"invalid_token","scope":"mail"})");
}

TEST(SaslXoauth2, SendsUserAndBearerTokenAndAcknowledgesErrorsEmpty) {
  auto m =
      make_xoauth2(token("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg"));
  EXPECT_EQ(m->initial_response(),
            "user=someuser@example.com\x01"
            "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg\x01\x01");
  EXPECT_EQ(
      *m->respond(R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})"), "");
  EXPECT_NE(m->failure_details().find("401"), std::string::npos);
}

TEST(SaslFactory, BuildsMechanismsByNameCaseInsensitively) {
  MechanismContext context;
  context.client_nonce = "0123456789abcdefghij";
  for (const char* name : {"plain", "LOGIN", "Cram-Md5", "SCRAM-SHA-1", "scram-sha-256", "XOAUTH2",
                           "OAUTHBEARER", "gssapi"}) {
    auto m = make_mechanism(name, password("u", "p"), context);
    ASSERT_TRUE(m.ok()) << name;
  }
  EXPECT_FALSE(make_mechanism("NTLM", password("u", "p"), context).ok());
  context.client_nonce = "short";
  EXPECT_FALSE(make_mechanism("SCRAM-SHA-256", password("u", "p"), context).ok());
}

// make_mechanism applies SCRAM's Normalize (SASLprep) with the platform's NFKC and draws the
// nonce from the platform's randomness, so that every caller gets both, not only the JS glue.
TEST(MechanismFactory, SaslPrepsScramCredentialsItself) {
  MechanismContext context;
  context.client_nonce = "fyko+d2lbbFgONRv9qkxdawL";
  // RFC 4013 section 3's example: SOFT HYPHEN maps to nothing, so "I<U+00AD>X" is "IX".
  auto soft = make_mechanism("SCRAM-SHA-1", password("user", "I\xC2\xADX"), context);
  auto plain = make_mechanism("SCRAM-SHA-1", password("user", "IX"), context);
  ASSERT_TRUE(soft.ok() && plain.ok());
  (*soft)->initial_response();
  (*plain)->initial_response();
  const std::string server_first =
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
  EXPECT_EQ(*(*soft)->respond(server_first), *(*plain)->respond(server_first));
  // A prohibited character (RFC 4013 section 2.3: U+0007) is refused before anything is sent.
  auto bell = make_mechanism("SCRAM-SHA-256", password("user", "a\x07"), context);
  ASSERT_FALSE(bell.ok());
  EXPECT_EQ(bell.error().code, ErrorCode::kInvalidArgument);
}

TEST(MechanismFactory, DrawsTheScramNonceFromThePlatformsRandomness) {
  MechanismContext context;
  auto without = make_mechanism("SCRAM-SHA-256", password("user", "pencil"), context);
  ASSERT_FALSE(without.ok());
  EXPECT_EQ(without.error().code, ErrorCode::kInvalidState);
  context.random = [](std::span<std::uint8_t> out) {
    for (auto& b : out) b = 0xfb;
  };
  auto with = make_mechanism("SCRAM-SHA-256", password("user", "pencil"), context);
  ASSERT_TRUE(with.ok());
  EXPECT_EQ((*with)->initial_response(), "n,,n=user,r=" + base64_encode(std::string(18, '\xfb')));
}
