#include "tls_channel.hpp"

#include <openssl/err.h>

#include <algorithm>

namespace pop3::tls {
namespace {

constexpr std::size_t kReadChunk = 16 * 1024;  // one TLS record

}  // namespace

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

std::unique_ptr<TlsChannel> TlsChannel::create(SSL_CTX* ctx, bool server) {
  SSL* ssl = SSL_new(ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (!ssl || !in || !out) {
    if (ssl) SSL_free(ssl);
    if (in) BIO_free(in);
    if (out) BIO_free(out);
    return nullptr;
  }
  BIO_set_mem_eof_return(in, -1);  // empty means "want more", not EOF
  SSL_set_bio(ssl, in, out);
  if (server) {
    SSL_set_accept_state(ssl);
  } else {
    SSL_set_connect_state(ssl);
  }
  return std::unique_ptr<TlsChannel>(new TlsChannel(ssl, in, out));
}

TlsChannel::~TlsChannel() {
  SSL_free(ssl_);
}

void TlsChannel::feed(std::span<const std::uint8_t> ciphertext) {
  if (!ciphertext.empty())
    BIO_write(network_in_, ciphertext.data(), static_cast<int>(ciphertext.size()));
}

bool TlsChannel::handshake() {
  if (handshake_complete()) return true;
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) return true;
  const int reason = SSL_get_error(ssl_, result);
  return reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE;
}

bool TlsChannel::open() {
  open_ = true;
  if (held_.empty()) return true;
  const std::string held = std::move(held_);
  held_.clear();
  return write(held);
}

bool TlsChannel::read(std::string& plaintext) {
  for (;;) {
    const std::size_t old_size = plaintext.size();
    plaintext.resize(old_size + kReadChunk);
    std::size_t read = 0;
    const int result = SSL_read_ex(ssl_, plaintext.data() + old_size, kReadChunk, &read);
    plaintext.resize(old_size + read);
    if (result == 1) continue;
    const int reason = SSL_get_error(ssl_, result);
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return true;
    if (reason == SSL_ERROR_ZERO_RETURN) {
      peer_closed_ = true;
      return true;
    }
    return false;
  }
}

bool TlsChannel::write(std::string_view plaintext) {
  if (plaintext.empty()) return true;
  if (!open_) {
    held_.append(plaintext);
    return true;
  }
  std::size_t written = 0;
  return SSL_write_ex(ssl_, plaintext.data(), plaintext.size(), &written) == 1 &&
         written == plaintext.size();
}

void TlsChannel::shutdown() {
  SSL_shutdown(ssl_);
}

std::string_view TlsChannel::output() {
  const std::size_t pending = BIO_ctrl_pending(network_out_);
  if (pending > 0) {
    if (output_sent_ > 0) {
      output_.erase(0, output_sent_);
      output_sent_ = 0;
    }
    const std::size_t old_size = output_.size();
    output_.resize(old_size + pending);
    const int n = BIO_read(network_out_, output_.data() + old_size, static_cast<int>(pending));
    output_.resize(old_size + static_cast<std::size_t>(n > 0 ? n : 0));
  }
  return std::string_view(output_).substr(output_sent_);
}

void TlsChannel::consume_output(std::size_t n) {
  output_sent_ = std::min(output_.size(), output_sent_ + n);
  if (output_sent_ == output_.size()) {
    output_.clear();
    output_sent_ = 0;
  }
}

std::size_t TlsChannel::output_size() {
  return output().size();
}

}  // namespace pop3::tls
