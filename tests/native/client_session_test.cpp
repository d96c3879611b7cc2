#include "pop3/protocol/client_session.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "session_driver.hpp"

using namespace pop3;
using namespace pop3::protocol;
using pop3::testing::SessionDriver;

namespace {

constexpr const char* kGreeting = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";
constexpr const char* kCapaPipelining =
    "+OK Capability list follows\r\nUSER\r\nUIDL\r\nTOP\r\nPIPELINING\r\nRESP-CODES\r\n.\r\n";

// A session that is greeted and logged in with USER/PASS, optionally after CAPA.
void log_in(SessionDriver& d, bool pipelining) {
  d.server(kGreeting);
  if (pipelining) {
    d.submit(Command::capa());
    EXPECT_EQ(d.sent(), "CAPA\r\n");
    d.server(kCapaPipelining);
  }
  d.submit(Command::user("alice"));
  d.submit(Command::pass("secret"));
  d.sent();
  d.server("+OK\r\n+OK maildrop locked and ready\r\n");
  d.sent();
  ASSERT_EQ(d.session.state(), SessionState::kTransaction);
  d.replies.clear();
}

}  // namespace

TEST(ClientSession, WaitsForTheGreetingBeforeSendingAnything) {
  SessionDriver d;
  d.submit(Command::capa());
  EXPECT_EQ(d.sent(), "");
  d.server(kGreeting);
  EXPECT_EQ(d.greetings, 1);
  EXPECT_EQ(d.session.state(), SessionState::kAuthorization);
  EXPECT_EQ(d.sent(), "CAPA\r\n");
}

TEST(ClientSession, RunsACompleteSessionOneCommandAtATime) {
  SessionDriver d;
  d.server(kGreeting);
  d.submit(Command::user("mrose"));
  d.submit(Command::pass("tanstaaf"));
  EXPECT_EQ(d.sent(), "USER mrose\r\n");  // no PIPELINING announced: wait for each reply
  d.server("+OK mrose is a real hoopy frood\r\n");
  EXPECT_EQ(d.sent(), "PASS tanstaaf\r\n");
  d.server("+OK mrose's maildrop has 2 messages (320 octets)\r\n");
  EXPECT_EQ(d.session.state(), SessionState::kTransaction);

  d.submit(Command::stat());
  d.submit(Command::list());
  d.submit(Command::retr(1));
  d.submit(Command::dele(1));
  d.submit(Command::quit());
  EXPECT_EQ(d.sent(), "STAT\r\n");
  d.server("+OK 2 320\r\n");
  EXPECT_EQ(d.sent(), "LIST\r\n");
  d.server("+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n");
  EXPECT_EQ(d.sent(), "RETR 1\r\n");
  d.server("+OK 120 octets\r\nSubject: hi\r\n\r\n..dot\r\n.\r\n");
  EXPECT_EQ(d.sent(), "DELE 1\r\n");
  d.server("+OK message 1 deleted\r\n");
  EXPECT_EQ(d.sent(), "QUIT\r\n");
  EXPECT_EQ(d.session.state(), SessionState::kUpdate);
  d.server("+OK dewey POP3 server signing off (maildrop empty)\r\n");
  EXPECT_EQ(d.session.state(), SessionState::kClosed);

  ASSERT_EQ(d.replies.size(), 7u);
  for (const auto& r : d.replies) EXPECT_TRUE(r.ok) << r.error_code;
  const auto& stat = std::get<DropListing>(d.replies[2].data);
  EXPECT_EQ(stat.count, 2u);
  EXPECT_EQ(stat.size, 320u);
  const auto& list = std::get<std::vector<ScanListing>>(d.replies[3].data);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].number, 2u);
  EXPECT_EQ(list[1].size, 200u);
  EXPECT_EQ(d.replies[4].body, "Subject: hi\r\n\r\n.dot\r\n");
  EXPECT_TRUE(d.session_errors.empty());
}

