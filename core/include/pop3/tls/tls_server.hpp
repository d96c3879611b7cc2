// A TLS server on two memory BIOs (OpenSSL), the counterpart of TlsClient for the server
// session: ciphertext in, ciphertext out, plaintext in between; no sockets, no files (the
// certificate chain and key are PEM text the host read). Client certificates are not asked for.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/auth/channel_binding.hpp"
#include "pop3/error.hpp"
#include "pop3/tls/tls_client.hpp"

namespace pop3::tls {

struct TlsServerOptions {
  std::string certificate_chain_pem;  // the server's certificate first, then intermediates
  std::string private_key_pem;
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;
  // Cipher preferences; empty = the library's defaults (as the client's).
  std::string tls12_ciphers;
  std::string tls13_ciphersuites;
};

class TlsServer {
 public:
  // INVALID_ARGUMENT when the chain or the key is not usable PEM, or they do not match.
  static Result<std::unique_ptr<TlsServer>> create(const TlsServerOptions& options);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  // Feeds ciphertext from the client; decrypted application data is appended to `plaintext`.
  std::optional<Error> receive(std::span<const std::uint8_t> ciphertext, std::string& plaintext);
  // Encrypts application data (held until the handshake completes).
  std::optional<Error> send(std::string_view plaintext);
  // Sends close_notify.
  void close();

  // Ciphertext for the client.
  std::string_view output();
  void consume_output(std::size_t n);

  bool handshake_complete() const { return handshake_complete_; }
  bool peer_closed() const { return peer_closed_; }
  std::string protocol() const;
  std::string cipher() const;
  // Channel-binding data once the handshake is complete, preferred first (channel_binding.hpp).
  std::vector<auth::ChannelBinding> channel_bindings() const;
  // The host name the client asked for (SNI), empty if none.
  std::string server_name() const;

 private:
  struct Impl;
  explicit TlsServer(std::unique_ptr<Impl> impl);
  std::optional<Error> fail(Error error);

  std::unique_ptr<Impl> impl_;
  bool handshake_complete_ = false;
  bool peer_closed_ = false;
  std::optional<Error> failure_;
};

}  // namespace pop3::tls
