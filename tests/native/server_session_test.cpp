// Our ClientSession against our ServerSession, in memory: every command, pipelined and not,
// with the bytes cut into chunks of every size from one octet up.
#include <gtest/gtest.h>

#include "pop3/auth/apop.hpp"
#include "server_host.hpp"

using namespace pop3;
using namespace pop3::protocol;
using pop3::testing::fixed_random;
using pop3::testing::password_account;
using pop3::testing::pump;
using pop3::testing::SessionDriver;
using pop3::testing::TestHost;

namespace {

const std::string kMessage1 =
    "Subject: one\r\n\r\nfirst line\r\n.starts with a dot\r\n..two dots\r\n.\r\nlast\r\n";
const std::string kMessage2 = "Subject: two\r\nFrom: a@b\r\n\r\nbody\r\n";
const std::string kMessage3 = "Subject: three\n\nLF only\n.\nno final line end";

void fill(TestHost& host) {
  host.accounts["alice"] = password_account("secret");
  host.messages = {{"uid-1", kMessage1}, {"uid-2", kMessage2}, {"uid-3", kMessage3}};
}

// The whole-session script, checked reply by reply.
void run_full_session(std::size_t chunk, bool pipelined) {
  SCOPED_TRACE("chunk " + std::to_string(chunk) + (pipelined ? " pipelined" : ""));
  TestHost host;
  fill(host);
  host.chunk_size = chunk == 0 ? 1000 : chunk * 5;
  SessionOptions options;
  options.allow_pipelining = pipelined;
  SessionDriver client(options);
  client.submit(Command::capa());
  client.submit(Command::user("alice"));
  client.submit(Command::pass("secret"));
  pump(client, host, chunk);
  ASSERT_EQ(client.session.state(), SessionState::kTransaction);
  EXPECT_EQ(client.session.pipelining(), pipelined);
  client.submit(Command::stat());
  client.submit(Command::list());
  client.submit(Command::uidl());
  client.submit(Command::list(2));
  client.submit(Command::uidl(3));
  client.submit(Command::retr(1));
  client.submit(Command::retr(3));
  client.submit(Command::top(2, 0));
  client.submit(Command::dele(2));
  client.submit(Command::noop());
  client.submit(Command::rset());
  client.submit(Command::dele(1));
  client.submit(Command::capa());
  client.submit(Command::quit());
  pump(client, host, chunk);
  ASSERT_EQ(client.replies.size(), 17u);
  for (const auto& r : client.replies)
    EXPECT_TRUE(r.ok) << command_keyword(r.kind) << " " << r.error_code << " " << r.text;
  const auto& caps = std::get<Capabilities>(client.replies[0].data);
  EXPECT_TRUE(caps.top && caps.uidl && caps.user && caps.pipelining && caps.resp_codes &&
              caps.utf8);
  // No -PLUS: this session has no TLS, hence no channel binding.
  EXPECT_EQ(caps.sasl, (std::vector<std::string>{"SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1",
                                                 "CRAM-MD5", "PLAIN", "LOGIN"}));
  EXPECT_EQ(client.replies[2].text,
            "alice's maildrop has 3 messages (" +
                std::to_string(kMessage1.size() + kMessage2.size() + kMessage3.size()) +
                " octets)");
  const auto& stat = std::get<DropListing>(client.replies[3].data);
  EXPECT_EQ(stat.count, 3u);
  const auto& list = std::get<std::vector<ScanListing>>(client.replies[4].data);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[1].size, kMessage2.size());
  const auto& uidl = std::get<std::vector<UidListing>>(client.replies[5].data);
  ASSERT_EQ(uidl.size(), 3u);
  EXPECT_EQ(uidl[2].uid, "uid-3");
  EXPECT_EQ(std::get<ScanListing>(client.replies[6].data).size, kMessage2.size());
  EXPECT_EQ(std::get<UidListing>(client.replies[7].data).uid, "uid-3");
  EXPECT_EQ(client.replies[8].body, kMessage1);
  // LF line ends go out as CRLF, and the last line gets one.
  EXPECT_EQ(client.replies[9].body, "Subject: three\r\n\r\nLF only\r\n.\r\nno final line end\r\n");
  EXPECT_EQ(client.replies[10].body, "Subject: two\r\nFrom: a@b\r\n\r\n");
  EXPECT_EQ(client.session.state(), SessionState::kClosed);
  // Only message 1 was still marked at QUIT (RSET undid DELE 2).
  EXPECT_EQ(host.updates, (std::vector<std::vector<std::uint32_t>>{{1}}));
  ASSERT_EQ(host.messages.size(), 2u);
  EXPECT_EQ(host.messages[0].uid, "uid-2");
  ASSERT_EQ(host.closes.size(), 1u);
  EXPECT_EQ(host.closes[0].reason, server::CloseReason::kQuit);
  EXPECT_TRUE(host.closes[0].updated);
  EXPECT_EQ(host.done, (std::vector<std::uint32_t>{1, 3, 2}));
}

}  // namespace

