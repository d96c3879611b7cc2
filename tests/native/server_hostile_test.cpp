// ServerSession against hostile clients: over-long lines, commands before the greeting, floods
// of pipelined commands from a client that never reads, STLS abuse, NUL bytes.
#include <gtest/gtest.h>

#include "server_host.hpp"

using namespace pop3;
using namespace pop3::server;
using pop3::testing::password_account;
using pop3::testing::TestHost;

namespace {

std::string take(ServerSession& s) {
  std::string out(s.output());
  s.consume_output(out.size());
  return out;
}

void log_in(TestHost& host) {
  host.accounts["alice"] = password_account("secret");
  host.messages = {{"u1", "Subject: x\r\n\r\nbody\r\n"}};
  host.session.receive("USER alice\r\nPASS secret\r\n");
  host.serve();
  ASSERT_EQ(host.session.state(), ServerState::kTransaction);
  take(host.session);
}

}  // namespace

TEST(ServerHostile, AnswersAnOverlongLineAndDiscardsItsRest) {
  TestHost host;
  take(host.session);
  host.session.receive("USER " + std::string(300, 'a') + "\r\nCAPA\r\n");
  const std::string out = take(host.session);
  EXPECT_TRUE(out.starts_with(
      "-ERR line too long (the limit is 255 octets)\r\n+OK Capability list follows\r\n"))
      << out;
  // A line that never ends, fed in pieces: one -ERR, then everything up to its LF is dropped.
  for (int i = 0; i < 100; ++i) EXPECT_EQ(host.session.receive(std::string(1000, 'x')), 1000u);
  EXPECT_EQ(take(host.session), "-ERR line too long (the limit is 255 octets)\r\n");
  EXPECT_LT(host.session.input_buffered(), 1000u);
  host.session.receive("still the same line\r\nNOOP\r\nQUIT\r\n");
  EXPECT_EQ(take(host.session),
            "-ERR NOOP is not valid in the AUTHORIZATION state\r\n+OK pop.test POP3 server signing "
            "off\r\n");
}

TEST(ServerHostile, AnswersCommandsSentBeforeTheGreetingAfterIt) {
  TestHost host;
  host.accounts["alice"] = password_account("secret");
  // The client did not wait for the greeting; the greeting still comes first.
  host.session.receive("CAPA\r\nUSER alice\r\nPASS secret\r\n");
  host.serve();
  const std::string out = take(host.session);
  EXPECT_TRUE(out.starts_with("+OK POP3 server ready <")) << out;
  EXPECT_NE(out.find("\r\n+OK Capability list follows\r\n"), std::string::npos);
  EXPECT_TRUE(out.ends_with(".\r\n+OK\r\n+OK alice's maildrop has 0 messages (0 octets)\r\n"))
      << out;
}

TEST(ServerHostile, BoundsMemoryForAFloodFromAClientThatNeverReads) {
  TestHost host;
  log_in(host);
  const std::string noops = [] {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += "NOOP\r\n";
    return s;
  }();
  std::size_t accepted = 0;
  std::size_t offered = 0;
  for (int round = 0; round < 100; ++round) {
    offered += noops.size();
    accepted += host.session.receive(noops);
    EXPECT_LE(host.session.output().size(), 64u * 1024 + 64);
    EXPECT_LE(host.session.input_buffered(), 64u * 1024);
  }
  EXPECT_LT(accepted, offered);  // backpressure: the transport must hold the rest
  // Once the client reads, every accepted command is answered, in order.
  std::size_t answers = 0;
  for (std::string out = take(host.session); !out.empty(); out = take(host.session)) {
    for (std::size_t at = out.find("+OK\r\n"); at != std::string::npos;
         at = out.find("+OK\r\n", at + 1))
      ++answers;
  }
  EXPECT_EQ(answers, accepted / 6);
}

TEST(ServerHostile, BoundsMemoryWhileTheHostHasNotAnswered) {
  TestHost host;
  host.session.receive("USER alice\r\nPASS secret\r\n");  // LoginRequest left unanswered
  std::size_t accepted = 0;
  for (int i = 0; i < 1000; ++i) accepted += host.session.receive(std::string(1000, 'x') + "\r\n");
  EXPECT_LE(accepted, 64u * 1024 + 2000);
  EXPECT_LE(host.session.input_buffered(), 64u * 1024);
}