TEST(ClientSession, RefusesCommandsThatAreInvalidInTheProjectedState) {
  SessionDriver d;
  d.server(kGreeting);
  auto retr = d.session.submit(*Command::retr(1));
  ASSERT_FALSE(retr.ok());
  EXPECT_EQ(retr.error().code, ErrorCode::kInvalidState);
  EXPECT_NE(retr.error().message.find("AUTHORIZATION"), std::string::npos);
  auto pass = d.session.submit(*Command::pass("x"));
  ASSERT_FALSE(pass.ok());
  EXPECT_EQ(pass.error().code, ErrorCode::kInvalidState);
  EXPECT_FALSE(d.session.submit(Command::noop()).ok());  // NOOP is TRANSACTION-only
  // USER then PASS then STAT may be queued together: each is valid once the previous succeeds.
  d.submit(Command::user("alice"));
  d.submit(Command::pass("x"));
  d.submit(Command::stat());
  EXPECT_EQ(d.sent(), "USER alice\r\n");
  EXPECT_FALSE(d.session.submit(*Command::user("bob")).ok());  // already in TRANSACTION (projected)
}

TEST(ClientSession, RefusesEverythingAfterQuit) {
  SessionDriver d;
  d.server(kGreeting);
  d.submit(Command::quit());
  auto noop = d.session.submit(Command::capa());
  ASSERT_FALSE(noop.ok());
  EXPECT_EQ(noop.error().code, ErrorCode::kSessionClosed);
}

TEST(ClientSession, DropsQueuedCommandsWhenLoginFails) {
  SessionDriver d;
  d.server(kGreeting);
  d.submit(Command::user("alice"));
  d.submit(Command::pass("wrong"));
  d.submit(Command::stat());
  d.submit(Command::uidl());
  d.sent();
  d.server("+OK\r\n");
  EXPECT_EQ(d.sent(), "PASS wrong\r\n");
  d.server("-ERR [AUTH] Authentication failed.\r\n");
  ASSERT_EQ(d.replies.size(), 4u);
  EXPECT_EQ(d.replies[1].error_code, "AUTH_FAILED");
  EXPECT_EQ(d.replies[1].response_code, "AUTH");
  EXPECT_EQ(d.replies[2].error_code, "NOT_SENT");
  EXPECT_EQ(d.replies[3].error_code, "NOT_SENT");
  EXPECT_EQ(d.sent(), "");
  EXPECT_EQ(d.session.state(), SessionState::kAuthorization);
  // The session is still usable: a new attempt goes through.
  d.submit(Command::user("alice"));
  EXPECT_EQ(d.sent(), "USER alice\r\n");
}

TEST(ClientSession, PipelinesOnlyAfterTheServerAnnouncesIt) {
  SessionDriver d;
  log_in(d, /*pipelining=*/true);
  EXPECT_TRUE(d.session.pipelining());
  for (std::uint32_t n = 1; n <= 3; ++n) d.submit(Command::retr(n));
  d.submit(Command::dele(1));
  EXPECT_EQ(d.sent(), "RETR 1\r\nRETR 2\r\nRETR 3\r\nDELE 1\r\n");
  d.server(
      "+OK\r\none\r\n.\r\n+OK\r\ntwo\r\n.\r\n-ERR [SYS/TEMP] no such message\r\n+OK deleted\r\n");
  ASSERT_EQ(d.replies.size(), 4u);
  EXPECT_EQ(d.replies[0].body, "one\r\n");
  EXPECT_EQ(d.replies[1].body, "two\r\n");
  EXPECT_EQ(d.replies[2].error_code, "SERVER_ERROR");
  EXPECT_EQ(d.replies[2].response_code, "SYS/TEMP");
  EXPECT_TRUE(d.replies[3].ok);
}

TEST(ClientSession, NeverPipelinesWithoutTheCapability) {
  SessionDriver d;
  log_in(d, /*pipelining=*/false);
  d.submit(Command::retr(1));
  d.submit(Command::retr(2));
  EXPECT_EQ(d.sent(), "RETR 1\r\n");
  d.server("+OK\r\nx\r\n.\r\n");
  EXPECT_EQ(d.sent(), "RETR 2\r\n");
}

