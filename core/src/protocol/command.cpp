#include "pop3/protocol/command.hpp"

#include "ascii.hpp"
#include "pop3/protocol/command_traits.hpp"

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

}  // namespace

const char* command_keyword(CommandKind kind) {
  return traits(kind).keyword.data();  // the table's literals end in NUL
}

std::optional<CommandKind> command_kind_from_keyword(std::string_view keyword) {
  for (const CommandTraits& row : kCommandTraits) {
    if (ascii::iequals(keyword, row.keyword)) return row.kind;
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

Result<Command> Command::from_keyword(std::string_view keyword, const CommandArguments& args,
                                      const Limits& limits) {
  const auto kind = command_kind_from_keyword(keyword);
  if (!kind) return invalid("unknown command " + std::string(keyword.substr(0, 16)));
  switch (*kind) {
    case CommandKind::kUser:
      return user(args.text, limits);
    case CommandKind::kPass:
      return pass(args.text, limits);
    case CommandKind::kApop:
      return apop(args.text, args.second, limits);
    case CommandKind::kAuth:
      return auth(args.text, args.second, limits);
    case CommandKind::kCapa:
      return capa();
    case CommandKind::kStls:
      return stls();
    case CommandKind::kUtf8:
      return utf8();
    case CommandKind::kLang:
      return lang(args.text, limits);
    case CommandKind::kStat:
      return stat();
    case CommandKind::kList:
      return list(args.number);
    case CommandKind::kUidl:
      return uidl(args.number);
    case CommandKind::kRetr:
      return retr(args.number);
    case CommandKind::kTop:
      return top(args.number, args.lines);
    case CommandKind::kDele:
      return dele(args.number);
    case CommandKind::kNoop:
      return noop();
    case CommandKind::kRset:
      return rset();
    case CommandKind::kQuit:
      return quit();
  }
  return invalid("unknown command");
}

ReplyShape Command::reply_shape() const {
  const CommandTraits& row = traits(kind_);
  // "LIST" lists every message; "LIST n" answers on one line. Same for UIDL and LANG.
  return has_argument_ && row.argument_gives_single_line ? ReplyShape::kSingleLine : row.reply;
}

std::string Command::redacted_line() const {
  const std::string_view text(line_.data(), line_.size() - 2);  // without CRLF
  if (!has_argument_) return std::string(text);
  switch (traits(kind_).redaction) {
    case Redaction::kArgument:
      return std::string(traits(kind_).keyword) + " ***";
    case Redaction::kLastArgument:
      return std::string(text.substr(0, text.rfind(' '))) + " ***";
    case Redaction::kNone:
      break;
  }
  return std::string(text);
}

}  // namespace pop3::protocol
