#include "pop3/protocol/command.hpp"

#include <array>

#include "ascii.hpp"

namespace pop3::protocol {
namespace {

// SASL client responses are not bound by RFC 2449's 255 octets (RFC 5034 section 4), but an
// unbounded line is never legitimate: 64 KiB holds any OAuth bearer token.
constexpr std::size_t kMaxAuthResponse = 64 * 1024;

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

std::optional<Error> check_number(std::uint32_t number) {
  if (number == 0) return invalid("message numbers start at 1");
  return std::nullopt;
}

constexpr std::array<const char*, 17> kKeywords = {"USER", "PASS", "APOP", "AUTH", "CAPA", "STLS",
                                                   "UTF8", "LANG", "STAT", "LIST", "UIDL", "RETR",
                                                   "TOP",  "DELE", "NOOP", "RSET", "QUIT"};

}  // namespace

const char* command_keyword(CommandKind kind) {
  return kKeywords[static_cast<std::size_t>(kind)];
}

std::optional<CommandKind> command_kind_from_keyword(std::string_view keyword) {
  for (std::size_t i = 0; i < kKeywords.size(); ++i) {
    if (ascii::iequals(keyword, kKeywords[i])) return static_cast<CommandKind>(i);
  }
  return std::nullopt;
}

std::optional<Error> check_argument(std::string_view value, std::string_view what, std::size_t max,
                                    bool allow_space) {
  if (value.empty()) return invalid(std::string(what) + " must not be empty");
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') {
      return invalid(std::string(what) +
                     " contains CR, LF or NUL, which would end the command line");
    }
    if (c == ' ' && !allow_space) return invalid(std::string(what) + " must not contain spaces");
  }
  if (value.size() > max) {
    return invalid(std::string(what) + " is " + std::to_string(value.size()) +
                   " octets; the limit is " + std::to_string(max));
  }
  return std::nullopt;
}

Result<Command> Command::checked(CommandKind kind, std::string line, const Limits& limits,
                                 std::uint32_t number, bool has_argument) {
  line += "\r\n";
  if (line.size() > limits.max_command_line) {
    return invalid(std::string(command_keyword(kind)) + " command line would be " +
                   std::to_string(line.size()) + " octets; RFC 2449 allows " +
                   std::to_string(limits.max_command_line));
  }
  return Command(kind, std::move(line), number, has_argument);
}

Result<Command> Command::user(std::string_view name, const Limits& limits) {
  if (auto e = check_argument(name, "user name", limits.max_command_line, false)) return *e;
  return checked(CommandKind::kUser, "USER " + std::string(name), limits, 0, true);
}

Result<Command> Command::pass(std::string_view password, const Limits& limits) {
  // RFC 1939 lets the password contain spaces (the argument is the rest of the line).
  if (auto e = check_argument(password, "password", limits.max_command_line, true)) return *e;
  return checked(CommandKind::kPass, "PASS " + std::string(password), limits, 0, true);
}

Result<Command> Command::apop(std::string_view name, std::string_view digest,
                              const Limits& limits) {
  if (auto e = check_argument(name, "user name", limits.max_command_line, false)) return *e;
  bool hex = digest.size() == 32;
  for (char c : digest) hex = hex && (ascii::is_digit(c) || (c >= 'a' && c <= 'f'));
  if (!hex) return invalid("APOP digest must be 32 lower-case hex digits");
  return checked(CommandKind::kApop, "APOP " + std::string(name) + " " + std::string(digest),
                 limits, 0, true);
}

Result<Command> Command::auth(std::string_view mechanism, std::string_view initial_response,
                              const Limits& limits) {
  if (auto e = check_argument(mechanism, "SASL mechanism", limits.max_argument, false)) return *e;
  for (char c : mechanism) {
    const char u = ascii::to_upper(c);
    if (!((u >= 'A' && u <= 'Z') || ascii::is_digit(u) || u == '-' || u == '_')) {
      return invalid("SASL mechanism names are A-Z, 0-9, '-' and '_'");
    }
  }
  std::string line = "AUTH " + ascii::upper(mechanism);
  if (!initial_response.empty()) {
    if (auto e =
            check_argument(initial_response, "SASL initial response", kMaxAuthResponse, false)) {
      return *e;
    }
    line += ' ';
    line += initial_response;
  }
  return checked(CommandKind::kAuth, std::move(line), limits, 0, !initial_response.empty());
}

