// One TLS connection on two memory BIOs, whichever side it plays: ciphertext in and out,
// plaintext in between. Application data written before the owner opens the channel (after the
// handshake and the owner's own checks, such as the client's pins) is held, never sent early.
// TlsClient and TlsServer add their side's verification and error messages.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace pop3::tls {

class TlsChannel {
 public:
  // The SSL object for `ctx` on memory BIOs, in the accept (server) or connect state; null if
  // OpenSSL cannot allocate it.
  static std::unique_ptr<TlsChannel> create(SSL_CTX* ctx, bool server);
  ~TlsChannel();
  TlsChannel(const TlsChannel&) = delete;
  TlsChannel& operator=(const TlsChannel&) = delete;

  SSL* ssl() const { return ssl_; }
  // Ciphertext from the peer.
  void feed(std::span<const std::uint8_t> ciphertext);
  // Advances the handshake; false if it failed (the owner explains why).
  bool handshake();
  bool handshake_complete() const { return SSL_is_init_finished(ssl_) == 1; }
  // From now on write() encrypts at once; what it held is written first. False on failure.
  bool open();
  // Appends all plaintext the peer sent; false on a TLS failure. peer_closed() after close_notify.
  bool read(std::string& plaintext);
  // Encrypts `plaintext`, or holds it until open(). False on failure.
  bool write(std::string_view plaintext);
  // Sends close_notify.
  void shutdown();
  bool peer_closed() const { return peer_closed_; }

  // Ciphertext for the peer.
  std::string_view output();
  void consume_output(std::size_t n);
  std::size_t output_size();

  std::string protocol() const { return SSL_get_version(ssl_); }
  std::string cipher() const { return SSL_CIPHER_get_name(SSL_get_current_cipher(ssl_)); }

 private:
  TlsChannel(SSL* ssl, BIO* network_in, BIO* network_out)
      : ssl_(ssl), network_in_(network_in), network_out_(network_out) {}

  SSL* ssl_;
  BIO* network_in_;   // ciphertext from the peer (owned by ssl_)
  BIO* network_out_;  // ciphertext for the peer (owned by ssl_)
  bool open_ = false;
  bool peer_closed_ = false;
  std::string held_;  // written before open()
  std::string output_;
  std::size_t output_sent_ = 0;
};

// The reason of OpenSSL's last error, short ("certificate verify failed"); the error queue is
// cleared. Without one: "connection closed or reset".
std::string openssl_reason();

}  // namespace pop3::tls
