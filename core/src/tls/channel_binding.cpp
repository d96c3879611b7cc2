#include "channel_binding.hpp"

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include <optional>

namespace pop3::tls {
namespace {

// The certificate's DER, hashed by server_end_point_binding (server_end_point.cpp), which the
// engines outside OpenSSL use too, so that every engine computes the same value.
std::optional<auth::ChannelBinding> end_point(X509* certificate) {
  if (certificate == nullptr) return std::nullopt;
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate, &der);
  if (length <= 0) return std::nullopt;
  auto binding = server_end_point_binding(
      std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length)));
  OPENSSL_free(der);
  if (!binding) return std::nullopt;
  return std::move(*binding);
}

}  // namespace

std::vector<auth::ChannelBinding> channel_bindings(SSL* ssl) {
  std::vector<auth::ChannelBinding> out;
  if (SSL_is_init_finished(ssl) != 1) return out;
  if (SSL_version(ssl) == TLS1_3_VERSION) {
    std::string data(kExporterBindingLength, '\0');
    if (SSL_export_keying_material(ssl, reinterpret_cast<unsigned char*>(data.data()), data.size(),
                                   kExporterBindingLabel.data(), kExporterBindingLabel.size(),
                                   nullptr, 0, 0) == 1) {
      out.push_back({"tls-exporter", std::move(data)});
    }
  }
  X509* certificate =
      SSL_is_server(ssl) ? SSL_get_certificate(ssl) : SSL_get0_peer_certificate(ssl);
  if (auto binding = end_point(certificate)) out.push_back(std::move(*binding));
  return out;
}

}  // namespace pop3::tls
