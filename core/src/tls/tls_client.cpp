#include "pop3/tls/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "certificate_text.hpp"
#include "ssl_context.hpp"

namespace pop3::tls {
namespace {

constexpr std::size_t kReadChunk = 16 * 1024;  // one TLS record

std::string openssl_reason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "connection closed or reset";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  // "error:0A000086:SSL routines::certificate verify failed" -> the part after "::"
  std::string text = buffer;
  const auto at = text.rfind(':');
  return at == std::string::npos ? text : text.substr(at + 1);
}

bool is_ip_literal(const std::string& host) {
  return host.find(':') != std::string::npos ||
         std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

std::string spki_sha256_base64(X509* cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (length <= 0) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(der, static_cast<std::size_t>(length), digest, &digest_length, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  unsigned char encoded[64];
  const int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(digest_length));
  return std::string(reinterpret_cast<char*>(encoded), static_cast<std::size_t>(n));
}

}  // namespace

struct TlsClient::Impl {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  BIO* network_in = nullptr;   // ciphertext from the server (owned by ssl)
  BIO* network_out = nullptr;  // ciphertext for the server (owned by ssl)
  std::string server_name;
  std::vector<std::string> pins;
  // The server's leaf certificate, kept by the verify callback: OpenSSL does not expose the
  // peer certificate of a handshake that failed verification, and the message must name it.
  X509* leaf = nullptr;

  ~Impl() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
    if (leaf) X509_free(leaf);
  }

  static int verify_callback(int preverify_ok, X509_STORE_CTX* store) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* self = static_cast<Impl*>(SSL_get_app_data(ssl));
    if (self && !self->leaf) {
      if (X509* cert = X509_STORE_CTX_get0_cert(store)) {
        X509_up_ref(cert);
        self->leaf = cert;
      }
    }
    return preverify_ok;
  }

  // The error that explains a failed handshake: the certificate verdict when there is one.
  Error handshake_error() {
    const long verdict = SSL_get_verify_result(ssl);
    X509* peer = leaf;
    if (verdict == X509_V_OK || !peer) {
      return make_error(ErrorCode::kTlsHandshakeFailed,
                        "TLS handshake with '" + server_name + "' failed: " + openssl_reason());
    }
    ERR_clear_error();
    const std::string subject = name_text(X509_get_subject_name(peer));
    const std::string reason = X509_verify_cert_error_string(verdict);
    switch (verdict) {
      case X509_V_ERR_CERT_HAS_EXPIRED:
        return make_error(ErrorCode::kTlsCertExpired,
                          "the certificate of '" + server_name + "' (" + subject + ") expired on " +
                              time_text(X509_get0_notAfter(peer)));
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return make_error(ErrorCode::kTlsCertExpired,
                          "the certificate of '" + server_name + "' (" + subject +
                              ") is not valid before " + time_text(X509_get0_notBefore(peer)));
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH: {
        const std::string names = alt_names_text(peer);
        return make_error(ErrorCode::kTlsCertNameMismatch,
                          "the certificate presented (" + subject +
                              (names.empty() ? "" : "; " + names) + ") is not valid for '" +
                              server_name + "'");
      }
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      case X509_V_ERR_CERT_UNTRUSTED:
        return make_error(ErrorCode::kTlsCertUntrusted,
                          "the certificate of '" + server_name + "' (" + subject + ", issued by " +
                              name_text(X509_get_issuer_name(peer)) + ") is not trusted: " + reason);
      default:
        return make_error(ErrorCode::kTlsCertInvalid,
                          "the certificate of '" + server_name + "' (" + subject +
                              ") was rejected: " + reason);
    }
  }

  std::optional<Error> check_pins() {
    if (pins.empty()) return std::nullopt;
    STACK_OF(X509)* chain = SSL_get0_verified_chain(ssl);
    for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
      const std::string pin = spki_sha256_base64(sk_X509_value(chain, i));
      if (std::find(pins.begin(), pins.end(), pin) != pins.end()) return std::nullopt;
    }
    X509* peer = leaf;
    return make_error(ErrorCode::kTlsCertPinMismatch,
                      "no certificate of '" + server_name + "' matches the configured public-key pins" +
                          (peer ? " (server key: sha256//" + spki_sha256_base64(peer) + ")" : ""));
  }
};

