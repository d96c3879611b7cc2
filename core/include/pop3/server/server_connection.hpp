// A server connection: the server session stacked on the TLS server engine, so that one object
// turns network bytes into events and the session's answers into network bytes, for plain
// POP3, POP3S (implicit TLS) and STLS (RFC 2595). The mirror of client::ClientConnection.
//
// Flow control carries through TLS: the session's plaintext is encrypted only while the
// ciphertext waiting for the network is below the session's output limit, and decrypted input
// the session cannot take yet is held (at most what one receive() decrypted) while receive()
// takes no more ciphertext. Held input is offered to the session again whenever the host calls
// receive(), output(), consume_output() or next_event().
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "pop3/error.hpp"
#include "pop3/server/server_session.hpp"
#include "pop3/tls/tls_server.hpp"

namespace pop3::server {

enum class ServerTlsMode : std::uint8_t {
  kNone,      // plain POP3, no STLS
  kImplicit,  // TLS from the first byte (POP3S, port 995)
  kStartTls,  // plain until the client's STLS succeeds (port 110); STLS is announced
};

struct ServerConnectionOptions {
  ServerOptions session;
  ServerTlsMode tls_mode = ServerTlsMode::kNone;
  tls::TlsServerOptions tls;
};

class ServerConnection {
 public:
  // Fails when the TLS identity is unusable (kImplicit, kStartTls).
  static Result<std::unique_ptr<ServerConnection>> create(ServerConnectionOptions options);

  // Bytes from the network. Returns how many were taken; offer the rest again later.
  std::size_t receive(std::span<const std::uint8_t> data);
  std::size_t receive(std::string_view data) {
    return receive(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
  }
  void receive_eof();
  // Bytes for the network.
  std::string_view output();
  void consume_output(std::size_t n);

  std::optional<ServerEvent> next_event();
  ServerSession& session() { return session_; }
  const ServerSession& session() const { return session_; }
  // TLS is up.
  bool secure() const { return tls_ && tls_->handshake_complete(); }
  // The session is over and everything for the network was handed out: close the connection.
  bool finished();

 private:
  explicit ServerConnection(ServerConnectionOptions options);
  void feed_held();
  void check_stls();
  void encrypt_session_output();

  ServerConnectionOptions options_;
  ServerSession session_;
  std::unique_ptr<tls::TlsServer> tls_;
  std::string clear_output_;  // STLS's "+OK", sent in clear before any TLS byte
  std::string held_;          // decrypted input the session has not taken yet
  bool tls_closed_ = false;   // close_notify sent
};

}  // namespace pop3::server
