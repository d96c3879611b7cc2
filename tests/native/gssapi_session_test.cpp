// SASL GSSAPI (RFC 4752) through the session. The GSS-API library is the host's, so these tests
// answer the mechanism's host calls with scripted tokens (a stand-in for libgssapi, named as
// such: the real library and a real KDC are exercised by tests/js/gssapi.test.mjs). They check
// what the RFC fixes: when the client waits, what goes on the wire, the security-layer answer's
// octets, and every way the exchange must fail.
#include <gtest/gtest.h>

#include "pop3/auth/base64.hpp"
#include "pop3/auth/gssapi.hpp"
#include "session_driver.hpp"

using namespace pop3;
using namespace pop3::protocol;
using namespace pop3::auth;
using pop3::testing::SessionDriver;

namespace {

std::string b64(std::string_view s) {
  return base64_encode(s);
}

HostReply token(std::string output, bool complete = false) {
  return HostReply{std::move(output), complete};
}

// Hands the host's result to the session and collects the events it caused; false if refused.
bool reply(SessionDriver& d, CommandId id, Result<HostReply> result) {
  const bool taken = !d.session.sasl_host_reply(id, std::move(result));
  d.drain();
  return taken;
}

// Greets, starts AUTH GSSAPI with `authzid`, and answers the empty challenge's context call.
CommandId start(SessionDriver& d, std::string authzid = {}) {
  d.server("+OK ready\r\n");
  Credentials c;
  c.authzid = std::move(authzid);
  auto id = d.session.submit_auth(make_gssapi(c));
  EXPECT_TRUE(id.ok());
  EXPECT_EQ(d.sent(), "AUTH GSSAPI\r\n");
  d.server("+ \r\n");
  EXPECT_EQ(d.host_calls.size(), 1u);
  EXPECT_EQ(d.host_calls.at(0).operation, "gss_init_sec_context");
  EXPECT_EQ(d.host_calls.at(0).input, "");
  EXPECT_EQ(d.sent(), "");  // nothing until the host answers
  EXPECT_TRUE(reply(d, *id, token("AP-REQ")));
  EXPECT_EQ(d.sent(), b64("AP-REQ") + "\r\n");
  return *id;
}

// Continues through mutual authentication to the server's wrapped security-layer offer.
void to_offer(SessionDriver& d, CommandId id) {
  d.server("+ " + b64("AP-REP") + "\r\n");
  ASSERT_EQ(d.host_calls.size(), 2u);
  EXPECT_EQ(d.host_calls[1].operation, "gss_init_sec_context");
  EXPECT_EQ(d.host_calls[1].input, "AP-REP");
  EXPECT_TRUE(reply(d, id, token("", true)));
  EXPECT_EQ(d.sent(), "\r\n");  // complete without a token: an empty response
  d.server("+ " + b64("wrapped-offer") + "\r\n");
  ASSERT_EQ(d.host_calls.size(), 3u);
  EXPECT_EQ(d.host_calls[2].operation, "gss_unwrap");
  EXPECT_EQ(d.host_calls[2].input, "wrapped-offer");
}

}  // namespace

TEST(GssapiSession, RunsTheRfc4752ExchangeAndAnswersNoSecurityLayer) {
  SessionDriver d;
  const CommandId id = start(d, "alice");
  to_offer(d, id);
  // The server offers all three layers and 64 KiB; the client takes none, so its size is 0.
  const std::string offer = {0x07, 0x01, 0x00, 0x00};
  EXPECT_TRUE(reply(d, id, token(offer)));
  ASSERT_EQ(d.host_calls.size(), 4u);
  EXPECT_EQ(d.host_calls[3].operation, "gss_wrap");
  EXPECT_EQ(d.host_calls[3].input, std::string("\x01\x00\x00\x00", 4) + "alice");
  EXPECT_TRUE(reply(d, id, token("wrapped-answer")));
  EXPECT_EQ(d.sent(), b64("wrapped-answer") + "\r\n");
  d.server("+OK Logged in.\r\n");
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_TRUE(d.replies[0].ok);
  EXPECT_EQ(d.session.state(), SessionState::kTransaction);
  EXPECT_TRUE(d.session_errors.empty());
}

