// Channel binding (RFC 5056): bytes that name one TLS connection, mixed into a SCRAM-*-PLUS
// exchange so that a login cannot be relayed from one TLS connection into another (a proxy that
// terminates TLS with a certificate the client trusts). The TLS engines provide the data
// (pop3/tls/channel_binding.hpp); the mechanisms only compare and hash it.
#pragma once

#include <string>

namespace pop3::auth {

struct ChannelBinding {
  // "tls-exporter" (RFC 9266, TLS 1.3) or "tls-server-end-point" (RFC 5929); empty: none.
  std::string type;
  std::string data;  // raw bytes
  bool available() const { return !type.empty(); }
};

}  // namespace pop3::auth
