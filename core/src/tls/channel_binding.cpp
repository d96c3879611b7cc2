#include "channel_binding.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <optional>

namespace pop3::tls {
namespace {

std::optional<auth::ChannelBinding> end_point(X509* certificate) {
  int digest_nid = NID_undef;
  if (certificate == nullptr ||
      X509_get_signature_info(certificate, &digest_nid, nullptr, nullptr, nullptr) != 1) {
    return std::nullopt;
  }
  // RFC 5929 section 4.1: MD5 and SHA-1 are replaced by SHA-256.
  if (digest_nid == NID_md5 || digest_nid == NID_sha1) digest_nid = NID_sha256;
  const EVP_MD* digest = digest_nid == NID_undef ? nullptr : EVP_get_digestbynid(digest_nid);
  if (digest == nullptr) return std::nullopt;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate, digest, out, &length) != 1) return std::nullopt;
  return auth::ChannelBinding{"tls-server-end-point",
                              std::string(reinterpret_cast<char*>(out), length)};
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

Result<auth::ChannelBinding> server_end_point_binding(std::string_view der) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  X509* certificate = d2i_X509(nullptr, &bytes, static_cast<long>(der.size()));
  if (certificate == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "the server certificate is not DER X.509");
  }
  auto binding = end_point(certificate);
  X509_free(certificate);
  if (!binding) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the server certificate's signature names no hash for tls-server-end-point");
  }
  return std::move(*binding);
}

}  // namespace pop3::tls