TEST(ServerSession, RunsEveryCommandForOurClientWholeAndInChunks) {
  for (std::size_t chunk : {0, 1, 2, 3, 7, 64}) {
    run_full_session(chunk, false);
    run_full_session(chunk, true);
  }
}

TEST(ServerSession, GreetsWithAnApopTimestampFromTheHostsRandomness) {
  TestHost a;
  TestHost b(pop3::testing::test_server_options());
  const std::string greeting(a.session.output());
  EXPECT_EQ(greeting, std::string(b.session.output()));  // same seed, same bytes
  const auto timestamp = auth::find_apop_timestamp(greeting);
  ASSERT_TRUE(timestamp);
  EXPECT_EQ(*timestamp, a.session.apop_timestamp());
  EXPECT_TRUE(timestamp->ends_with("@pop.test>"));
  auto options = pop3::testing::test_server_options();
  options.random = fixed_random(7);
  TestHost c(options);
  EXPECT_NE(c.session.apop_timestamp(), a.session.apop_timestamp());
}

TEST(ServerSession, AppliesDeletionsOnlyOnQuit) {
  for (int ending = 0; ending < 2; ++ending) {
    TestHost host;
    fill(host);
    SessionDriver client;
    client.submit(Command::user("alice"));
    client.submit(Command::pass("secret"));
    client.submit(Command::dele(1));
    pump(client, host);
    ASSERT_EQ(client.replies.size(), 3u);
    EXPECT_TRUE(client.replies[2].ok);
    if (ending == 0) {
      host.session.receive_eof();
    } else {
      host.session.timeout();
      EXPECT_EQ(host.session.output(), "");  // RFC 1939: no answer to a time-out
    }
    host.serve();
    EXPECT_TRUE(host.updates.empty());
    EXPECT_EQ(host.messages.size(), 3u);
    ASSERT_EQ(host.closes.size(), 1u);
    EXPECT_EQ(host.closes[0].reason,
              ending == 0 ? server::CloseReason::kClientClosed : server::CloseReason::kTimeout);
    EXPECT_FALSE(host.closes[0].updated);
  }
}

TEST(ServerSession, QuitBeforeLoginClosesWithoutUpdate) {
  TestHost host;
  SessionDriver client;
  client.submit(Command::quit());
  pump(client, host);
  ASSERT_EQ(client.replies.size(), 1u);
  EXPECT_TRUE(client.replies[0].ok);
  EXPECT_TRUE(host.updates.empty());
  EXPECT_TRUE(host.session.closed());
  EXPECT_EQ(host.session.receive("NOOP\r\n"), 0u);
}

TEST(ServerSession, RefusesDeletedAndMissingMessages) {
  TestHost host;
  fill(host);
  SessionDriver client;
  client.submit(Command::user("alice"));
  client.submit(Command::pass("secret"));
  pump(client, host);
  client.replies.clear();
  host.session.receive("DELE 2\r\nRETR 2\r\nLIST 2\r\nTOP 9 1\r\nDELE 0\r\nLIST x\r\nSTAT\r\n");
  EXPECT_EQ(std::string(host.session.output()),
            "+OK message 2 deleted\r\n"
            "-ERR no such message: the message is marked deleted in this session\r\n"
            "-ERR no such message: the message is marked deleted in this session\r\n"
            "-ERR no such message: there is no message 9 in the maildrop (3 listed)\r\n"
            "-ERR invalid message number\r\n"
            "-ERR invalid message number\r\n"
            "+OK 2 " +
                std::to_string(kMessage1.size() + kMessage3.size()) + "\r\n");
}

