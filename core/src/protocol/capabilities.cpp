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

std::vector<std::string> format_capabilities(const Capabilities& caps) {
  std::vector<std::string> lines;
  auto per_user = [](bool user) { return user ? std::string(" USER") : std::string(); };
  if (caps.top) lines.emplace_back("TOP");
  if (caps.uidl) lines.emplace_back("UIDL");
  if (caps.user) lines.emplace_back("USER");
  if (!caps.sasl.empty()) {
    std::string line = "SASL";
    for (const auto& m : caps.sasl) line += " " + m;
    lines.push_back(std::move(line));
  }
  if (caps.resp_codes) lines.emplace_back("RESP-CODES");
  if (caps.auth_resp_code) lines.emplace_back("AUTH-RESP-CODE");
  if (caps.pipelining) lines.emplace_back("PIPELINING");
  if (caps.stls) lines.emplace_back("STLS");
  if (caps.utf8) lines.emplace_back(caps.utf8_user ? "UTF8 USER" : "UTF8");
  if (caps.lang) lines.emplace_back("LANG");
  if (caps.login_delay) {
    lines.push_back("LOGIN-DELAY " + std::to_string(*caps.login_delay) +
                    per_user(caps.login_delay_per_user));
  }
  switch (caps.expire) {
    case Capabilities::Expire::kNotAnnounced:
      break;
    case Capabilities::Expire::kNever:
      lines.push_back("EXPIRE NEVER" + per_user(caps.expire_per_user));
      break;
    case Capabilities::Expire::kDays:
      lines.push_back("EXPIRE " + std::to_string(caps.expire_days) +
                      per_user(caps.expire_per_user));
      break;
  }
  if (!caps.implementation.empty()) lines.push_back("IMPLEMENTATION " + caps.implementation);
  return lines;
}

}  // namespace pop3::protocol