TEST(ClientSession, StopsABatchAtABarrierCommand) {
  SessionDriver d;
  d.server(kGreeting);
  d.submit(Command::capa());
  d.sent();
  d.server(kCapaPipelining);
  d.submit(Command::user("alice"));
  d.submit(Command::pass("secret"));
  d.submit(Command::stat());
  // PASS waits for USER's reply (see kCommandTraits); STAT waits for the outcome of PASS.
  EXPECT_EQ(d.sent(), "USER alice\r\n");
  d.server("+OK\r\n");
  EXPECT_EQ(d.sent(), "PASS secret\r\n");
  d.server("+OK logged in\r\n");
  EXPECT_EQ(d.sent(), "STAT\r\n");
}

TEST(ClientSession, BoundsThePipelineWindow) {
  SessionOptions options;
  options.limits.max_pipelined_commands = 2;
  SessionDriver d(options);
  log_in(d, true);
  for (std::uint32_t n = 1; n <= 5; ++n) d.submit(Command::dele(n));
  EXPECT_EQ(d.sent(), "DELE 1\r\nDELE 2\r\n");
  d.server("+OK\r\n");
  EXPECT_EQ(d.sent(), "DELE 3\r\n");
}

TEST(ClientSession, ParsesSingleAndMultiLineListings) {
  SessionDriver d;
  log_in(d, false);
  d.submit(Command::list(2));
  d.server("+OK 2 200\r\n");
  d.submit(Command::uidl());
  d.server("+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n");
  d.submit(Command::uidl(1));
  d.server("+OK 1 whqtswO00WBw418f9t5JxYwZ\r\n");
  d.submit(Command::top(1, 0));
  d.server("+OK\r\nSubject: x\r\n\r\n.\r\n");
  ASSERT_EQ(d.replies.size(), 4u);
  EXPECT_EQ(std::get<ScanListing>(d.replies[0].data).size, 200u);
  const auto& uids = std::get<std::vector<UidListing>>(d.replies[1].data);
  ASSERT_EQ(uids.size(), 2u);
  EXPECT_EQ(uids[1].uid, "QhdPYR:00WBw1Ph7x7");
  EXPECT_EQ(std::get<UidListing>(d.replies[2].data).uid, "whqtswO00WBw418f9t5JxYwZ");
  EXPECT_EQ(d.replies[3].body, "Subject: x\r\n\r\n");
}

TEST(ClientSession, ReportsMalformedListingsWithoutLosingSync) {
  SessionDriver d;
  log_in(d, false);
  d.submit(Command::list());
  d.server("+OK\r\n1 100\r\nbogus line\r\n.\r\n");
  d.submit(Command::stat());
  d.server("+OK many\r\n");
  d.submit(Command::list(3));
  d.server("+OK 4 100\r\n");  // answers about another message
  d.submit(Command::noop());
  d.server("+OK\r\n");
  ASSERT_EQ(d.replies.size(), 4u);
  EXPECT_EQ(d.replies[0].error_code, "PROTOCOL_VIOLATION");
  EXPECT_EQ(d.replies[1].error_code, "PROTOCOL_VIOLATION");
  EXPECT_EQ(d.replies[2].error_code, "PROTOCOL_VIOLATION");
  EXPECT_TRUE(d.replies[3].ok);
  EXPECT_TRUE(d.session_errors.empty());
}

TEST(ClientSession, FailsEveryPendingCommandOnAnOverlongLine) {
  SessionOptions options;
  options.limits.max_status_line = 64;
  SessionDriver d(options);
  log_in(d, true);
  d.submit(Command::stat());
  d.submit(Command::noop());
  d.sent();
  d.server("+OK " + std::string(100, 'x'));
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_EQ(d.session_errors[0].rfind("LINE_TOO_LONG", 0), 0u);
  ASSERT_EQ(d.replies.size(), 2u);
  EXPECT_EQ(d.replies[0].error_code, "LINE_TOO_LONG");
  EXPECT_EQ(d.replies[1].error_code, "SESSION_CLOSED");
  EXPECT_EQ(d.session.state(), SessionState::kFailed);
  EXPECT_FALSE(d.session.submit(Command::noop()).ok());
}

