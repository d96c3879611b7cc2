// Every login method of ServerSession against our client's mechanisms, right and wrong
// passwords, stored SCRAM keys, policy refusals, and hostile SASL exchanges.
#include <gtest/gtest.h>

#include "pop3/auth/base64.hpp"
#include "pop3/auth/mechanisms.hpp"
#include "pop3/auth/scram_keys.hpp"
#include "server_host.hpp"

using namespace pop3;
using namespace pop3::protocol;
using pop3::testing::password_account;
using pop3::testing::pump;
using pop3::testing::SessionDriver;
using pop3::testing::TestHost;

namespace {

auth::Credentials credentials(std::string password) {
  auth::Credentials c;
  c.user = "alice";
  c.password = std::move(password);
  return c;
}

std::unique_ptr<auth::SaslMechanism> client_mechanism(const std::string& name,
                                                      const std::string& password) {
  auth::MechanismContext context;
  context.client_nonce = "rOprNGfwEbeRWgbNEkqO";
  return std::move(*auth::make_mechanism(name, credentials(password), context));
}

// Logs in with `method` ("USER", "APOP" or a SASL name); returns the login reply.
pop3::testing::Reply log_in(TestHost& host, const std::string& method, const std::string& password,
                            std::size_t chunk = 0) {
  SessionDriver client;
  pump(client, host, chunk);
  if (method == "USER") {
    client.submit(Command::user("alice"));
    client.submit(Command::pass(password));
  } else if (method == "APOP") {
    EXPECT_TRUE(client.session.submit_apop("alice", password).ok());
  } else {
    EXPECT_TRUE(client.session.submit_auth(client_mechanism(method, password)).ok());
  }
  pump(client, host, chunk);
  EXPECT_FALSE(client.replies.empty());
  EXPECT_TRUE(client.session_errors.empty()) << client.session_errors.at(0);
  return client.replies.empty() ? pop3::testing::Reply{} : client.replies.back();
}

const std::vector<std::string> kMethods = {"USER",     "APOP",        "PLAIN",        "LOGIN",
                                           "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"};

}  // namespace

TEST(ServerAuth, LogsInWithEveryMethod) {
  for (const auto& method : kMethods) {
    for (std::size_t chunk : {0, 1, 5}) {
      SCOPED_TRACE(method + " chunk " + std::to_string(chunk));
      TestHost host;
      host.accounts["alice"] = password_account("tanstaaf");
      const auto reply = log_in(host, method, "tanstaaf", chunk);
      EXPECT_TRUE(reply.ok) << reply.error_code << " " << reply.text;
      EXPECT_EQ(host.session.state(), server::ServerState::kTransaction);
      EXPECT_EQ(host.session.user(), "alice");
      ASSERT_EQ(host.logins.size(), 1u);
      EXPECT_EQ(host.logins[0].user, "alice");
      const bool cleartext = method == "USER" || method == "PLAIN" || method == "LOGIN";
      EXPECT_EQ(host.logins[0].password, cleartext ? "tanstaaf" : "");
    }
  }
}

TEST(ServerAuth, RefusesAWrongPasswordWithEveryMethod) {
  for (const auto& method : kMethods) {
    SCOPED_TRACE(method);
    TestHost host;
    host.accounts["alice"] = password_account("tanstaaf");
    const auto reply = log_in(host, method, "wrong");
    EXPECT_FALSE(reply.ok);
    EXPECT_EQ(reply.error_code, "AUTH_FAILED");
    EXPECT_EQ(reply.response_code, "AUTH");
    EXPECT_EQ(host.session.state(), server::ServerState::kAuthorization);
    EXPECT_TRUE(host.maildrops.empty());
  }
}

TEST(ServerAuth, RefusesAnUnknownUserTheSameWay) {
  for (const auto& method : kMethods) {
    SCOPED_TRACE(method);
    TestHost host;
    const auto reply = log_in(host, method, "whatever");
    EXPECT_EQ(reply.error_code, "AUTH_FAILED");
    EXPECT_EQ(reply.response_code, "AUTH");
  }
}

