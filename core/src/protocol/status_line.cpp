#include "pop3/protocol/status_line.hpp"

#include "ascii.hpp"

namespace pop3::protocol {

ResponseCodeKind classify_response_code(std::string_view code) {
  if (code.empty()) return ResponseCodeKind::kNone;
  // Hierarchical codes ("SYS/TEMP/QUOTA") are classified by their known prefix.
  auto is = [&](std::string_view known) {
    return ascii::iequals(code, known) ||
           (code.size() > known.size() && code[known.size()] == '/' &&
            ascii::iequals(code.substr(0, known.size()), known));
  };
  if (is("SYS/TEMP")) return ResponseCodeKind::kSysTemp;
  if (is("SYS/PERM")) return ResponseCodeKind::kSysPerm;
  if (is("IN-USE")) return ResponseCodeKind::kInUse;
  if (is("LOGIN-DELAY")) return ResponseCodeKind::kLoginDelay;
  if (is("AUTH")) return ResponseCodeKind::kAuth;
  if (is("UTF8")) return ResponseCodeKind::kUtf8;
  return ResponseCodeKind::kOther;
}

std::optional<StatusLine> parse_status_line(std::string_view line) {
  StatusLine status;
  std::string_view rest;
  if (ascii::istarts_with(line, "+OK")) {
    status.ok = true;
    rest = line.substr(3);
  } else if (ascii::istarts_with(line, "-ERR")) {
    rest = line.substr(4);
  } else {
    return std::nullopt;
  }
  if (!rest.empty() && rest.front() != ' ') return std::nullopt;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  // resp-code = "[" resp-level *("/" resp-level) "]", resp-level = 1*(printable except "/" "]").
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    const std::string_view inner =
        close == std::string_view::npos ? std::string_view{} : rest.substr(1, close - 1);
    bool valid = !inner.empty() && inner.front() != '/' && inner.back() != '/' &&
                 inner.find("//") == std::string_view::npos;
    for (char c : inner) valid = valid && ascii::is_printable(c) && c != ' ';
    if (valid) {
      status.code = ascii::upper(inner);
      rest.remove_prefix(close + 1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    }
    // An invalid bracketed prefix is ordinary text (RFC 2449 allows "[" in text only when the
    // server has not announced RESP-CODES; either way nothing is lost).
  }
  status.text.assign(rest);
  return status;
}

std::string format_status_line(bool ok, std::string_view code, std::string_view text) {
  std::string line = ok ? "+OK" : "-ERR";
  if (!code.empty()) {
    line += " [";
    line += code;
    line += ']';
  }
  if (!text.empty()) {
    line += ' ';
    for (char c : text) line += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
  }
  return line;
}

bool parse_continuation_line(std::string_view line, std::string& payload) {
  if (line == "+") {
    payload.clear();
    return true;
  }
  if (line.size() >= 2 && line[0] == '+' && line[1] == ' ') {
    payload.assign(line.substr(2));
    return true;
  }
  return false;
}

}  // namespace pop3::protocol