TEST(ClientSession, BoundsBufferedListings) {
  SessionOptions options;
  options.limits.max_listing_bytes = 1000;
  SessionDriver d(options);
  log_in(d, false);
  d.submit(Command::uidl());
  d.server("+OK\r\n");
  for (int i = 1; i <= 100 && d.session_errors.empty(); ++i) {
    d.server(std::to_string(i) + " uid-" + std::to_string(i) + "\r\n");
  }
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_EQ(d.replies.back().error_code, "REPLY_TOO_LARGE");
}

TEST(ClientSession, RejectsNulBytesInProtocolLines) {
  SessionDriver d;
  d.server(std::string("+OK hi\0there\r\n", 15));
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_EQ(d.session_errors[0].rfind("PROTOCOL_VIOLATION", 0), 0u);
}

TEST(ClientSession, ReportsWhereTheServersBytesWentWrong) {
  SessionDriver d;
  log_in(d, false);
  const auto before = d.session.stream_offset();
  d.submit(Command::noop());
  d.server("+OK\r\nGARBAGE\r\n");
  // The NOOP reply is fine; the unsolicited line after it is the violation, and the error
  // points at its first byte.
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_EQ(d.error_offsets[0], before + 5);
  EXPECT_EQ(d.session.stream_offset(), before + 5 + 9);
}

TEST(ClientSession, TreatsAnUnsolicitedErrAsTheServerEndingTheSession) {
  SessionDriver d;
  log_in(d, false);
  d.server("-ERR Disconnected for inactivity.\r\n");
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_NE(d.session_errors[0].find("CONNECTION_CLOSED"), std::string::npos);
  EXPECT_NE(d.session_errors[0].find("Disconnected for inactivity"), std::string::npos);
}

TEST(ClientSession, FailsWhenTheGreetingIsNegative) {
  SessionDriver d;
  d.submit(Command::capa());
  d.server("-ERR [SYS/TEMP] too many connections\r\n");
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_EQ(d.session_errors[0].rfind("SERVER_ERROR: ", 0), 0u) << d.session_errors[0];
  EXPECT_NE(d.session_errors[0].find("too many connections"), std::string::npos)
      << d.session_errors[0];
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].error_code, "NOT_SENT");
  EXPECT_EQ(d.session.state(), SessionState::kFailed);
}

TEST(ClientSession, ReportsAConnectionLostMidReply) {
  SessionDriver d;
  log_in(d, false);
  d.submit(Command::retr(1));
  d.server("+OK\r\npartial body\r\n");
  d.eof();
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].error_code, "CONNECTION_CLOSED");
  ASSERT_EQ(d.session_errors.size(), 1u);
}

TEST(ClientSession, WarnsThatDeletionsAreUncertainWhenQuitIsUnanswered) {
  SessionDriver d;
  log_in(d, false);
  d.submit(Command::quit());
  d.eof();
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_NE(d.session_errors[0].find("deletions may not have been applied"), std::string::npos);
}

TEST(ClientSession, ComputesApopFromTheGreetingTimestamp) {
  SessionDriver d;
  d.server(kGreeting);
  auto id = d.session.submit_apop("mrose", "tanstaaf");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(d.sent(), "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
}

TEST(ClientSession, RefusesApopWithoutATimestamp) {
  SessionDriver d;
  d.server("+OK POP3 ready\r\n");
  auto id = d.session.submit_apop("mrose", "tanstaaf");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kApopUnavailable);
  EXPECT_EQ(d.sent(), "");
}

TEST(ClientSession, UpgradesToTlsAndForgetsCapabilities) {
  SessionDriver d;
  d.server(kGreeting);
  d.submit(Command::capa());
  d.sent();
  d.server("+OK\r\nSTLS\r\nUSER\r\n.\r\n");
  ASSERT_TRUE(d.session.capabilities()->stls);
  d.submit(Command::stls());
  EXPECT_EQ(d.sent(), "STLS\r\n");
  d.server("+OK Begin TLS negotiation\r\n");
  EXPECT_EQ(d.tls_requests, 1);
  EXPECT_EQ(d.session.state(), SessionState::kTlsHandshake);
  EXPECT_FALSE(d.session.capabilities().has_value());
  EXPECT_FALSE(d.session.submit(Command::capa()).ok());  // not until TLS is up
  d.session.tls_started();
  EXPECT_EQ(d.session.state(), SessionState::kAuthorization);
  d.submit(Command::capa());
  EXPECT_EQ(d.sent(), "CAPA\r\n");
  auto again = d.session.submit(Command::stls());
  ASSERT_FALSE(again.ok());  // RFC 2595: never twice
}

