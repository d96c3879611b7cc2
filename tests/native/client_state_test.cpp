// The client's state table, exhaustively (h11's test_state in spirit): every state x command,
// first against the rules as RFC 1939/2449/2595/5034/6856 state them, written out here
// independently of command_traits.hpp, then through a real ClientSession driven into each state.
#include "pop3/protocol/client_state.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>
#include <string>

#include "pop3/auth/mechanisms.hpp"
#include "pop3/protocol/command_traits.hpp"
#include "session_driver.hpp"

namespace {

using namespace pop3::protocol;
using pop3::testing::SessionDriver;

const std::set<std::string> kAuthorization = {"USER", "APOP", "AUTH", "STLS",
                                              "UTF8", "CAPA", "LANG", "QUIT"};
const std::set<std::string> kTransaction = {"STAT", "LIST", "UIDL", "RETR", "TOP", "DELE",
                                            "NOOP", "RSET", "CAPA", "LANG", "QUIT"};

// What the RFCs allow the client to send in each state.
const std::map<SessionState, std::set<std::string>> kRfcAllowed = {
    {SessionState::kGreeting, kAuthorization},  // queued until the greeting, then AUTHORIZATION
    {SessionState::kAuthorization, kAuthorization},
    {SessionState::kAuthorizationUser, {"PASS", "QUIT"}},
    {SessionState::kTlsHandshake, {}},
    {SessionState::kTransaction, kTransaction},
    {SessionState::kUpdate, {}},
    {SessionState::kClosed, {}},
    {SessionState::kFailed, {}},
};

constexpr SessionState kAllStates[] = {
    SessionState::kGreeting,     SessionState::kAuthorization, SessionState::kAuthorizationUser,
    SessionState::kTlsHandshake, SessionState::kTransaction,   SessionState::kUpdate,
    SessionState::kClosed,       SessionState::kFailed};

std::vector<CommandKind> all_kinds() {
  std::vector<CommandKind> kinds;
  for (std::size_t i = 0; i < kCommandKindCount; ++i) kinds.push_back(static_cast<CommandKind>(i));
  return kinds;
}

TEST(ClientStateTable, AllowsExactlyWhatTheRfcsAllowInEveryState) {
  for (SessionState state : kAllStates) {
    for (CommandKind kind : all_kinds()) {
      const bool rfc = kRfcAllowed.at(state).count(command_keyword(kind)) == 1;
      EXPECT_EQ(command_allowed(state, kind), rfc)
          << command_keyword(kind) << " in " << session_state_name(state);
    }
  }
}

TEST(ClientStateTable, MovesAsTheRfcsSayAfterEveryAllowedCommand) {
  // {state, keyword} -> {state after +OK, state after -ERR}
  for (SessionState state : kAllStates) {
    for (CommandKind kind : all_kinds()) {
      if (!command_allowed(state, kind)) continue;
      const std::string k = command_keyword(kind);
      const SessionState stay =
          state == SessionState::kGreeting ? SessionState::kAuthorization : state;
      SessionState ok = stay, err = stay;
      if (k == "USER") ok = SessionState::kAuthorizationUser, err = SessionState::kAuthorization;
      if (k == "PASS" || k == "APOP" || k == "AUTH") {
        ok = SessionState::kTransaction, err = SessionState::kAuthorization;
      }
      if (k == "STLS") ok = SessionState::kTlsHandshake, err = SessionState::kAuthorization;
      if (k == "QUIT") ok = err = SessionState::kClosed;
      EXPECT_EQ(state_after(state, kind, true), ok) << k << " +OK in " << session_state_name(state);
      EXPECT_EQ(state_after(state, kind, false), err)
          << k << " -ERR in " << session_state_name(state);
    }
  }
}

TEST(ClientStateTable, BarriersAreTheCommandsThatChangeWhatMayFollowAndUser) {
  const std::set<std::string> barriers = {"USER", "PASS", "APOP", "AUTH", "STLS", "UTF8", "QUIT"};
  for (CommandKind kind : all_kinds()) {
    EXPECT_EQ(is_barrier(kind), barriers.count(command_keyword(kind)) == 1)
        << command_keyword(kind);
  }
}

TEST(ClientStateTable, KeywordsRoundTripCaseInsensitively) {
  for (CommandKind kind : all_kinds()) {
    std::string lower = command_keyword(kind);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(command_kind_from_keyword(lower), kind);
    EXPECT_EQ(command_kind_from_keyword(command_keyword(kind)), kind);
  }
  EXPECT_EQ(command_kind_from_keyword("retr"), CommandKind::kRetr);
  EXPECT_EQ(command_kind_from_keyword("XTND"), std::nullopt);
}

// A session driven by real server bytes into `state`.
std::unique_ptr<SessionDriver> session_in(SessionState state) {
  auto d = std::make_unique<SessionDriver>();
  if (state == SessionState::kGreeting) return d;
  if (state == SessionState::kFailed) {
    d->server("-ERR go away\r\n");
    return d;
  }
  d->server("+OK ready\r\n");
  if (state == SessionState::kAuthorization) return d;
  if (state == SessionState::kTlsHandshake) {
    d->submit(Command::stls());
    d->server("+OK begin TLS\r\n");
    return d;
  }
  if (state == SessionState::kClosed) {
    d->submit(Command::quit());
    d->server("+OK bye\r\n");
    return d;
  }
  d->submit(Command::user("alice"));
  d->server("+OK\r\n");
  if (state == SessionState::kAuthorizationUser) return d;
  d->submit(Command::pass("secret"));
  d->server("+OK logged in\r\n");
  if (state == SessionState::kTransaction) return d;
  d->submit(Command::quit());  // UPDATE: QUIT sent from TRANSACTION, not yet answered
  d->sent();
  return d;
}

pop3::Result<CommandId> submit_each(ClientSession& session, CommandKind kind) {
  if (kind == CommandKind::kAuth) {
    pop3::auth::Credentials credentials;
    credentials.user = "alice";
    credentials.password = "secret";
    return session.submit_auth(pop3::auth::make_plain(credentials));
  }
  auto command = Command::from_keyword(
      command_keyword(kind),
      {.text = "x", .second = "0123456789abcdef0123456789abcdef", .number = 1, .lines = 0});
  EXPECT_TRUE(command.ok()) << command_keyword(kind);
  return session.submit(std::move(*command));
}

TEST(ClientStateTable, ASessionInEachStateAcceptsExactlyTheAllowedCommands) {
  for (SessionState state : kAllStates) {
    for (CommandKind kind : all_kinds()) {
      auto d = session_in(state);
      ASSERT_EQ(d->session.state(), state) << session_state_name(state);
      if (kind == CommandKind::kApop) {
        // APOP needs a timestamp in the greeting; its place in the table is checked above.
        continue;
      }
      const auto id = submit_each(d->session, kind);
      const bool allowed = kRfcAllowed.at(state).count(command_keyword(kind)) == 1;
      EXPECT_EQ(id.ok(), allowed) << command_keyword(kind) << " in " << session_state_name(state)
                                  << (id.ok() ? "" : ": " + id.error().message);
      if (!id.ok()) {
        const auto code = id.error().code;
        EXPECT_TRUE(code == pop3::ErrorCode::kInvalidState ||
                    code == pop3::ErrorCode::kSessionClosed)
            << command_keyword(kind) << " in " << session_state_name(state);
      }
    }
  }
}

}  // namespace
