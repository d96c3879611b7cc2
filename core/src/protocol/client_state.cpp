// Theory of operation (client side of RFC 1939 + extensions).
//
// A POP3 session moves AUTHORIZATION -> TRANSACTION -> UPDATE. Which command is valid in which
// state is a column of the command table (command_traits.hpp); this file reads it and says what
// each reply does to the state. The session (client_session.cpp) consults both for three things:
//   1. submit(): a command is checked against the *projected* state, i.e. the state reached if
//      every command queued before it succeeds. This is what lets a caller queue
//      USER, PASS, STAT in one go, while RETR before authentication is refused locally.
//   2. each reply: the real state advances with state_after(state, command, ok).
//   3. after a failure: queued (unsent) commands are re-checked against the new projection and
//      dropped with NOT_SENT if they became invalid (e.g. STAT after a failed PASS).
//
// Rules (RFC 1939 sections 4-7, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH, RFC 6856 UTF8/LANG):
//   AUTHORIZATION:       USER, APOP, AUTH, STLS, UTF8, CAPA, LANG, QUIT
//   after USER +OK:      PASS, QUIT          (USER -ERR returns to AUTHORIZATION)
//   TRANSACTION:         STAT, LIST, UIDL, RETR, TOP, DELE, NOOP, RSET, CAPA, LANG, QUIT
//   PASS/APOP/AUTH +OK -> TRANSACTION; -ERR -> AUTHORIZATION
//   STLS +OK -> TLS handshake (then AUTHORIZATION again); -ERR -> AUTHORIZATION
//   QUIT (any answer) -> closed; from TRANSACTION the server passes through UPDATE
// Whether STLS may be issued twice (it may not, RFC 2595) is tracked by the session, which knows
// whether TLS is active.
#include "pop3/protocol/client_state.hpp"

#include "pop3/protocol/command_traits.hpp"

namespace pop3::protocol {
namespace {
using K = CommandKind;
}  // namespace

const char* session_state_name(SessionState state) {
  switch (state) {
#define POP3_SESSION_STATE(enumerator, name) \
  case SessionState::enumerator:             \
    return name;
#include "pop3/generated/session_states.inc"
#undef POP3_SESSION_STATE
  }
  return "UNKNOWN";
}

bool command_allowed(SessionState state, CommandKind kind) {
  return (traits(kind).client_states & state_bit(state)) != 0;
}

SessionState state_after(SessionState state, CommandKind kind, bool ok) {
  switch (kind) {
    case K::kUser:
      return ok ? SessionState::kAuthorizationUser : SessionState::kAuthorization;
    case K::kPass:
    case K::kApop:
    case K::kAuth:
      return ok ? SessionState::kTransaction : SessionState::kAuthorization;
    case K::kStls:
      return ok ? SessionState::kTlsHandshake : SessionState::kAuthorization;
    case K::kQuit:
      return SessionState::kClosed;
    default:
      return state == SessionState::kGreeting ? SessionState::kAuthorization : state;
  }
}

bool is_barrier(CommandKind kind) {
  return traits(kind).barrier;
}

}  // namespace pop3::protocol
