// The saslname of a GS2 header (RFC 5801 section 4): "=" and "," escaped as "=3D" and "=2C".
// SCRAM (RFC 5802) and OAUTHBEARER (RFC 7628) both start their first message with one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pop3::auth {

inline std::string gs2_saslname(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '=') {
      out += "=3D";
    } else if (c == ',') {
      out += "=2C";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace pop3::auth

namespace pop3::auth {

// The inverse, for servers: nothing if "=" starts anything but "=2C" or "=3D" (RFC 5802 5.1).
inline std::optional<std::string> gs2_saslname_decode(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == ',') return std::nullopt;
    if (name[i] != '=') {
      out += name[i];
      continue;
    }
    const std::string_view escape = name.substr(i, 3);
    if (escape == "=2C") {
      out += ',';
    } else if (escape == "=3D") {
      out += '=';
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

}  // namespace pop3::auth
