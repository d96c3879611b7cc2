// The client side's POP3 state machine as data. See client_state.cpp for the rules.
#pragma once

#include <cstdint>
#include <optional>

#include "pop3/protocol/command.hpp"

namespace pop3::protocol {

// The states, with what each means, are scripts/contract/contract.json's sessionStates.
enum class SessionState : std::uint8_t {
#define POP3_SESSION_STATE(enumerator, name) enumerator,
#include "pop3/generated/session_states.inc"
#undef POP3_SESSION_STATE
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
