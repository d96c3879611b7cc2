// SSL_CTX construction and caching, for clients and servers. Building a trust store parses ~140
// root certificates, far too slow to repeat per connection in WebAssembly, so contexts are cached
// by everything that shapes them (extra CAs, root use, versions, ciphers). Per-connection settings
// (host name, time, pins) live on the SSL object instead.
#pragma once

#include <openssl/ssl.h>

#include "pop3/error.hpp"
#include "pop3/tls/tls_client.hpp"
#include "pop3/tls/tls_server.hpp"

namespace pop3::tls {

// A context for `options` with one reference owned by the caller (SSL_CTX_free it).
Result<SSL_CTX*> acquire_context(const TlsOptions& options);
// A server context for `options` (certificate chain and key loaded), likewise cached.
Result<SSL_CTX*> acquire_server_context(const TlsServerOptions& options);

}  // namespace pop3::tls
