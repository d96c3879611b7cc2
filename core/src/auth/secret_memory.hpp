// Handling of secrets in memory: wiping them before release, and comparing them in time that
// does not depend on where they differ (a timing oracle on a proof or password comparison).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pop3::auth {

// Overwrites the bytes with zeros through a volatile pointer, which the compiler may not drop
// as a dead store.
inline void wipe(std::string& secret) {
  volatile char* p = secret.data();
  for (std::size_t i = 0; i < secret.size(); ++i) p[i] = 0;
}

// Equal contents, compared without an early exit (the length is not secret).
inline bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace pop3::auth
