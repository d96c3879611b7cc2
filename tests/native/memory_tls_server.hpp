// Test helper: a real OpenSSL TLS server on memory BIOs, so that the client engine can be tested
// natively without sockets. It is OpenSSL on both sides; nothing is simulated.
#pragma once

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>

#include "pop3/tls/tls_client.hpp"

namespace pop3::testing {

class MemoryTlsServer {
 public:
  MemoryTlsServer(const std::string& cert_file, const std::string& key_file,
                  int max_version = TLS1_3_VERSION) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_max_proto_version(ctx_, max_version);
    EXPECT_EQ(SSL_CTX_use_certificate_chain_file(ctx_, cert_file.c_str()), 1) << cert_file;
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx_, key_file.c_str(), SSL_FILETYPE_PEM), 1) << key_file;
    ssl_ = SSL_new(ctx_);
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_accept_state(ssl_);
  }
  ~MemoryTlsServer() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }

  // Takes the client's ciphertext, returns the server's.
  std::string feed(std::string_view ciphertext) {
    if (!ciphertext.empty()) BIO_write(in_, ciphertext.data(), static_cast<int>(ciphertext.size()));
    if (!SSL_is_init_finished(ssl_)) {
      SSL_do_handshake(ssl_);
    }
    char buffer[16384];
    size_t n = 0;
    while (SSL_is_init_finished(ssl_) && SSL_read_ex(ssl_, buffer, sizeof buffer, &n) == 1) {
      received.append(buffer, n);
    }
    ERR_clear_error();
    return drain();
  }
  std::string send(std::string_view plaintext) {
    size_t written = 0;
    EXPECT_EQ(SSL_write_ex(ssl_, plaintext.data(), plaintext.size(), &written), 1);
    return drain();
  }
  std::string drain() {
    std::string out;
    char buffer[16384];
    int n;
    while ((n = BIO_read(out_, buffer, sizeof buffer)) > 0)
      out.append(buffer, static_cast<size_t>(n));
    return out;
  }
  bool handshake_done() const { return SSL_is_init_finished(ssl_); }

  std::string received;  // application data from the client

 private:
  SSL_CTX* ctx_;
  SSL* ssl_;
  BIO* in_;
  BIO* out_;
};

// Moves bytes between a TlsClient and a MemoryTlsServer until neither has anything to say.
// Returns the first client error, if any; decrypted server data is appended to `plaintext`.
inline std::optional<Error> pump(tls::TlsClient& client, MemoryTlsServer& server,
                                 std::string& plaintext) {
  for (int round = 0; round < 20; ++round) {
    const std::string to_server(client.output());
    client.consume_output(to_server.size());
    const std::string to_client = server.feed(to_server);
    if (to_server.empty() && to_client.empty()) return std::nullopt;
    auto error = client.receive(
        std::span(reinterpret_cast<const std::uint8_t*>(to_client.data()), to_client.size()),
        plaintext);
    if (error) {
      // Let the server see the client's alert, as a real peer would.
      const std::string alert(client.output());
      client.consume_output(alert.size());
      server.feed(alert);
      return error;
    }
  }
  return std::nullopt;
}

}  // namespace pop3::testing