TEST(ServerSession, ReportsAMaildropInUse) {
  TestHost host;
  fill(host);
  host.locked = true;
  SessionDriver client;
  client.submit(Command::user("alice"));
  client.submit(Command::pass("secret"));
  pump(client, host);
  ASSERT_EQ(client.replies.size(), 2u);
  EXPECT_EQ(client.replies[1].error_code, "AUTH_FAILED");
  EXPECT_EQ(client.replies[1].response_code, "IN-USE");
  EXPECT_EQ(host.session.state(), server::ServerState::kAuthorization);
}

TEST(ServerSession, ReportsAFailedUpdate) {
  TestHost host;
  fill(host);
  host.session.receive("USER alice\r\nPASS secret\r\nDELE 1\r\nQUIT\r\n");
  while (auto e = host.session.next_event()) {
    if (auto* login = std::get_if<server::LoginRequest>(&*e)) {
      EXPECT_EQ(login->password, "secret");
      EXPECT_FALSE(login->secure);
      host.session.answer_login(server::LoginAnswer::accept());
    } else if (std::holds_alternative<server::MaildropRequest>(*e)) {
      host.session.open_maildrop({{10, "a"}, {20, "b"}});
    } else if (auto* update = std::get_if<server::UpdateRequest>(&*e)) {
      EXPECT_EQ(update->uids, (std::vector<std::string>{"a"}));
      EXPECT_EQ(host.session.state(), server::ServerState::kUpdate);
      host.session.receive_eof();  // the client does not wait: UPDATE still completes
      EXPECT_FALSE(host.session.finish_update("disk full"));
    } else if (auto* closed = std::get_if<server::ClosedEvent>(&*e)) {
      EXPECT_FALSE(closed->updated);
    }
  }
  EXPECT_TRUE(std::string(host.session.output()).ends_with("-ERR [SYS/TEMP] disk full\r\n"));
  EXPECT_TRUE(host.session.closed());
}

TEST(ServerSession, AnswersOnlyTheOutstandingRequest) {
  TestHost host;
  EXPECT_EQ(host.session.answer_login(server::LoginAnswer::accept())->code,
            ErrorCode::kInvalidState);
  EXPECT_EQ(host.session.open_maildrop({})->code, ErrorCode::kInvalidState);
  EXPECT_EQ(host.session.message_data("x", true)->code, ErrorCode::kInvalidState);
  EXPECT_EQ(host.session.finish_update()->code, ErrorCode::kInvalidState);
}