TEST(ClientSession, RefusesPlaintextInjectedAfterStls) {
  SessionDriver d;
  d.server(kGreeting);
  d.submit(Command::stls());
  d.sent();
  d.server("+OK Begin TLS\r\n+OK injected\r\n");
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_EQ(d.session_errors[0].rfind("UNEXPECTED_DATA", 0), 0u);
  EXPECT_EQ(d.session.state(), SessionState::kFailed);
}

TEST(ClientSession, CancelsQueuedCommandsOnly) {
  SessionDriver d;
  log_in(d, false);
  const auto first = d.submit(Command::retr(1));
  const auto second = d.submit(Command::retr(2));
  EXPECT_FALSE(d.session.cancel(first));  // already on the wire
  EXPECT_TRUE(d.session.cancel(second));
  d.drain();
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].error_code, "CANCELLED");
  d.sent();
  d.server("+OK\r\nbody\r\n.\r\n");
  EXPECT_EQ(d.sent(), "");
}

TEST(ClientSession, TranscriptRedactsThePassword) {
  SessionOptions options;
  options.transcript = true;
  SessionDriver d(options);
  d.server(kGreeting);
  d.submit(Command::user("alice"));
  d.sent();
  d.server("+OK\r\n");
  d.submit(Command::pass("hunter2"));
  d.sent();
  d.server("+OK\r\n");
  d.submit(Command::retr(1));
  d.server("+OK\r\nabc\r\n.\r\n");
  const std::vector<std::string> expected = {
      std::string("S: ") + std::string(kGreeting, std::strlen(kGreeting) - 2),
      "C: USER alice",
      "S: +OK",
      "C: PASS ***",
      "S: +OK",
      "C: RETR 1",
      "S: +OK",
      "S: [5 octets of message data]",
      "S: ."};
  EXPECT_EQ(d.transcript, expected);
}

TEST(ClientSession, DeliversBodiesAsBoundedChunks) {
  SessionDriver d;
  log_in(d, false);
  d.submit(Command::retr(1));
  d.server("+OK\r\n");
  const std::string line(1000, 'x');
  for (int i = 0; i < 50; ++i) d.server(line + "\r\n");
  d.server(".\r\n");
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].body.size(), 50u * 1002);
  // One chunk per receive(): nothing accumulates across calls inside the session.
  EXPECT_EQ(d.chunk_sizes.size(), 50u);
  for (auto size : d.chunk_sizes) EXPECT_EQ(size, 1002u);
}

