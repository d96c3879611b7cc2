// The channel-binding data of one TLS connection of the core's engine (client or server side).
#pragma once

#include <openssl/ssl.h>

#include <vector>

#include "pop3/tls/channel_binding.hpp"

namespace pop3::tls {

// After the handshake: "tls-exporter" on TLS 1.3 (RFC 9266 defines it for 1.3, and for 1.2 only
// with extended master secret, which we do not check), then "tls-server-end-point" when the
// server certificate's signature names a hash. Preferred first; empty if there is none.
std::vector<auth::ChannelBinding> channel_bindings(SSL* ssl);

}  // namespace pop3::tls
