// Channel-binding data (RFC 5056) of a TLS connection, for SCRAM-*-PLUS. The core's TLS engine
// computes it itself (TlsClient/TlsServer::channel_bindings()); for a TLS engine outside the core
// (Node's), the caller hands over what that engine knows: the exporter value, or the server's
// certificate for tls-server-end-point.
#pragma once

#include <string_view>

#include "pop3/auth/channel_binding.hpp"
#include "pop3/error.hpp"

namespace pop3::tls {

// Length and label of "tls-exporter" (RFC 9266 section 2): 32 bytes, no context.
inline constexpr std::size_t kExporterBindingLength = 32;
inline constexpr std::string_view kExporterBindingLabel = "EXPORTER-Channel-Binding";

// "tls-server-end-point" (RFC 5929 section 4.1) for the server certificate `der`: the certificate
// hashed with the hash of its own signature algorithm, SHA-256 where that is MD5 or SHA-1.
// INVALID_ARGUMENT when `der` is not a certificate, or its signature names no single hash
// (Ed25519, Ed448: RFC 5929 defines no binding for them).
Result<auth::ChannelBinding> server_end_point_binding(std::string_view der);

}  // namespace pop3::tls