TEST(ServerHostile, RefusesStlsAfterLoginAndTwice) {
  auto options = pop3::testing::test_server_options();
  options.stls = true;
  TestHost host(options);
  log_in(host);
  host.session.receive("STLS\r\n");
  EXPECT_EQ(take(host.session), "-ERR STLS is not valid in the TRANSACTION state\r\n");
  EXPECT_EQ(host.tls_requests, 0);

  TestHost again(options);
  again.session.tls_started();  // implicit TLS
  take(again.session);
  again.session.receive("STLS\r\n");
  EXPECT_EQ(take(again.session), "-ERR TLS is already active\r\n");
  EXPECT_FALSE(again.session.capabilities().stls);
}

TEST(ServerHostile, DropsCommandsInjectedBehindStls) {
  auto options = pop3::testing::test_server_options();
  options.stls = true;
  TestHost host(options);
  host.accounts["alice"] = password_account("secret");
  take(host.session);
  const std::string chunk = "STLS\r\nUSER alice\r\nPASS secret\r\n";
  EXPECT_EQ(host.session.receive(chunk), chunk.size());
  host.serve();
  EXPECT_EQ(take(host.session), "+OK Begin TLS negotiation\r\n");
  EXPECT_EQ(host.tls_requests, 1);
  EXPECT_EQ(host.session.state(), ServerState::kTlsHandshake);
  EXPECT_EQ(host.session.receive("NOOP\r\n"), 0u);  // nothing in clear until TLS is up
  host.session.tls_started();
  host.serve();
  EXPECT_EQ(take(host.session), "");
  EXPECT_TRUE(host.logins.empty());
  EXPECT_EQ(host.session.state(), ServerState::kAuthorization);
  EXPECT_FALSE(host.session.capabilities().stls);
}

TEST(ServerHostile, RefusesNulBytes) {
  TestHost host;
  take(host.session);
  constexpr char kInput[] = "NO\0OP\r\nUSER a\0b\r\nCAPA\r\n";
  host.session.receive(std::string(kInput, sizeof kInput - 1));
  const std::string out = take(host.session);
  EXPECT_TRUE(out.starts_with(
      "-ERR NUL byte in the command line\r\n-ERR NUL byte in the command line\r\n+OK"))
      << out;
}

TEST(ServerHostile, ClosesAfterTooManyBadCommands) {
  TestHost host;
  take(host.session);
  std::string junk;
  for (int i = 0; i < 30; ++i) junk += "JUNK\r\n";
  host.session.receive(junk);
  host.serve();
  const std::string out = take(host.session);
  EXPECT_TRUE(out.ends_with("-ERR unknown command; too many bad commands, closing\r\n"));
  EXPECT_TRUE(host.session.closed());
  ASSERT_EQ(host.closes.size(), 1u);
  EXPECT_EQ(host.closes[0].reason, CloseReason::kTooManyErrors);
}

TEST(ServerHostile, AcceptsBareLfLineEnds) {
  TestHost host;
  take(host.session);
  host.session.receive("CAPA\nQUIT\n");
  EXPECT_TRUE(take(host.session).ends_with(".\r\n+OK pop.test POP3 server signing off\r\n"));
}

TEST(ServerHostile, ReleasesAMessageWhenTheClientLeavesMidBody) {
  TestHost host;
  log_in(host);
  host.hold_message_data = true;
  host.session.receive("RETR 1\r\n");
  host.serve();
  ASSERT_EQ(host.data_requests.size(), 1u);
  host.session.receive_eof();
  host.serve();
  EXPECT_EQ(host.done, (std::vector<std::uint32_t>{1}));
  ASSERT_EQ(host.closes.size(), 1u);
  EXPECT_EQ(host.closes[0].reason, CloseReason::kClientClosed);
  EXPECT_EQ(host.session.message_data("late", true)->code, ErrorCode::kInvalidState);
}
