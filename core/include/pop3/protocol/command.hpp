// POP3 commands (RFC 1939, 2449, 2595, 5034, 6856) as validated values. A Command can only be
// built through the factory functions, which reject CR, LF, NUL and over-long arguments, so an
// encoded command line is always exactly one well-formed line: no command injection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pop3/error.hpp"
#include "pop3/protocol/limits.hpp"

namespace pop3::protocol {

enum class CommandKind : std::uint8_t {
  kUser,
  kPass,
  kApop,
  kAuth,
  kCapa,
  kStls,
  kUtf8,
  kLang,
  kStat,
  kList,
  kUidl,
  kRetr,
  kTop,
  kDele,
  kNoop,
  kRset,
  kQuit,  // stays last: kCommandKindCount counts up to it
};

inline constexpr std::size_t kCommandKindCount = static_cast<std::size_t>(CommandKind::kQuit) + 1;

// Upper-case keyword, e.g. "RETR".
const char* command_keyword(CommandKind kind);
// The command a keyword names, case-insensitively (a server reading a command line).
std::optional<CommandKind> command_kind_from_keyword(std::string_view keyword);

// What shape of reply a command gets when the server answers +OK.
enum class ReplyShape : std::uint8_t {
  kSingleLine,  // status line only
  kListing,     // multi-line, small lines buffered and parsed (CAPA, LIST, UIDL, LANG)
  kBody,        // multi-line, streamed as chunks (RETR, TOP)
};

// The arguments of a command named by its keyword (Command::from_keyword): each command takes
// the ones it needs and ignores the rest.
struct CommandArguments {
  std::string_view text;     // USER/APOP name, PASS password, LANG tag, AUTH mechanism
  std::string_view second;   // APOP digest, AUTH initial response
  std::uint32_t number = 0;  // message number; 0 for the whole LIST/UIDL listing
  std::uint32_t lines = 0;   // TOP
};

class Command {
 public:
  // The command `keyword` names (case-insensitive), built by its factory below.
  static Result<Command> from_keyword(std::string_view keyword, const CommandArguments& args,
                                      const Limits& limits = {});
  static Result<Command> user(std::string_view name, const Limits& limits = {});
  static Result<Command> pass(std::string_view password, const Limits& limits = {});
  // APOP name digest; `digest` must be 32 lower-case hex digits (see auth::apop_digest).
  static Result<Command> apop(std::string_view name, std::string_view digest,
                              const Limits& limits = {});
  // AUTH mechanism [initial-response]; the initial response is base64 ("=" for empty).
  static Result<Command> auth(std::string_view mechanism, std::string_view initial_response = {},
                              const Limits& limits = {});
  static Command capa();
  static Command stls();
  static Command utf8();
  static Result<Command> lang(std::string_view tag = {}, const Limits& limits = {});
  static Command stat();
  static Result<Command> list(std::uint32_t number = 0);  // 0: the whole listing
  static Result<Command> uidl(std::uint32_t number = 0);  // 0: the whole listing
  static Result<Command> retr(std::uint32_t number);
  static Result<Command> top(std::uint32_t number, std::uint32_t lines);
  static Result<Command> dele(std::uint32_t number);
  static Command noop();
  static Command rset();
  static Command quit();

  CommandKind kind() const { return kind_; }
  std::uint32_t number() const { return number_; }  // message number, 0 if none
  ReplyShape reply_shape() const;
  // The exact line to send, CRLF included.
  const std::string& line() const { return line_; }
  // The line as a transcript shows it: passwords and SASL responses replaced by "***".
  std::string redacted_line() const;

 private:
  // Appends CRLF and enforces the command-line limit.
  static Result<Command> checked(CommandKind kind, std::string line, const Limits& limits,
                                 std::uint32_t number = 0, bool has_argument = false);
  Command(CommandKind kind, std::string line, std::uint32_t number = 0, bool has_argument = false)
      : kind_(kind), number_(number), has_argument_(has_argument), line_(std::move(line)) {}

  CommandKind kind_;
  std::uint32_t number_;
  bool has_argument_;
  std::string line_;
};

// Checks one argument: no CR, LF or NUL; not empty; at most `max` octets; no spaces unless
// `allow_space`. Returns an INVALID_ARGUMENT error naming `what`, never echoing the value.
std::optional<Error> check_argument(std::string_view value, std::string_view what, std::size_t max,
                                    bool allow_space);

}  // namespace pop3::protocol