TEST(ServerAuth, VerifiesScramAgainstStoredKeysWithoutThePassword) {
  for (auto hash : {auth::ScramHash::kSha1, auth::ScramHash::kSha256}) {
    const std::string name = hash == auth::ScramHash::kSha1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
    TestHost host;
    auth::AccountSecrets secrets;
    auto keys = auth::derive_scram_keys(hash, "pencil", "QSXCR+Q6sek8bf92", 4096);
    ASSERT_TRUE(keys.ok());
    (hash == auth::ScramHash::kSha1 ? secrets.scram_sha1 : secrets.scram_sha256) = *keys;
    host.accounts["alice"] = secrets;
    EXPECT_TRUE(log_in(host, name, "pencil").ok) << name;
    TestHost wrong;
    wrong.accounts["alice"] = secrets;
    EXPECT_FALSE(log_in(wrong, name, "pen").ok) << name;
    // No password stored: CRAM-MD5 cannot be checked.
    TestHost cram;
    cram.accounts["alice"] = secrets;
    EXPECT_FALSE(log_in(cram, "CRAM-MD5", "pencil").ok);
  }
}

TEST(ServerAuth, MatchesTheRfc7677ExampleKeys) {
  // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096.
  auto salt = auth::base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  auto keys = auth::derive_scram_keys(auth::ScramHash::kSha256, "pencil", *salt, 4096);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(auth::base64_encode(keys->stored_key), "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=");
  EXPECT_EQ(auth::base64_encode(keys->server_key), "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=");
}

TEST(ServerAuth, KeepsCleartextPasswordsOffClearConnections) {
  auto options = pop3::testing::test_server_options();
  options.allow_cleartext_without_tls = false;
  for (const auto& method : {"USER", "PLAIN", "LOGIN"}) {
    TestHost host(options);
    host.accounts["alice"] = password_account("tanstaaf");
    const auto reply = log_in(host, method, "tanstaaf");
    EXPECT_FALSE(reply.ok) << method;
    EXPECT_TRUE(host.logins.empty()) << method;
  }
  TestHost host(options);
  const auto caps = host.session.capabilities();
  EXPECT_FALSE(caps.user);
  EXPECT_EQ(caps.sasl, (std::vector<std::string>{"SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1",
                                                 "CRAM-MD5"}));
  host.accounts["alice"] = password_account("tanstaaf");
  EXPECT_TRUE(log_in(host, "SCRAM-SHA-256", "tanstaaf").ok);
}

TEST(ServerAuth, RequiresTlsForEveryMethodWhenAsked) {
  auto options = pop3::testing::test_server_options();
  options.require_tls_for_login = true;
  options.stls = true;
  for (const auto& method : kMethods) {
    TestHost host(options);
    host.accounts["alice"] = password_account("tanstaaf");
    EXPECT_FALSE(log_in(host, method, "tanstaaf").ok) << method;
    EXPECT_TRUE(host.logins.empty());
  }
  TestHost host(options);
  EXPECT_TRUE(host.session.capabilities().sasl.empty());
  EXPECT_TRUE(host.session.capabilities().stls);
}

TEST(ServerAuth, PassesTheHostsRefusalCodeToTheClient) {
  TestHost host;
  host.session.receive("USER alice\r\nPASS x\r\n");
  auto e = host.session.next_event();
  ASSERT_TRUE(std::holds_alternative<server::LoginRequest>(*e));
  host.session.answer_login(server::LoginAnswer::reject("LOGIN-DELAY", "wait 5 minutes"));
  EXPECT_TRUE(
      std::string(host.session.output()).ends_with("+OK\r\n-ERR [LOGIN-DELAY] wait 5 minutes\r\n"));
  // SCRAM plays on after a refusal and fails at the end with the host's code.
  host.session.consume_output(host.session.output().size());
  SessionDriver client;
  client.server("+OK ready\r\n");
  ASSERT_TRUE(client.session.submit_auth(client_mechanism("SCRAM-SHA-256", "x")).ok());
  host.session.receive(client.sent());
  e = host.session.next_event();
  ASSERT_TRUE(std::holds_alternative<server::LoginRequest>(*e));
  host.session.answer_login(server::LoginAnswer::reject("SYS/TEMP", "try later"));
  client.server(host.session.output());
  host.session.consume_output(host.session.output().size());
  host.session.receive(client.sent());
  client.server(host.session.output());
  ASSERT_EQ(client.replies.size(), 1u);
  EXPECT_EQ(client.replies[0].response_code, "SYS/TEMP");
}

