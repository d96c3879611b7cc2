// A client connection: the POP3 session stacked on the TLS engine, so that one object turns
// network bytes into events and commands into network bytes, for plain POP3, POP3S (implicit TLS)
// and STLS (RFC 2595). This is what the WASM module exposes: ciphertext crosses into the core
// once and plaintext never leaves it except as parsed events.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "pop3/error.hpp"
#include "pop3/protocol/client_session.hpp"
#include "pop3/tls/tls_client.hpp"

namespace pop3::client {

enum class TlsMode : std::uint8_t {
  kNone,      // plain POP3
  kImplicit,  // TLS from the first byte (POP3S, port 995)
  kStartTls,  // plain until STLS succeeds (port 110)
};

struct ConnectionOptions {
  protocol::SessionOptions session;
  // Run the connect sequence here: after the greeting, CAPA; with kStartTls, STLS (only when
  // announced: never a fall back to clear text, RFC 2595), the handshake and CAPA again, since
  // what was learnt before TLS is void (RFC 2595 section 4). Ends with a ReadyEvent, or a
  // SessionErrorEvent (TLS_UNAVAILABLE when STLS is missing or refused). Off: the caller
  // submits those commands itself.
  bool run_startup = false;
  bool ask_capabilities = true;  // CAPA after the greeting even without STLS
  TlsMode tls_mode = TlsMode::kNone;
  // true: the core's TLS engine runs the TLS. false: the caller runs TLS outside (Node's tls),
  // feeds plaintext, and upgrades itself on TlsRequestedEvent.
  bool tls_in_core = true;
  tls::TlsOptions tls;
};

class ClientConnection {
 public:
  static Result<std::unique_ptr<ClientConnection>> create(ConnectionOptions options);

  // Bytes from the network (ciphertext once TLS runs in the core).
  void receive(std::span<const std::uint8_t> data);
  // What the spans of the BodyChunkEvents of the last receive() point into: that call's `data`
  // on a plain link (or with TLS outside the core), the plaintext decrypted from it with TLS in
  // the core. Valid until the next receive().
  std::span<const std::uint8_t> session_input() const { return session_input_; }
  // Whether session_input() is the connection's own buffer (decrypted plaintext) rather than
  // the caller's bytes.
  bool session_input_decrypted() const { return session_input_decrypted_; }
  void receive_eof();
  // Bytes for the network.
  std::string_view output();
  void consume_output(std::size_t n);

  std::optional<protocol::Event> next_event();
  protocol::ClientSession& session() { return session_; }
  const protocol::ClientSession& session() const { return session_; }
  // TLS is established (by the core, or reported by the caller through tls_started()).
  bool secure() const { return session_.tls_active(); }
  // The caller's TLS (tls_in_core false) finished its handshake, after TlsRequestedEvent or
  // before any byte for implicit TLS.
  void tls_started();
  // Whether the connection still reads from / has bytes for the network (nghttp2's
  // want_read/want_write): the transport may close once neither holds.
  bool want_read() const;
  bool want_write() { return !output().empty(); }
  // The step of the connect sequence: "GREETING", "CAPA", "STLS", "TLS", "READY", or "" when
  // the sequence is not run here or the connection failed before it finished.
  const char* startup_step() const;
  // The preferred channel-binding data of the core's TLS connection (SCRAM-*-PLUS); none on a
  // clear link or when TLS runs outside the core (its caller supplies the data then).
  auth::ChannelBinding channel_binding() const;
  // Ends TLS in the core with close_notify (RFC 8446 section 6.1), queued in output(), so the
  // server can tell an orderly end from a truncation; after QUIT, before the transport closes.
  // Nothing to do on a plain link or before the handshake finished.
  void close_tls();

 private:
  explicit ClientConnection(ConnectionOptions options);
  enum class Startup : std::uint8_t { kOff, kGreeting, kCapa, kStls, kTls, kCapaAfterTls, kReady };

  std::optional<Error> start_tls();
  void pump_session_events();
  // The connect sequence (run_startup): each step submits the next command itself.
  void startup_after_greeting();
  void startup_after_tls();
  void startup_reply(const protocol::ReplyEvent& reply);
  void submit_startup(protocol::Command command, Startup step);
  void startup_failed(Error error);
  Error explain_handshake_failure(Error error) const;

  ConnectionOptions options_;
  protocol::ClientSession session_;
  std::unique_ptr<tls::TlsClient> tls_;
  std::string plaintext_;  // decrypted bytes on their way into the session
  std::span<const std::uint8_t> session_input_;
  bool session_input_decrypted_ = false;
  std::string before_handshake_;  // the first bytes of the TLS stream, to explain a failure
  std::deque<protocol::Event> events_;
  Startup startup_ = Startup::kOff;
  protocol::CommandId startup_command_ = 0;  // the sequence's command awaiting its reply
};

}  // namespace pop3::client
