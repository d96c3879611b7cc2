#include "pop3/tls/tls_server.hpp"

#include "channel_binding.hpp"
#include "ssl_context.hpp"
#include "tls_channel.hpp"

namespace pop3::tls {

struct TlsServer::Impl {
  SSL_CTX* ctx = nullptr;
  std::unique_ptr<TlsChannel> channel;
  ~Impl() {
    channel.reset();
    if (ctx) SSL_CTX_free(ctx);
  }
};

Result<std::unique_ptr<TlsServer>> TlsServer::create(const TlsServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  auto ctx = acquire_server_context(options);
  if (!ctx) return ctx.error();
  impl->ctx = *ctx;
  impl->channel = TlsChannel::create(impl->ctx, true);
  if (!impl->channel) {
    return make_error(ErrorCode::kTlsHandshakeFailed,
                      "cannot create a TLS connection: " + openssl_reason());
  }
  return std::unique_ptr<TlsServer>(new TlsServer(std::move(impl)));
}

TlsServer::TlsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsServer::~TlsServer() = default;

std::optional<Error> TlsServer::fail(Error error) {
  failure_ = error;
  return error;
}

std::optional<Error> TlsServer::receive(std::span<const std::uint8_t> ciphertext,
                                        std::string& plaintext) {
  if (failure_) return failure_;
  TlsChannel& channel = *impl_->channel;
  channel.feed(ciphertext);
  if (!handshake_complete_) {
    if (!channel.handshake()) {
      return fail(make_error(ErrorCode::kTlsHandshakeFailed,
                             "TLS handshake with the client failed: " + openssl_reason()));
    }
    if (!channel.handshake_complete()) return std::nullopt;
    handshake_complete_ = true;
    if (!channel.open()) {
      return fail(
          make_error(ErrorCode::kTlsError, "TLS write to the client failed: " + openssl_reason()));
    }
  }
  const bool ok = channel.read(plaintext);
  peer_closed_ = channel.peer_closed();
  if (!ok) {
    return fail(make_error(ErrorCode::kTlsError,
                           "TLS connection with the client failed: " + openssl_reason()));
  }
  return std::nullopt;
}

std::optional<Error> TlsServer::send(std::string_view plaintext) {
  if (failure_) return failure_;
  if (!impl_->channel->write(plaintext)) {
    return fail(
        make_error(ErrorCode::kTlsError, "TLS write to the client failed: " + openssl_reason()));
  }
  return std::nullopt;
}

void TlsServer::close() {
  if (handshake_complete_ && !failure_) impl_->channel->shutdown();
}

std::string_view TlsServer::output() {
  return impl_->channel->output();
}
void TlsServer::consume_output(std::size_t n) {
  impl_->channel->consume_output(n);
}

std::string TlsServer::protocol() const {
  return handshake_complete_ ? impl_->channel->protocol() : "";
}

std::string TlsServer::cipher() const {
  return handshake_complete_ ? impl_->channel->cipher() : "";
}

std::vector<auth::ChannelBinding> TlsServer::channel_bindings() const {
  if (!handshake_complete_ || failure_) return {};
  return tls::channel_bindings(impl_->channel->ssl());
}

std::string TlsServer::server_name() const {
  const char* name = SSL_get_servername(impl_->channel->ssl(), TLSEXT_NAMETYPE_host_name);
  return name ? name : "";
}

}  // namespace pop3::tls
