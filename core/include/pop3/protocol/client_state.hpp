// The client side's POP3 state machine as data. See client_state.cpp for the rules.
#pragma once

#include <cstdint>
#include <optional>

#include "pop3/protocol/command.hpp"

namespace pop3::protocol {

enum class SessionState : std::uint8_t {
  kGreeting,           // connected, waiting for the server's greeting
  kAuthorization,      // RFC 1939 AUTHORIZATION
  kAuthorizationUser,  // AUTHORIZATION after USER was accepted: PASS is next
  kTlsHandshake,       // STLS accepted; the caller runs the TLS handshake
  kTransaction,        // RFC 1939 TRANSACTION
  kUpdate,             // QUIT sent from TRANSACTION: the server is in UPDATE
  kClosed,             // QUIT answered, or the server closed an idle connection
  kFailed,             // a fatal error ended the session
};

const char* session_state_name(SessionState state);

// Whether `kind` may be sent in `state`.
bool command_allowed(SessionState state, CommandKind kind);

// The state after the server answered `kind`, sent in `state`, with +OK (ok) or -ERR.
SessionState state_after(SessionState state, CommandKind kind, bool ok);

// A barrier is the last command of a pipelined batch: nothing is sent after it until its reply
// arrives, because its outcome changes what may follow (authentication, TLS, UTF-8, QUIT).
bool is_barrier(CommandKind kind);

}  // namespace pop3::protocol