Command Command::capa() {
  return Command(CommandKind::kCapa, "CAPA\r\n");
}
Command Command::stls() {
  return Command(CommandKind::kStls, "STLS\r\n");
}
Command Command::utf8() {
  return Command(CommandKind::kUtf8, "UTF8\r\n");
}
Command Command::stat() {
  return Command(CommandKind::kStat, "STAT\r\n");
}
Command Command::noop() {
  return Command(CommandKind::kNoop, "NOOP\r\n");
}
Command Command::rset() {
  return Command(CommandKind::kRset, "RSET\r\n");
}
Command Command::quit() {
  return Command(CommandKind::kQuit, "QUIT\r\n");
}

Result<Command> Command::lang(std::string_view tag, const Limits& limits) {
  if (tag.empty()) return Command(CommandKind::kLang, "LANG\r\n");
  if (auto e = check_argument(tag, "language tag", limits.max_argument, false)) return *e;
  return checked(CommandKind::kLang, "LANG " + std::string(tag), limits, 0, true);
}

Result<Command> Command::list(std::uint32_t number) {
  if (number == 0) return Command(CommandKind::kList, "LIST\r\n");
  return Command(CommandKind::kList, "LIST " + std::to_string(number) + "\r\n", number, true);
}

Result<Command> Command::uidl(std::uint32_t number) {
  if (number == 0) return Command(CommandKind::kUidl, "UIDL\r\n");
  return Command(CommandKind::kUidl, "UIDL " + std::to_string(number) + "\r\n", number, true);
}

Result<Command> Command::retr(std::uint32_t number) {
  if (auto e = check_number(number)) return *e;
  return Command(CommandKind::kRetr, "RETR " + std::to_string(number) + "\r\n", number, true);
}

Result<Command> Command::top(std::uint32_t number, std::uint32_t lines) {
  if (auto e = check_number(number)) return *e;
  return Command(CommandKind::kTop,
                 "TOP " + std::to_string(number) + " " + std::to_string(lines) + "\r\n", number,
                 true);
}

Result<Command> Command::dele(std::uint32_t number) {
  if (auto e = check_number(number)) return *e;
  return Command(CommandKind::kDele, "DELE " + std::to_string(number) + "\r\n", number, true);
}

ReplyShape Command::reply_shape() const {
  switch (kind_) {
    case CommandKind::kRetr:
    case CommandKind::kTop:
      return ReplyShape::kBody;
    case CommandKind::kCapa:
      return ReplyShape::kListing;
    case CommandKind::kList:
    case CommandKind::kUidl:
    case CommandKind::kLang:
      // "LIST" lists every message; "LIST n" answers on one line. Same for UIDL and LANG.
      return has_argument_ ? ReplyShape::kSingleLine : ReplyShape::kListing;
    default:
      return ReplyShape::kSingleLine;
  }
}

std::string Command::redacted_line() const {
  const std::string_view text(line_.data(), line_.size() - 2);  // without CRLF
  switch (kind_) {
    case CommandKind::kPass:
      return "PASS ***";
    case CommandKind::kAuth:
      if (has_argument_) {
        const auto space = text.rfind(' ');
        return std::string(text.substr(0, space)) + " ***";
      }
      return std::string(text);
    default:
      return std::string(text);
  }
}

Result<std::string> auth_response_line(std::string_view base64_or_cancel) {
  if (base64_or_cancel == "*") return std::string("*\r\n");
  if (base64_or_cancel.empty()) return std::string("\r\n");
  if (auto e = check_argument(base64_or_cancel, "SASL response", kMaxAuthResponse, false))
    return *e;
  return std::string(base64_or_cancel) + "\r\n";
}

}  // namespace pop3::protocol