Result<std::unique_ptr<TlsClient>> TlsClient::create(const TlsOptions& options) {
  static const bool initialised = OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr) == 1;
  if (!initialised) return make_error(ErrorCode::kTlsHandshakeFailed, "OpenSSL failed to initialise");
  if (options.server_name.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "TLS needs the server's host name to verify it");
  }
  auto ctx = acquire_context(options);
  if (!ctx) return ctx.error();
  auto impl = std::make_unique<Impl>();
  impl->ctx = *ctx;
  impl->server_name = options.server_name;
  impl->pins = options.spki_sha256_pins;
  for (auto& pin : impl->pins) {
    if (pin.rfind("sha256//", 0) == 0) pin.erase(0, 8);
  }
  impl->ssl = SSL_new(impl->ctx);
  impl->network_in = BIO_new(BIO_s_mem());
  impl->network_out = BIO_new(BIO_s_mem());
  if (!impl->ssl || !impl->network_in || !impl->network_out) {
    if (impl->network_in) BIO_free(impl->network_in);
    if (impl->network_out) BIO_free(impl->network_out);
    return make_error(ErrorCode::kTlsHandshakeFailed, "cannot create a TLS connection: " + openssl_reason());
  }
  BIO_set_mem_eof_return(impl->network_in, -1);  // empty means "want more", not EOF
  SSL_set_bio(impl->ssl, impl->network_in, impl->network_out);
  SSL_set_connect_state(impl->ssl);
  SSL_set_app_data(impl->ssl, impl.get());
  SSL_set_verify(impl->ssl, SSL_VERIFY_PEER, &Impl::verify_callback);

  X509_VERIFY_PARAM* param = SSL_get0_param(impl->ssl);
  if (options.verification_time) X509_VERIFY_PARAM_set_time(param, *options.verification_time);
  if (is_ip_literal(options.server_name)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, options.server_name.c_str()) != 1) {
      return make_error(ErrorCode::kInvalidArgument, "'" + options.server_name + "' is not a valid IP address");
    }
  } else {
    SSL_set_hostflags(impl->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set1_host(impl->ssl, options.server_name.c_str()) != 1 ||
        SSL_set_tlsext_host_name(impl->ssl, options.server_name.c_str()) != 1) {
      return make_error(ErrorCode::kInvalidArgument, "'" + options.server_name + "' is not a valid host name");
    }
  }
  std::unique_ptr<TlsClient> client(new TlsClient(std::move(impl)));
  std::string none;
  if (auto error = client->advance(none)) return *error;  // writes the ClientHello
  return client;
}

TlsClient::TlsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClient::~TlsClient() = default;

std::optional<Error> TlsClient::fail(Error error) {
  failure_ = error;
  return error;
}

std::optional<Error> TlsClient::receive(std::span<const std::uint8_t> ciphertext,
                                        std::string& plaintext) {
  if (failure_) return failure_;
  if (!ciphertext.empty()) {
    BIO_write(impl_->network_in, ciphertext.data(), static_cast<int>(ciphertext.size()));
  }
  return advance(plaintext);
}

std::optional<Error> TlsClient::advance(std::string& plaintext) {
  SSL* ssl = impl_->ssl;
  if (!handshake_complete_) {
    const int result = SSL_do_handshake(ssl);
    if (result != 1) {
      const int reason = SSL_get_error(ssl, result);
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return std::nullopt;
      return fail(impl_->handshake_error());
    }
    // Pins are checked before a single byte of application data leaves.
    if (auto error = impl_->check_pins()) return fail(*error);
    handshake_complete_ = true;
    if (!pending_plaintext_.empty()) {
      std::string queued = std::move(pending_plaintext_);
      pending_plaintext_.clear();
      if (auto error = send(queued)) return error;
    }
  }
  for (;;) {
    const std::size_t old_size = plaintext.size();
    plaintext.resize(old_size + kReadChunk);
    std::size_t read = 0;
    const int result = SSL_read_ex(ssl, plaintext.data() + old_size, kReadChunk, &read);
    plaintext.resize(old_size + read);
    if (result == 1) continue;
    const int reason = SSL_get_error(ssl, result);
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return std::nullopt;
    if (reason == SSL_ERROR_ZERO_RETURN) {
      peer_closed_ = true;
      return std::nullopt;
    }
    return fail(make_error(ErrorCode::kTlsError,
                           "TLS connection to '" + impl_->server_name + "' failed: " + openssl_reason()));
  }
}

std::optional<Error> TlsClient::send(std::string_view plaintext) {
  if (failure_) return failure_;
  if (plaintext.empty()) return std::nullopt;
  if (!handshake_complete_) {
    pending_plaintext_.append(plaintext);
    return std::nullopt;
  }
  std::size_t written = 0;
  if (SSL_write_ex(impl_->ssl, plaintext.data(), plaintext.size(), &written) != 1 ||
      written != plaintext.size()) {
    return fail(make_error(ErrorCode::kTlsError,
                           "TLS write to '" + impl_->server_name + "' failed: " + openssl_reason()));
  }
  return std::nullopt;
}

void TlsClient::close() {
  if (impl_->ssl && handshake_complete_ && !failure_) SSL_shutdown(impl_->ssl);
}

std::string_view TlsClient::output() {
  const std::size_t pending = BIO_ctrl_pending(impl_->network_out);
  if (pending > 0) {
    if (output_sent_ > 0) {
      output_.erase(0, output_sent_);
      output_sent_ = 0;
    }
    const std::size_t old_size = output_.size();
    output_.resize(old_size + pending);
    const int n = BIO_read(impl_->network_out, output_.data() + old_size, static_cast<int>(pending));
    output_.resize(old_size + static_cast<std::size_t>(n > 0 ? n : 0));
  }
  return std::string_view(output_).substr(output_sent_);
}

void TlsClient::consume_output(std::size_t n) {
  output_sent_ = std::min(output_.size(), output_sent_ + n);
  if (output_sent_ == output_.size()) {
    output_.clear();
    output_sent_ = 0;
  }
}

std::string TlsClient::protocol() const {
  return handshake_complete_ ? SSL_get_version(impl_->ssl) : "";
}

std::string TlsClient::cipher() const {
  return handshake_complete_ ? SSL_CIPHER_get_name(SSL_get_current_cipher(impl_->ssl)) : "";
}

}  // namespace pop3::tls