TEST(ServerAuth, AcceptOnlyVouchesForPasswordsTheHostSaw) {
  TestHost host;
  host.session.receive("APOP alice 0123456789abcdef0123456789abcdef\r\n");
  auto e = host.session.next_event();
  ASSERT_TRUE(std::holds_alternative<server::LoginRequest>(*e));
  host.session.answer_login(server::LoginAnswer::accept());
  EXPECT_TRUE(
      std::string(host.session.output()).ends_with("-ERR [AUTH] Authentication failed\r\n"));
  EXPECT_EQ(host.session.state(), server::ServerState::kAuthorization);
}

TEST(ServerAuth, EndsTheExchangeOnGarbageCancellationAndLongLines) {
  const std::string long_line(20000, 'A');
  for (const std::string& response :
       {std::string("!!!not base64"), std::string("*"), long_line, std::string("QQ")}) {
    TestHost host;
    host.session.receive("AUTH LOGIN\r\n");
    EXPECT_TRUE(std::string(host.session.output())
                    .ends_with("+ " + auth::base64_encode("Username:") + "\r\n"));
    host.session.consume_output(host.session.output().size());
    host.session.receive(response + "\r\nNOOP\r\nCAPA\r\n");
    const std::string out(host.session.output());
    EXPECT_TRUE(out.starts_with("-ERR ")) << out;
    // The exchange is over: the next lines are commands again.
    EXPECT_NE(
        out.find(
            "-ERR NOOP is not valid in the AUTHORIZATION state\r\n+OK Capability list follows"),
        std::string::npos)
        << out;
    EXPECT_TRUE(host.logins.empty());
  }
}

TEST(ServerAuth, RefusesGarbageInitialResponsesAndUnknownMechanisms) {
  TestHost host;
  host.session.receive("AUTH PLAIN %%%%\r\nAUTH GSSAPI\r\nAUTH\r\nAUTH PLAIN =\r\n");
  EXPECT_EQ(std::string(host.session.output()).substr(host.session.output().find("\r\n") + 2),
            "-ERR Invalid base64 in the initial response\r\n"
            "-ERR Unsupported authentication mechanism\r\n"
            "-ERR AUTH needs a mechanism\r\n"
            "-ERR [AUTH] malformed PLAIN message\r\n");
}

TEST(ServerAuth, ClosesAfterTooManyFailedLogins) {
  TestHost host;
  host.accounts["alice"] = password_account("right");
  host.session.receive(
      "USER alice\r\nPASS a\r\nUSER alice\r\nPASS b\r\nUSER alice\r\nPASS c\r\nUSER alice\r\n");
  host.serve();
  EXPECT_TRUE(host.session.closed());
  ASSERT_EQ(host.closes.size(), 1u);
  EXPECT_EQ(host.closes[0].reason, server::CloseReason::kTooManyErrors);
  EXPECT_EQ(host.logins.size(), 3u);
}

TEST(ServerAuth, HandsTheAuthorizationIdentityToTheMaildrop) {
  TestHost host;
  host.accounts["admin"] = password_account("pw");
  const std::string message = std::string("alice\0admin\0pw", 14);
  host.session.receive("AUTH PLAIN " + auth::base64_encode(message) + "\r\n");
  host.serve();
  ASSERT_EQ(host.logins.size(), 1u);
  EXPECT_EQ(host.logins[0].authzid, "alice");
  EXPECT_EQ(host.maildrops, (std::vector<std::string>{"alice"}));
}