// Bodies come as spans into the input of each receive(): pipelined replies, stuffed dots, a
// ".\r" that is content and terminators split at every chunk size rebuild the same messages,
// with body_size counting what was delivered.
TEST(ClientSession, DeliversBodySpansThatRebuildTheMessagesAtEveryChunkSize) {
  const std::string wire =
      "+OK\r\n..a\r\n.\rb\r\n\r\n..\r\n.\r\n"
      "+OK 9 octets\r\nline\r\n...\r\n.\r\n"
      "+OK\r\n.\r\n";
  for (std::size_t chunk = 1; chunk <= wire.size(); ++chunk) {
    SessionDriver d;
    log_in(d, /*pipelining=*/true);
    for (std::uint32_t n = 1; n <= 3; ++n) d.submit(Command::retr(n));
    d.sent();
    for (std::size_t at = 0; at < wire.size(); at += chunk) d.server(wire.substr(at, chunk));
    ASSERT_EQ(d.replies.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(d.replies[0].body, ".a\r\n\rb\r\n\r\n.\r\n") << "chunk " << chunk;
    EXPECT_EQ(d.replies[1].body, "line\r\n..\r\n") << "chunk " << chunk;
    EXPECT_EQ(d.replies[2].body, "") << "chunk " << chunk;
    EXPECT_EQ(d.session.state(), SessionState::kTransaction);
  }
}

// A RETR may not run far past the size the server declared for the message: a body that never
// ends stops at twice the declared size plus 64 KiB, not at the global message limit.
namespace {

// Feeds `lines` of 1,000 octets of body until the session fails or `max` lines went in.
int feed_endless_body(SessionDriver& d, int max) {
  const std::string line(998, 'x');
  int lines = 0;
  while (lines < max && d.session_errors.empty()) {
    d.server(line + "\r\n");
    ++lines;
  }
  return lines;
}

}  // namespace

TEST(ClientSession, StopsARetrThatRunsPastTheSizeTheListDeclared) {
  SessionOptions options;
  options.limits.max_message_bytes = 256 * 1024 * 1024;
  SessionDriver d(options);
  log_in(d, false);
  d.submit(Command::list());
  d.server("+OK\r\n1 100\r\n2 5000\r\n.\r\n");
  d.submit(Command::retr(1));
  d.server("+OK\r\n");
  const int lines = feed_endless_body(d, 10'000);
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_EQ(d.session_errors[0].rfind("PROTOCOL_VIOLATION: ", 0), 0u) << d.session_errors[0];
  EXPECT_NE(d.session_errors[0].find("declared the message to be 100 octets"), std::string::npos);
  EXPECT_NE(d.session_errors[0].find("ran past 65736 octets"), std::string::npos)
      << d.session_errors[0];
  EXPECT_LE(lines, 67);  // 2 x 100 + 64 KiB, in 1,000-octet lines
}

TEST(ClientSession, StopsARetrThatRunsPastTheOctetsOfItsOwnReply) {
  SessionDriver d;  // no global limit at all
  log_in(d, false);
  d.submit(Command::retr(3));
  d.server("+OK 2000 octets\r\n");
  feed_endless_body(d, 10'000);
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_NE(d.session_errors[0].find("declared the message to be 2000 octets"), std::string::npos)
      << d.session_errors[0];
}

TEST(ClientSession, AcceptsABodyUpToTwiceItsDeclaredSize) {
  SessionDriver d;
  log_in(d, false);
  d.submit(Command::list());
  d.server("+OK\r\n1 40000\r\n.\r\n");
  d.submit(Command::retr(1));
  d.server("+OK\r\n");
  // Stored with LF line ends, sent with CRLF: many short lines nearly double the size.
  std::string body;
  while (body.size() < 78'000) body += "a\r\n";
  d.server(body + ".\r\n");
  EXPECT_TRUE(d.session_errors.empty());
  ASSERT_FALSE(d.replies.empty());
  EXPECT_TRUE(d.replies.back().ok);
  EXPECT_EQ(d.replies.back().body.size(), body.size());
}

TEST(ClientSession, KeepsTheGlobalLimitForMessagesOfUnknownSize) {
  SessionOptions options;
  options.limits.max_message_bytes = 100'000;
  SessionDriver d(options);
  log_in(d, false);
  d.submit(Command::retr(1));
  d.server("+OK message follows\r\n");
  feed_endless_body(d, 10'000);
  ASSERT_EQ(d.session_errors.size(), 1u);
  EXPECT_EQ(d.session_errors[0].rfind("REPLY_TOO_LARGE: ", 0), 0u) << d.session_errors[0];
}

TEST(ClientSession, TakesADeclaredSizeOfZeroAsUnknown) {
  SessionDriver d;
  log_in(d, false);
  d.submit(Command::list());
  d.server("+OK\r\n1 0\r\n.\r\n");  // servers that list every message as 0 octets
  d.submit(Command::retr(1));
  d.server("+OK\r\n");
  std::string body;
  while (body.size() < 200'000) body += std::string(98, 'z') + "\r\n";
  d.server(body + ".\r\n");
  EXPECT_TRUE(d.session_errors.empty());
  ASSERT_FALSE(d.replies.empty());
  EXPECT_EQ(d.replies.back().body.size(), body.size());
}
