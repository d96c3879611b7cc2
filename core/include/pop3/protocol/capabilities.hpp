// The CAPA reply (RFC 2449 section 5), parsed into what a client acts on. Tags are matched
// case-insensitively; lines the library does not know are kept in `unknown`, never dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pop3::protocol {

struct Capabilities {
  bool top = false;               // TOP
  bool user = false;              // USER (USER/PASS login)
  bool resp_codes = false;        // RESP-CODES
  bool auth_resp_code = false;    // AUTH-RESP-CODE (RFC 3206)
  bool pipelining = false;        // PIPELINING
  bool uidl = false;              // UIDL
  bool stls = false;              // STLS (RFC 2595)
  bool utf8 = false;              // UTF8 (RFC 6856)
  bool utf8_user = false;         // "UTF8 USER": UTF-8 user names and passwords accepted
  bool lang = false;              // LANG (RFC 6856)
  std::vector<std::string> sasl;  // SASL mechanisms, upper-cased, in the server's order

  // LOGIN-DELAY n [USER]: minimum seconds between logins; per_user means it may differ after login.
  std::optional<std::uint32_t> login_delay;
  bool login_delay_per_user = false;

  // EXPIRE n|NEVER [USER]: days the server keeps retrieved mail; nullopt if not announced.
  enum class Expire { kNotAnnounced, kNever, kDays };
  Expire expire = Expire::kNotAnnounced;
  std::uint32_t expire_days = 0;  // 0 means "deleted at QUIT" (RFC 2449 section 6.7)
  bool expire_per_user = false;

  std::string implementation;        // IMPLEMENTATION text
  std::vector<std::string> unknown;  // capability lines not listed above, verbatim
  std::vector<std::string> lines;    // every line as received, for display

  bool has_sasl(std::string_view mechanism) const;
};

// Parses the lines of a CAPA reply (terminator and line endings already removed).
Capabilities parse_capabilities(const std::vector<std::string>& lines);

// The lines a server announces for `caps` (the inverse of parse_capabilities; `lines` and
// `unknown` are ignored, `sasl` is sent as given): what ServerSession answers to CAPA.
std::vector<std::string> format_capabilities(const Capabilities& caps);

}  // namespace pop3::protocol
