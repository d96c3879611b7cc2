#include "pop3/tls/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "certificate_text.hpp"
#include "channel_binding.hpp"
#include "ssl_context.hpp"
#include "tls_channel.hpp"

namespace pop3::tls {
namespace {

bool is_ip_literal(const std::string& host) {
  return host.find(':') != std::string::npos || std::all_of(host.begin(), host.end(), [](char c) {
           return (c >= '0' && c <= '9') || c == '.';
         });
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
  std::unique_ptr<TlsChannel> channel;
  SSL* ssl = nullptr;  // channel's
  std::string server_name;
  std::vector<std::string> pins;
  // The server's leaf certificate, kept by the verify callback: OpenSSL does not expose the
  // peer certificate of a handshake that failed verification, and the message must name it.
  X509* leaf = nullptr;

  ~Impl() {
    channel.reset();
    if (ctx) SSL_CTX_free(ctx);
    if (leaf) X509_free(leaf);
  }

  static int verify_callback(int preverify_ok, X509_STORE_CTX* store) {
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
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
    // The same sentences as Node's engine (node-tls.js): "the certificate of '<name>' <verdict>:
    // <certificate_text>", so that a user sees one message whichever engine ran.
    const std::string about = ": " + certificate_text(peer);
    const std::string of = "the certificate of '" + server_name + "' ";
    switch (verdict) {
      case X509_V_ERR_CERT_HAS_EXPIRED:
        return make_error(ErrorCode::kTlsCertExpired, of + "has expired" + about);
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return make_error(ErrorCode::kTlsCertExpired, of + "is not valid yet" + about);
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return make_error(
            ErrorCode::kTlsCertNameMismatch,
            "the certificate presented is not valid for '" + server_name + "'" + about);
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        return make_error(ErrorCode::kTlsCertUntrusted,
                          of + "is not trusted: it is self-signed" + about);
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      case X509_V_ERR_CERT_UNTRUSTED:
        return make_error(ErrorCode::kTlsCertUntrusted,
                          of + "is not trusted: no trusted authority issued it" + about);
      default:
        return make_error(
            ErrorCode::kTlsCertInvalid,
            of + "was rejected (" + X509_verify_cert_error_string(verdict) + ")" + about);
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
                      "no certificate of '" + server_name +
                          "' matches the configured public-key pins" +
                          (peer ? " (server key: sha256//" + spki_sha256_base64(peer) + ")" : ""));
  }
};

Result<std::unique_ptr<TlsClient>> TlsClient::create(const TlsOptions& options) {
  static const bool initialised = OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr) == 1;
  if (!initialised)
    return make_error(ErrorCode::kTlsHandshakeFailed, "OpenSSL failed to initialise");
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
  impl->channel = TlsChannel::create(impl->ctx, false);
  if (!impl->channel) {
    return make_error(ErrorCode::kTlsHandshakeFailed,
                      "cannot create a TLS connection: " + openssl_reason());
  }
  impl->ssl = impl->channel->ssl();
  SSL_set_app_data(impl->ssl, impl.get());
  SSL_set_verify(impl->ssl, SSL_VERIFY_PEER, &Impl::verify_callback);

  X509_VERIFY_PARAM* param = SSL_get0_param(impl->ssl);
  if (options.verification_time) X509_VERIFY_PARAM_set_time(param, *options.verification_time);
  if (is_ip_literal(options.server_name)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, options.server_name.c_str()) != 1) {
      return make_error(ErrorCode::kInvalidArgument,
                        "'" + options.server_name + "' is not a valid IP address");
    }
  } else {
    SSL_set_hostflags(impl->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set1_host(impl->ssl, options.server_name.c_str()) != 1 ||
        SSL_set_tlsext_host_name(impl->ssl, options.server_name.c_str()) != 1) {
      return make_error(ErrorCode::kInvalidArgument,
                        "'" + options.server_name + "' is not a valid host name");
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
  impl_->channel->feed(ciphertext);
  return advance(plaintext);
}

std::optional<Error> TlsClient::advance(std::string& plaintext) {
  TlsChannel& channel = *impl_->channel;
  if (!handshake_complete_) {
    if (!channel.handshake()) return fail(impl_->handshake_error());
    if (!channel.handshake_complete()) return std::nullopt;
    // Pins are checked before a single byte of application data leaves.
    if (auto error = impl_->check_pins()) return fail(*error);
    handshake_complete_ = true;
    if (!channel.open()) return fail(write_error());
  }
  const bool ok = channel.read(plaintext);
  peer_closed_ = channel.peer_closed();
  if (!ok) {
    return fail(make_error(ErrorCode::kTlsError, "TLS connection to '" + impl_->server_name +
                                                     "' failed: " + openssl_reason()));
  }
  return std::nullopt;
}

Error TlsClient::write_error() const {
  return make_error(ErrorCode::kTlsError,
                    "TLS write to '" + impl_->server_name + "' failed: " + openssl_reason());
}

std::optional<Error> TlsClient::send(std::string_view plaintext) {
  if (failure_) return failure_;
  if (!impl_->channel->write(plaintext)) return fail(write_error());
  return std::nullopt;
}

void TlsClient::close() {
  if (handshake_complete_ && !failure_) impl_->channel->shutdown();
}

std::string_view TlsClient::output() {
  return impl_->channel->output();
}

void TlsClient::consume_output(std::size_t n) {
  impl_->channel->consume_output(n);
}

std::string TlsClient::protocol() const {
  return handshake_complete_ ? impl_->channel->protocol() : "";
}

std::string TlsClient::cipher() const {
  return handshake_complete_ ? impl_->channel->cipher() : "";
}

std::vector<auth::ChannelBinding> TlsClient::channel_bindings() const {
  if (!handshake_complete_ || failure_) return {};
  return tls::channel_bindings(impl_->channel->ssl());
}

}  // namespace pop3::tls