TEST(GssapiSession, AnEmptyAuthzidActsAsThePrincipal) {
  SessionDriver d;
  const CommandId id = start(d);
  to_offer(d, id);
  EXPECT_TRUE(reply(d, id, token(std::string("\x01\xff\xff\xff", 4))));
  EXPECT_EQ(d.host_calls.back().input, std::string("\x01\x00\x00\x00", 4));
}

TEST(GssapiSession, RefusesAnOfferThatIsNotFourOctets) {
  SessionDriver d;
  const CommandId id = start(d);
  to_offer(d, id);
  EXPECT_TRUE(reply(d, id, token("12345")));
  EXPECT_EQ(d.sent(), "*\r\n");
  d.server("-ERR Authentication failed\r\n");
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].error_code, "PROTOCOL_VIOLATION");
  EXPECT_NE(d.replies[0].error_message.find("5 octets, not 4"), std::string::npos);
  EXPECT_EQ(d.session.state(), SessionState::kAuthorization);
}

TEST(GssapiSession, RefusesAServerThatRequiresASecurityLayer) {
  SessionDriver d;
  const CommandId id = start(d);
  to_offer(d, id);
  EXPECT_FALSE(d.session.sasl_host_reply(
      id, token(std::string{static_cast<char>(kGssIntegrityLayer | kGssConfidentialityLayer), 0x00,
                            0x10, 0x00})));
  EXPECT_EQ(d.sent(), "*\r\n");
  d.server("-ERR Authentication aborted\r\n");
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].error_code, "AUTH_FAILED");
  EXPECT_NE(d.replies[0].error_message.find("requires a security layer"), std::string::npos);
  EXPECT_EQ(d.replies[0].text, "Authentication aborted");
}

TEST(GssapiSession, ALibraryFailureCancelsWithItsReason) {
  SessionDriver d;
  d.server("+OK ready\r\n");
  auto id = d.session.submit_auth(make_gssapi({}));
  ASSERT_TRUE(id.ok());
  d.sent();
  d.server("+ \r\n");
  ASSERT_EQ(d.host_calls.size(), 1u);
  EXPECT_FALSE(d.session.sasl_host_reply(
      *id, make_error(ErrorCode::kAuthFailed, "No Kerberos credentials available")));
  EXPECT_EQ(d.sent(), "*\r\n");
  d.server("-ERR Authentication aborted by client.\r\n");
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].error_code, "AUTH_FAILED");
  EXPECT_EQ(d.replies[0].error_message, "No Kerberos credentials available");
  EXPECT_EQ(d.replies[0].text, "Authentication aborted by client.");
}

TEST(GssapiSession, DistrustsAnOkBeforeTheExchangeEnded) {
  SessionDriver d;
  const CommandId id = start(d);
  d.server("+OK Logged in.\r\n");  // without mutual authentication or the security layer
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_FALSE(d.replies[0].ok);
  EXPECT_EQ(d.replies[0].error_code, "PROTOCOL_VIOLATION");
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_NE(d.session_errors[0].find("RFC 4752"), std::string::npos);
  (void)id;
}

TEST(GssapiSession, AReplyWithoutAPendingCallIsRefused) {
  SessionDriver d;
  const CommandId id = start(d);
  auto refused = d.session.sasl_host_reply(id, token("again"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, ErrorCode::kInvalidState);
  EXPECT_EQ(d.sent(), "");
}

TEST(GssapiSession, AChallengeDuringAHostCallFailsTheExchange) {
  SessionDriver d;
  d.server("+OK ready\r\n");
  ASSERT_TRUE(d.session.submit_auth(make_gssapi({})).ok());
  d.sent();
  d.server("+ \r\n+ " + b64("too soon") + "\r\n");
  EXPECT_EQ(d.sent(), "*\r\n");
  d.server("-ERR aborted\r\n");
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].error_code, "AUTH_FAILED");
}
