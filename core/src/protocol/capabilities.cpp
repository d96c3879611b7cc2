#include "pop3/protocol/capabilities.hpp"

#include <limits>

#include "ascii.hpp"

namespace pop3::protocol {

bool Capabilities::has_sasl(std::string_view mechanism) const {
  for (const auto& m : sasl) {
    if (ascii::iequals(m, mechanism)) return true;
  }
  return false;
}

namespace {

// "n [USER]" or "NEVER [USER]" argument forms; false if malformed.
bool parse_per_user_suffix(std::string_view rest, bool& per_user) {
  const std::string_view suffix = ascii::next_token(rest);
  if (!ascii::next_token(rest).empty()) return false;
  if (suffix.empty()) {
    per_user = false;
    return true;
  }
  if (!ascii::iequals(suffix, "USER")) return false;
  per_user = true;
  return true;
}

}  // namespace

Capabilities parse_capabilities(const std::vector<std::string>& lines) {
  Capabilities caps;
  constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
  for (const std::string& line : lines) {
    caps.lines.push_back(line);
    std::string_view rest = line;
    const std::string tag = ascii::upper(ascii::next_token(rest));
    bool known = true;
    if (tag == "TOP") {
      caps.top = true;
    } else if (tag == "USER") {
      caps.user = true;
    } else if (tag == "RESP-CODES") {
      caps.resp_codes = true;
    } else if (tag == "AUTH-RESP-CODE") {
      caps.auth_resp_code = true;
    } else if (tag == "PIPELINING") {
      caps.pipelining = true;
    } else if (tag == "UIDL") {
      caps.uidl = true;
    } else if (tag == "STLS") {
      caps.stls = true;
    } else if (tag == "LANG") {
      caps.lang = true;
    } else if (tag == "UTF8") {
      caps.utf8 = true;
      const std::string_view arg = ascii::next_token(rest);
      caps.utf8_user = ascii::iequals(arg, "USER");
    } else if (tag == "SASL") {
      for (std::string_view m = ascii::next_token(rest); !m.empty(); m = ascii::next_token(rest)) {
        caps.sasl.push_back(ascii::upper(m));
      }
    } else if (tag == "IMPLEMENTATION") {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      caps.implementation.assign(rest);
    } else if (tag == "LOGIN-DELAY") {
      const auto seconds = ascii::parse_decimal<std::uint32_t>(ascii::next_token(rest), kMax);
      bool per_user = false;
      if (seconds && parse_per_user_suffix(rest, per_user)) {
        caps.login_delay = *seconds;
        caps.login_delay_per_user = per_user;
      } else {
        known = false;
      }
    } else if (tag == "EXPIRE") {
      const std::string_view value = ascii::next_token(rest);
      bool per_user = false;
      if (!parse_per_user_suffix(rest, per_user)) {
        known = false;
      } else if (ascii::iequals(value, "NEVER")) {
        caps.expire = Capabilities::Expire::kNever;
        caps.expire_per_user = per_user;
      } else if (const auto days = ascii::parse_decimal<std::uint32_t>(value, kMax)) {
        caps.expire = Capabilities::Expire::kDays;
        caps.expire_days = *days;
        caps.expire_per_user = per_user;
      } else {
        known = false;
      }
    } else {
      known = false;
    }
    // Malformed arguments of a known tag are kept as unknown lines, so nothing is lost.
    if (!known) caps.unknown.push_back(line);
  }
  return caps;
}

}  // namespace pop3::protocol
