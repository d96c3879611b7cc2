// A TLS client on two memory BIOs (OpenSSL): ciphertext in, ciphertext out, plaintext in
// between. No sockets and no clock of its own: the caller moves the bytes and may pass the
// verification time. Certificates and the host name are always verified; failures become typed
// errors that say what failed and for which name.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/auth/channel_binding.hpp"
#include "pop3/error.hpp"

namespace pop3::tls {

enum class TlsVersion : std::uint16_t { kTls12 = 0x0303, kTls13 = 0x0304 };

struct TlsOptions {
  // Host name for SNI and certificate verification (an IP literal is checked against IP SANs).
  std::string server_name;
  // Extra trust anchors in PEM (e.g. the CA of a self-signed test server).
  std::vector<std::string> ca_pems;
  // Whether the embedded Mozilla root bundle is trusted too.
  bool use_default_roots = true;
  // Optional SHA-256 SPKI pins, base64 (as in HPKP / curl --pinnedpubkey "sha256//..."): when
  // set, at least one certificate of the verified chain must match one of them.
  std::vector<std::string> spki_sha256_pins;
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;
  // Seconds since the epoch at which certificates are checked; the platform clock if unset.
  std::optional<std::int64_t> verification_time;
  // Cipher preferences; empty = the library's defaults (ChaCha20-Poly1305 first: without AES
  // instructions, as in WebAssembly, it is the fastest AEAD).
  std::string tls12_ciphers;
  std::string tls13_ciphersuites;
};

class TlsClient {
 public:
  // Creates the client and starts the handshake (the ClientHello is in output() at once).
  static Result<std::unique_ptr<TlsClient>> create(const TlsOptions& options);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Feeds ciphertext from the server; decrypted application data is appended to `plaintext`.
  // Returns an error when the handshake or the connection failed (then nothing more happens).
  std::optional<Error> receive(std::span<const std::uint8_t> ciphertext, std::string& plaintext);
  // Encrypts application data (queued until the handshake completes).
  std::optional<Error> send(std::string_view plaintext);
  // Sends close_notify.
  void close();

  // Ciphertext to send to the server.
  std::string_view output();
  void consume_output(std::size_t n);

  bool handshake_complete() const { return handshake_complete_; }
  // The server sent close_notify.
  bool peer_closed() const { return peer_closed_; }
  // "TLSv1.3" etc. and the negotiated cipher suite, once the handshake is complete.
  std::string protocol() const;
  std::string cipher() const;
  // Channel-binding data once the handshake is complete, preferred first (channel_binding.hpp).
  std::vector<auth::ChannelBinding> channel_bindings() const;

 private:
  struct Impl;
  explicit TlsClient(std::unique_ptr<Impl> impl);
  std::optional<Error> advance(std::string& plaintext);
  std::optional<Error> fail(Error error);
  Error write_error() const;

  std::unique_ptr<Impl> impl_;
  bool handshake_complete_ = false;
  bool peer_closed_ = false;
  std::optional<Error> failure_;
};

}  // namespace pop3::tls
