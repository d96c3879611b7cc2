// Every per-command fact the client needs, in one table: the keyword, the reply's shape, whether
// it ends a pipelined batch, whether a -ERR is a login refusal, what a transcript hides, and the
// states it may be sent in. Adding a CommandKind without a row here fails to compile.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pop3/protocol/client_state.hpp"
#include "pop3/protocol/command.hpp"

namespace pop3::protocol {

// What a transcript shows of a command's argument.
enum class Redaction : std::uint8_t {
  kNone,          // the whole line
  kArgument,      // keyword and "***" (PASS: the password is the rest of the line)
  kLastArgument,  // all but the last argument (AUTH mechanism ***: the initial response)
};

// A set of SessionStates, one bit each.
using StateSet = std::uint16_t;

constexpr StateSet state_bit(SessionState state) {
  return static_cast<StateSet>(1u << static_cast<unsigned>(state));
}

constexpr StateSet states(std::initializer_list<SessionState> list) {
  StateSet set = 0;
  for (SessionState s : list) set |= state_bit(s);
  return set;
}

struct CommandTraits {
  CommandKind kind;
  std::string_view keyword;
  // The reply to +OK. With an argument, LIST, UIDL and LANG answer on one line instead.
  ReplyShape reply;
  bool argument_gives_single_line;
  // The last command of a pipelined batch: its outcome changes what may follow (authentication,
  // TLS, UTF-8, QUIT), so nothing is sent after it until its reply arrives. USER is one too:
  // servers answer it at once but PASS only after checking the password, and one that leaves
  // Nagle's algorithm on holds that second small reply until our delayed ACK of the first (about
  // 40 ms on Linux; Dovecot does this). Sending PASS on USER's reply carries that ACK, and never
  // sends a password after a refused USER.
  bool barrier;
  // A -ERR reply refuses the credentials (AUTH_FAILED rather than SERVER_ERROR).
  bool login;
  Redaction redaction;
  // Where the client may send it (RFC 1939 sections 4-7, RFC 2449, 2595, 5034, 6856). Commands
  // submitted before the greeting wait for it and count as AUTHORIZATION commands.
  StateSet client_states;
};

namespace detail {
using K = CommandKind;
using S = SessionState;
using R = ReplyShape;
using X = Redaction;
constexpr StateSet kAuthorization = states({S::kGreeting, S::kAuthorization});
constexpr StateSet kAfterUser = states({S::kAuthorizationUser});
constexpr StateSet kTransaction = states({S::kTransaction});
}  // namespace detail

inline constexpr std::array<CommandTraits, kCommandKindCount> kCommandTraits = {{
    // clang-format off
    // kind            keyword  reply           arg->1  barrier login  redaction         states
    {detail::K::kUser, "USER", detail::R::kSingleLine, false, true,  true,  detail::X::kNone,         detail::kAuthorization},
    {detail::K::kPass, "PASS", detail::R::kSingleLine, false, true,  true,  detail::X::kArgument,     detail::kAfterUser},
    {detail::K::kApop, "APOP", detail::R::kSingleLine, false, true,  true,  detail::X::kNone,         detail::kAuthorization},
    {detail::K::kAuth, "AUTH", detail::R::kSingleLine, false, true,  true,  detail::X::kLastArgument, detail::kAuthorization},
    {detail::K::kCapa, "CAPA", detail::R::kListing,    false, false, false, detail::X::kNone,         detail::kAuthorization | detail::kTransaction},
    {detail::K::kStls, "STLS", detail::R::kSingleLine, false, true,  false, detail::X::kNone,         detail::kAuthorization},
    {detail::K::kUtf8, "UTF8", detail::R::kSingleLine, false, true,  false, detail::X::kNone,         detail::kAuthorization},
    {detail::K::kLang, "LANG", detail::R::kListing,    true,  false, false, detail::X::kNone,         detail::kAuthorization | detail::kTransaction},
    {detail::K::kStat, "STAT", detail::R::kSingleLine, false, false, false, detail::X::kNone,         detail::kTransaction},
    {detail::K::kList, "LIST", detail::R::kListing,    true,  false, false, detail::X::kNone,         detail::kTransaction},
    {detail::K::kUidl, "UIDL", detail::R::kListing,    true,  false, false, detail::X::kNone,         detail::kTransaction},
    {detail::K::kRetr, "RETR", detail::R::kBody,       false, false, false, detail::X::kNone,         detail::kTransaction},
    {detail::K::kTop,  "TOP",  detail::R::kBody,       false, false, false, detail::X::kNone,         detail::kTransaction},
    {detail::K::kDele, "DELE", detail::R::kSingleLine, false, false, false, detail::X::kNone,         detail::kTransaction},
    {detail::K::kNoop, "NOOP", detail::R::kSingleLine, false, false, false, detail::X::kNone,         detail::kTransaction},
    {detail::K::kRset, "RSET", detail::R::kSingleLine, false, false, false, detail::X::kNone,         detail::kTransaction},
    {detail::K::kQuit, "QUIT", detail::R::kSingleLine, false, true,  false, detail::X::kNone,         detail::kAuthorization | detail::kAfterUser | detail::kTransaction},
    // clang-format on
}};

// Each row sits at its kind's index: a missing or misplaced row fails here.
constexpr bool traits_in_enum_order() {
  for (std::size_t i = 0; i < kCommandTraits.size(); ++i) {
    if (static_cast<std::size_t>(kCommandTraits[i].kind) != i) return false;
    if (kCommandTraits[i].keyword.empty()) return false;
  }
  return true;
}
static_assert(traits_in_enum_order(), "kCommandTraits must have one row per CommandKind, in order");

constexpr const CommandTraits& traits(CommandKind kind) {
  return kCommandTraits[static_cast<std::size_t>(kind)];
}

}  // namespace pop3::protocol
