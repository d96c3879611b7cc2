// The saslname of a GS2 header (RFC 5801 section 4): "=" and "," escaped as "=3D" and "=2C".
// SCRAM (RFC 5802) and OAUTHBEARER (RFC 7628) both start their first message with one.
#pragma once

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
