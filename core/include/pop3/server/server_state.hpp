// The server side's POP3 state machine as data. See server_state.cpp for the rules.
#pragma once

#include <cstdint>

#include "pop3/protocol/command.hpp"

namespace pop3::server {

enum class ServerState : std::uint8_t {
  kAuthorization,      // RFC 1939 AUTHORIZATION
  kAuthorizationUser,  // AUTHORIZATION after USER: PASS may follow
  kTlsHandshake,       // STLS answered; the host runs the TLS handshake
  kTransaction,        // RFC 1939 TRANSACTION: the maildrop is open
  kUpdate,             // QUIT from TRANSACTION: the host applies the deletion marks
  kClosed,             // the session is over; the host closes once output() is sent
};
inline constexpr std::size_t kServerStateCount = 6;

const char* server_state_name(ServerState state);

// Whether the server accepts `kind` in `state`. A command it does not accept gets -ERR.
bool server_accepts(ServerState state, protocol::CommandKind kind);

// The state after the server answered `kind`, received in `state`, with +OK (ok) or -ERR.
ServerState server_state_after(ServerState state, protocol::CommandKind kind, bool ok);

}  // namespace pop3::server