TEST(ServerSession, RefusesAMaildropWithAnInvalidUid) {
  TestHost host;
  host.session.receive("USER a\r\nPASS b\r\n");
  auto e = host.session.next_event();
  ASSERT_TRUE(std::holds_alternative<server::LoginRequest>(*e));
  host.session.answer_login(server::LoginAnswer::accept());
  EXPECT_EQ(host.session.open_maildrop({{1, "has space"}})->code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(host.session.open_maildrop({{1, "ok"}}));
  EXPECT_EQ(host.session.state(), server::ServerState::kTransaction);
}

TEST(ServerSession, StreamsAMessageOnlyAsFastAsTheClientReads) {
  TestHost host;
  fill(host);
  const std::string big(1 << 20, 'x');
  host.messages.push_back({"big", "Subject: big\r\n\r\n" + big + "\r\n"});
  host.chunk_size = 4096;
  host.session.receive("USER alice\r\nPASS secret\r\nRETR 4\r\n");
  host.serve();
  // The reply outgrew the output limit and the session stopped asking for bytes.
  const std::size_t asked = host.data_requests.size();
  EXPECT_LT(asked, 20u);
  EXPECT_LE(host.session.output().size(), 64u * 1024 + 4096 + 100);
  host.serve();
  EXPECT_EQ(host.data_requests.size(), asked);
  // Reading resumes it.
  std::string received;
  while (!host.session.output().empty()) {
    received += host.session.output();
    host.session.consume_output(host.session.output().size());
    host.serve();
  }
  EXPECT_TRUE(received.ends_with(big + "\r\n.\r\n"));
  EXPECT_EQ(host.done, (std::vector<std::uint32_t>{4}));
}

TEST(ServerSession, ListsAHugeMaildropAsTheClientReads) {
  TestHost host;
  host.accounts["alice"] = password_account("secret");
  for (int i = 0; i < 50000; ++i)
    host.messages.push_back({std::string("u").append(std::to_string(i)), "x\r\n"});
  host.session.receive("USER alice\r\nPASS secret\r\nUIDL\r\nNOOP\r\n");
  host.serve();
  EXPECT_LE(host.session.output().size(), 64u * 1024 + 100);
  std::string received;
  while (!host.session.output().empty()) {
    received += host.session.output();
    host.session.consume_output(host.session.output().size());
  }
  EXPECT_TRUE(received.ends_with("50000 u49999\r\n.\r\n+OK\r\n"));
}

TEST(ServerSession, ClampsTheAutoLogoutTimerToTenMinutes) {
  auto options = pop3::testing::test_server_options();
  options.idle_timeout_seconds = 30;
  EXPECT_EQ(server::ServerSession(options).idle_timeout_seconds(), 600u);
  options.idle_timeout_seconds = 1800;
  EXPECT_EQ(server::ServerSession(options).idle_timeout_seconds(), 1800u);
}

TEST(ServerSession, AcceptsUtf8AfterTheUtf8Command) {
  TestHost host;
  host.accounts["j\xC3\xB6rg"] = password_account("p\xC3\xA4ss");
  SessionDriver client;
  client.submit(Command::capa());
  client.submit(Command::utf8());
  client.submit(Command::user("j\xC3\xB6rg"));
  client.submit(Command::pass("p\xC3\xA4ss"));
  pump(client, host);
  ASSERT_EQ(client.replies.size(), 4u);
  for (const auto& r : client.replies)
    EXPECT_TRUE(r.ok) << command_keyword(r.kind) << " " << r.text;
  EXPECT_TRUE(std::get<Capabilities>(client.replies[0].data).utf8_user);
  EXPECT_TRUE(host.session.utf8_active());
  EXPECT_EQ(host.session.user(), "j\xC3\xB6rg");
  // Invalid UTF-8 in a user name is refused; UTF8 is an AUTHORIZATION command only.
  TestHost other;
  other.session.consume_output(other.session.output().size());
  other.session.receive("USER \xC3\x28\r\n");
  EXPECT_EQ(std::string(other.session.output()), "-ERR [AUTH] USER needs one name\r\n");
  auto options = pop3::testing::test_server_options();
  options.utf8 = false;
  TestHost without(options);
  without.session.consume_output(without.session.output().size());
  without.session.receive("UTF8\r\n");
  EXPECT_EQ(std::string(without.session.output()), "-ERR UTF8 is not supported\r\n");
  EXPECT_FALSE(without.session.capabilities().utf8);
}

TEST(ServerSession, AnnouncesTheHostsExpireLoginDelayAndImplementation) {
  auto options = pop3::testing::test_server_options();
  options.login_delay = 900;
  options.expire = Capabilities::Expire::kNever;
  options.implementation = "pop3-wasm\r\nINJECTED";
  TestHost host(options);
  SessionDriver client;
  client.submit(Command::capa());
  pump(client, host);
  const auto& caps = std::get<Capabilities>(client.replies.at(0).data);
  EXPECT_EQ(caps.login_delay, 900u);
  EXPECT_EQ(caps.expire, Capabilities::Expire::kNever);
  EXPECT_EQ(caps.implementation, "pop3-wasm  INJECTED");
  EXPECT_TRUE(caps.unknown.empty());
}
