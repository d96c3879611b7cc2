// The first line of every POP3 reply: "+OK" or "-ERR", an optional RFC 2449 response code in
// brackets, and free text. Also the SASL continuation line "+ base64" of RFC 5034.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pop3::protocol {

// Response codes with a defined meaning (RFC 2449 section 8, RFC 3206, RFC 6856). Codes the
// library does not know are kept verbatim as kOther, never dropped.
enum class ResponseCodeKind {
  kNone,
  kInUse,
  kLoginDelay,
  kSysTemp,
  kSysPerm,
  kAuth,
  kUtf8,
  kOther
};

ResponseCodeKind classify_response_code(std::string_view code);

struct StatusLine {
  bool ok = false;
  std::string code;  // response code without brackets, upper-cased, e.g. "SYS/TEMP"
  std::string text;  // the text after the indicator and the code, leading space removed
};

// Parses a reply's first line (without its line ending). Returns nothing if the line is neither
// "+OK" nor "-ERR" followed by end of line or a space.
std::optional<StatusLine> parse_status_line(std::string_view line);

// A status line as a server sends it, without its line ending: "+OK text" or "-ERR [CODE] text".
// CR, LF and NUL in `text` become spaces, so that host-supplied text cannot end the line early.
std::string format_status_line(bool ok, std::string_view code, std::string_view text);

// True for a SASL continuation ("+" alone or "+ " followed by base64); sets `payload`.
bool parse_continuation_line(std::string_view line, std::string& payload);

}  // namespace pop3::protocol
