// AUTH (RFC 5034) through the session: initial responses, challenges, cancellation, and a
// server that says +OK without proving itself.
#include <gtest/gtest.h>

#include "pop3/auth/base64.hpp"
#include "pop3/auth/mechanisms.hpp"
#include "session_driver.hpp"

using namespace pop3;
using namespace pop3::protocol;
using namespace pop3::auth;
using pop3::testing::SessionDriver;

namespace {

Credentials password(std::string user, std::string pass) {
  Credentials c;
  c.user = std::move(user);
  c.password = std::move(pass);
  return c;
}

void greet(SessionDriver& d) {
  d.server("+OK ready\r\n");
}

std::string b64(std::string_view s) {
  return base64_encode(s);
}

}  // namespace

TEST(SessionAuth, SendsTheInitialResponseOnTheAuthLine) {
  SessionDriver d;
  greet(d);
  ASSERT_TRUE(d.session.submit_auth(make_plain(password("tim", "tanstaaf"))).ok());
  EXPECT_EQ(d.sent(), "AUTH PLAIN " + b64(std::string("\0tim\0tanstaaf", 13)) + "\r\n");
  d.server("+OK Logged in.\r\n");
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_TRUE(d.replies[0].ok);
  EXPECT_EQ(d.session.state(), SessionState::kTransaction);
}

TEST(SessionAuth, DefersAnInitialResponseTooLongForOneLine) {
  SessionDriver d;
  greet(d);
  Credentials c;
  c.user = "someone@example.com";
  c.access_token = std::string(400, 't');
  ASSERT_TRUE(d.session.submit_auth(make_xoauth2(c)).ok());
  EXPECT_EQ(d.sent(), "AUTH XOAUTH2\r\n");
  d.server("+ \r\n");
  EXPECT_EQ(d.sent(), b64("user=someone@example.com\x01"
                          "auth=Bearer " +
                          std::string(400, 't') + "\x01\x01") +
                          "\r\n");
  d.server("+OK\r\n");
  EXPECT_TRUE(d.replies.at(0).ok);
}

TEST(SessionAuth, AnswersServerFirstChallenges) {
  SessionDriver d;
  greet(d);
  ASSERT_TRUE(d.session.submit_auth(make_cram_md5(password("tim", "tanstaaftanstaaf"))).ok());
  EXPECT_EQ(d.sent(), "AUTH CRAM-MD5\r\n");
  d.server("+ " + b64("<1896.697170952@postoffice.reston.mci.net>") + "\r\n");
  EXPECT_EQ(d.sent(), b64("tim b913a602c7eda7a495b4e6e7334d3890") + "\r\n");
  d.server("+OK\r\n");
  EXPECT_TRUE(d.replies.at(0).ok);
}

TEST(SessionAuth, RunsScramAndChecksTheServerSignature) {
  SessionDriver d;
  greet(d);
  ASSERT_TRUE(d.session
                  .submit_auth(make_scram(ScramHash::kSha1, password("user", "pencil"),
                                          "fyko+d2lbbFgONRv9qkxdawL"))
                  .ok());
  EXPECT_EQ(d.sent(), "AUTH SCRAM-SHA-1 " + b64("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL") + "\r\n");
  d.server("+ " + b64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096") +
           "\r\n");
  EXPECT_EQ(
      d.sent(),
      b64("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=") +
          "\r\n");
  d.server("+ " + b64("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=") + "\r\n");
  EXPECT_EQ(d.sent(), "\r\n");
  d.server("+OK Logged in.\r\n");
  EXPECT_TRUE(d.replies.at(0).ok);
  EXPECT_TRUE(d.session_errors.empty());
}

TEST(SessionAuth, DistrustsAServerThatSaysOkWithoutProvingItself) {
  SessionDriver d;
  greet(d);
  ASSERT_TRUE(d.session
                  .submit_auth(make_scram(ScramHash::kSha1, password("user", "pencil"),
                                          "fyko+d2lbbFgONRv9qkxdawL"))
                  .ok());
  d.submit(Command::stat());
  d.server("+ " + b64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096") +
           "\r\n");
  d.server("+OK Logged in.\r\n");  // no server-final message at all
  ASSERT_EQ(d.replies.size(), 2u);
  EXPECT_EQ(d.replies[0].error_code, "AUTH_FAILED");
  EXPECT_EQ(d.replies[1].error_code, "NOT_SENT");
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_NE(d.session_errors[0].find("impostor"), std::string::npos);
  EXPECT_EQ(d.session.state(), SessionState::kFailed);
}

TEST(SessionAuth, CancelsWhenTheServerSignatureIsWrong) {
  SessionDriver d;
  greet(d);
  ASSERT_TRUE(d.session
                  .submit_auth(make_scram(ScramHash::kSha1, password("user", "pencil"),
                                          "fyko+d2lbbFgONRv9qkxdawL"))
                  .ok());
  d.sent();
  d.server("+ " + b64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096") +
           "\r\n");
  d.sent();
  d.server("+ " + b64("v=AmF9pqV8S7suAoZWja4dJRkFsKQ=") + "\r\n");
  EXPECT_EQ(d.sent(), "*\r\n");
  d.server("-ERR [AUTH] Authentication failed.\r\n");
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].error_code, "AUTH_FAILED");
  EXPECT_EQ(d.session.state(), SessionState::kAuthorization);
}

TEST(SessionAuth, CancelsAChallengeThatIsNotBase64) {
  SessionDriver d;
  greet(d);
  ASSERT_TRUE(d.session.submit_auth(make_cram_md5(password("tim", "x"))).ok());
  d.sent();
  d.server("+ this is not base64!\r\n");
  EXPECT_EQ(d.sent(), "*\r\n");
  d.server("-ERR Authentication aborted\r\n");
  EXPECT_EQ(d.replies.at(0).error_code, "PROTOCOL_VIOLATION");
}

TEST(SessionAuth, SurfacesTheOAuthErrorJson) {
  SessionDriver d;
  greet(d);
  Credentials c;
  c.user = "alice";
  c.access_token = "expired-token";
  MechanismContext context;
  context.host = "localhost";
  context.port = 110;
  ASSERT_TRUE(d.session.submit_auth(make_oauthbearer(c, context)).ok());
  d.sent();
  const std::string json = R"({"status":"invalid_token","scope":"mail"})";
  d.server("+ " + b64(json) + "\r\n");
  EXPECT_EQ(d.sent(), b64("\x01") + "\r\n");
  d.server("-ERR [AUTH] Authentication failed.\r\n");
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].error_code, "AUTH_FAILED");
  EXPECT_EQ(d.replies[0].response_code, "AUTH");
}

TEST(SessionAuth, RedactsResponsesInTheTranscript) {
  SessionOptions options;
  options.transcript = true;
  SessionDriver d(options);
  greet(d);
  ASSERT_TRUE(d.session.submit_auth(make_login(password("tim", "hunter2"))).ok());
  d.server("+ " + b64("Username:") + "\r\n+ " + b64("Password:") + "\r\n+OK\r\n");
  for (const auto& line : d.transcript) {
    EXPECT_EQ(line.find(b64("hunter2")), std::string::npos) << line;
    EXPECT_EQ(line.find(b64("tim")), std::string::npos) << line;
  }
}
