// Theory of operation (server side of RFC 1939 + extensions).
//
// A POP3 session moves AUTHORIZATION -> TRANSACTION -> UPDATE. This file is the only place that
// says which command the server accepts in which state and what each answer does to the state;
// the session (server_session.cpp) consults it for every command line it reads:
//   1. server_accepts(state, command): if false, the client gets "-ERR" naming the command and
//      the state, and nothing else happens. Servers answer; they never fail on a client's error.
//   2. after the session has answered, the state advances with server_state_after().
// What is not a command is not here: a SASL exchange in progress reads response lines, not
// commands; a session waiting for its host (a login verdict, a maildrop, message bytes, the
// deletions of UPDATE) reads nothing until the answer comes; unknown keywords get -ERR.
//
// Rules (RFC 1939 sections 4-7, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH, RFC 6856 UTF8):
//   AUTHORIZATION:   USER, APOP, AUTH, CAPA, STLS, UTF8, QUIT
//   after USER +OK:  the same, and PASS; any command but PASS forgets the user name
//   TRANSACTION:     STAT, LIST, UIDL, RETR, TOP, DELE, NOOP, RSET, CAPA, QUIT
//   TLS-HANDSHAKE, UPDATE, CLOSED: nothing (no command line is read)
//   USER +OK -> AUTHORIZATION (after USER); PASS/APOP/AUTH +OK -> TRANSACTION, -ERR ->
//   AUTHORIZATION; STLS +OK -> TLS-HANDSHAKE (AUTHORIZATION again once TLS is up);
//   QUIT in AUTHORIZATION -> CLOSED (no UPDATE: nothing was opened); QUIT in TRANSACTION -> UPDATE
//   (CLOSED once the host has applied the marks). A session that ends any other way (time-out,
//   the client closing) never enters UPDATE, so no message is removed (RFC 1939 section 6).
// LANG (RFC 6856) is not implemented and is refused everywhere. Whether STLS is offered at all
// (the host has TLS, TLS is not active yet) and whether a login method is allowed on a clear
// connection is policy, checked by the session after the table.
#include "pop3/server/server_state.hpp"

#include <array>

namespace pop3::server {
namespace {

using K = protocol::CommandKind;

struct Row {
  std::array<bool, protocol::kCommandKindCount> accepts;
};

constexpr Row make_row(std::initializer_list<K> kinds) {
  Row row{};
  for (K k : kinds) row.accepts[static_cast<std::size_t>(k)] = true;
  return row;
}

// kTable[state]: one row per ServerState, in its order.
constexpr std::array<Row, kServerStateCount> kTable = {
    // AUTHORIZATION
    make_row({K::kUser, K::kApop, K::kAuth, K::kCapa, K::kStls, K::kUtf8, K::kQuit}),
    // AUTHORIZATION after USER
    make_row({K::kUser, K::kPass, K::kApop, K::kAuth, K::kCapa, K::kStls, K::kUtf8, K::kQuit}),
    // TLS-HANDSHAKE
    make_row({}),
    // TRANSACTION
    make_row({K::kStat, K::kList, K::kUidl, K::kRetr, K::kTop, K::kDele, K::kNoop, K::kRset,
              K::kCapa, K::kQuit}),
    // UPDATE, CLOSED
    make_row({}),
    make_row({}),
};

}  // namespace

const char* server_state_name(ServerState state) {
  switch (state) {
    case ServerState::kAuthorization:
      return "AUTHORIZATION";
    case ServerState::kAuthorizationUser:
      return "AUTHORIZATION (after USER)";
    case ServerState::kTlsHandshake:
      return "TLS-HANDSHAKE";
    case ServerState::kTransaction:
      return "TRANSACTION";
    case ServerState::kUpdate:
      return "UPDATE";
    case ServerState::kClosed:
      return "CLOSED";
  }
  return "UNKNOWN";
}

bool server_accepts(ServerState state, protocol::CommandKind kind) {
  return kTable[static_cast<std::size_t>(state)].accepts[static_cast<std::size_t>(kind)];
}

ServerState server_state_after(ServerState state, protocol::CommandKind kind, bool ok) {
  if (!server_accepts(state, kind)) return state;
  switch (kind) {
    case K::kUser:
      return ok ? ServerState::kAuthorizationUser : ServerState::kAuthorization;
    case K::kPass:
    case K::kApop:
    case K::kAuth:
      return ok ? ServerState::kTransaction : ServerState::kAuthorization;
    case K::kStls:
      return ok ? ServerState::kTlsHandshake : ServerState::kAuthorization;
    case K::kQuit:
      return state == ServerState::kTransaction ? ServerState::kUpdate : ServerState::kClosed;
    default:
      // After USER, anything but PASS forgets the name (RFC 1939 lets PASS follow USER only).
      return state == ServerState::kAuthorizationUser ? ServerState::kAuthorization : state;
  }
}

}  // namespace pop3::server
