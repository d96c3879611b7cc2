// The server's state table, exhaustively: every state x every command, first as data, then by
// driving a live session into each state and sending each command.
#include <gtest/gtest.h>

#include <set>

#include "server_host.hpp"

using namespace pop3;
using namespace pop3::server;
using pop3::testing::password_account;
using pop3::testing::TestHost;
using protocol::CommandKind;

namespace {

constexpr std::array kAllStates = {ServerState::kAuthorization, ServerState::kAuthorizationUser,
                                   ServerState::kTlsHandshake,  ServerState::kTransaction,
                                   ServerState::kUpdate,        ServerState::kClosed};

std::vector<CommandKind> all_commands() {
  std::vector<CommandKind> kinds;
  for (int k = 0; k <= static_cast<int>(CommandKind::kQuit); ++k)
    kinds.push_back(static_cast<CommandKind>(k));
  return kinds;
}

// Written out independently of server_state.cpp, from RFC 1939/2449/2595/5034/6856.
std::set<CommandKind> expected(ServerState state) {
  using K = CommandKind;
  switch (state) {
    case ServerState::kAuthorization:
      return {K::kUser, K::kApop, K::kAuth, K::kCapa, K::kStls, K::kUtf8, K::kQuit};
    case ServerState::kAuthorizationUser:
      return {K::kUser, K::kPass, K::kApop, K::kAuth, K::kCapa, K::kStls, K::kUtf8, K::kQuit};
    case ServerState::kTransaction:
      return {K::kStat, K::kList, K::kUidl, K::kRetr, K::kTop,
              K::kDele, K::kNoop, K::kRset, K::kCapa, K::kQuit};
    default:
      return {};
  }
}

std::string command_line(CommandKind kind) {
  switch (kind) {
    case CommandKind::kUser:
      return "USER alice";
    case CommandKind::kPass:
      return "PASS secret";
    case CommandKind::kApop:
      return "APOP alice 0123456789abcdef0123456789abcdef";
    case CommandKind::kAuth:
      return "AUTH PLAIN";
    case CommandKind::kLang:
      return "LANG";
    case CommandKind::kRetr:
      return "RETR 1";
    case CommandKind::kTop:
      return "TOP 1 1";
    case CommandKind::kDele:
      return "DELE 1";
    default:
      return protocol::command_keyword(kind);
  }
}

// A session in `state`, its output so far consumed. Requests are answered by `host` except the
// UPDATE one, which is left waiting.
std::unique_ptr<TestHost> session_in(ServerState state) {
  auto options = pop3::testing::test_server_options();
  options.stls = true;
  auto host = std::make_unique<TestHost>(options);
  host->accounts["alice"] = password_account("secret");
  host->messages = {{"u1", "Subject: x\r\n\r\nbody\r\n"}};
  auto& s = host->session;
  switch (state) {
    case ServerState::kAuthorization:
      break;
    case ServerState::kAuthorizationUser:
      s.receive("USER alice\r\n");
      break;
    case ServerState::kTlsHandshake:
      s.receive("STLS\r\n");
      break;
    case ServerState::kTransaction:
      s.receive("USER alice\r\nPASS secret\r\n");
      break;
    case ServerState::kUpdate:
      s.receive("USER alice\r\nPASS secret\r\nQUIT\r\n");
      break;
    case ServerState::kClosed:
      s.receive("QUIT\r\n");
      break;
  }
  while (auto e = s.next_event()) {
    if (std::holds_alternative<UpdateRequest>(*e)) break;
    if (std::holds_alternative<LoginRequest>(*e)) {
      s.answer_login(LoginAnswer::verify(password_account("secret")));
    } else if (std::holds_alternative<MaildropRequest>(*e)) {
      s.open_maildrop({{20, "u1"}});
    }
  }
  EXPECT_EQ(s.state(), state);
  s.consume_output(s.output().size());
  return host;
}

}  // namespace

TEST(ServerState, TableMatchesTheRfcsForEveryStateAndCommand) {
  for (ServerState state : kAllStates) {
    for (CommandKind kind : all_commands()) {
      EXPECT_EQ(server_accepts(state, kind), expected(state).count(kind) == 1)
          << server_state_name(state) << " " << protocol::command_keyword(kind);
    }
  }
}

TEST(ServerState, TransitionsFollowTheAnswer) {
  using S = ServerState;
  using K = CommandKind;
  for (ServerState state : kAllStates) {
    for (CommandKind kind : all_commands()) {
      for (bool ok : {true, false}) {
        S want = state;
        if (server_accepts(state, kind)) {
          switch (kind) {
            case K::kUser:
              want = ok ? S::kAuthorizationUser : S::kAuthorization;
              break;
            case K::kPass:
            case K::kApop:
            case K::kAuth:
              want = ok ? S::kTransaction : S::kAuthorization;
              break;
            case K::kStls:
              want = ok ? S::kTlsHandshake : S::kAuthorization;
              break;
            case K::kQuit:
              want = state == S::kTransaction ? S::kUpdate : S::kClosed;
              break;
            default:
              want = state == S::kAuthorizationUser ? S::kAuthorization : state;
              break;
          }
        }
        EXPECT_EQ(server_state_after(state, kind, ok), want)
            << server_state_name(state) << " " << protocol::command_keyword(kind) << " " << ok;
      }
    }
  }
}

TEST(ServerState, LiveSessionAnswersEveryCommandInEveryState) {
  for (ServerState state : kAllStates) {
    for (CommandKind kind : all_commands()) {
      SCOPED_TRACE(std::string(server_state_name(state)) + " " + protocol::command_keyword(kind));
      auto host = session_in(state);
      auto& s = host->session;
      const std::size_t taken = s.receive(command_line(kind) + "\r\n");
      const std::string out(s.output());
      const bool reads_commands = state == ServerState::kAuthorization ||
                                  state == ServerState::kAuthorizationUser ||
                                  state == ServerState::kTransaction;
      if (!reads_commands) {
        // Nothing is read as a command: refused (closed, TLS handshake) or held (UPDATE).
        EXPECT_EQ(out, "");
        EXPECT_EQ(taken, state == ServerState::kUpdate ? command_line(kind).size() + 2 : 0u);
        continue;
      }
      const std::string refusal = kind == CommandKind::kLang
                                      ? "-ERR LANG is not supported\r\n"
                                      : std::string("-ERR ") + protocol::command_keyword(kind) +
                                            " is not valid in the " + server_state_name(state) +
                                            " state\r\n";
      if (expected(state).count(kind)) {
        EXPECT_NE(out, refusal);
        EXPECT_FALSE(out.empty() && !s.has_events());  // answered, or the host was asked
      } else {
        EXPECT_EQ(out, refusal);
        EXPECT_EQ(s.state(), state);
      }
    }
  }
}

TEST(ServerState, UnknownKeywordsGetAnError) {
  auto host = session_in(ServerState::kTransaction);
  host->session.receive("XTND XMIT\r\n\r\nretr 1 extra\r\nstat\r\n");
  const std::string out(host->session.output());
  EXPECT_TRUE(
      out.starts_with("-ERR unknown command\r\n-ERR unknown command\r\n-ERR invalid message "
                      "number\r\n+OK 1 20\r\n"))
      << out;
}
