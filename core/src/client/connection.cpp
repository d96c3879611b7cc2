#include "pop3/client/connection.hpp"

#include <algorithm>
#include <utility>

#include "../protocol/quoted_line.hpp"

namespace pop3::client {

using protocol::SessionState;

Result<std::unique_ptr<ClientConnection>> ClientConnection::create(ConnectionOptions options) {
  std::unique_ptr<ClientConnection> connection(new ClientConnection(std::move(options)));
  if (connection->options_.tls_mode == TlsMode::kImplicit && connection->options_.tls_in_core) {
    if (auto error = connection->start_tls()) return *error;
  }
  return connection;
}

ClientConnection::ClientConnection(ConnectionOptions options)
    : options_(std::move(options)), session_(options_.session) {}

std::optional<Error> ClientConnection::start_tls() {
  auto client = tls::TlsClient::create(options_.tls);
  if (!client) return client.error();
  tls_ = std::move(*client);
  return std::nullopt;
}

void ClientConnection::receive(std::span<const std::uint8_t> data) {
  if (!tls_) {
    session_.receive(data);  // bytes refused after an STLS +OK fail the session itself
    if (session_.state() == SessionState::kTlsHandshake && options_.tls_in_core) {
      if (auto error = start_tls()) session_.abort(std::move(*error));
    }
    pump_session_events();
    return;
  }
  const bool was_established = tls_->handshake_complete();
  if (!was_established && before_handshake_.size() < 256) {
    const std::size_t n = std::min<std::size_t>(256 - before_handshake_.size(), data.size());
    before_handshake_.append(reinterpret_cast<const char*>(data.data()), n);
  }
  plaintext_.clear();
  auto error = tls_->receive(data, plaintext_);
  if (error && !tls_->handshake_complete()) error = explain_handshake_failure(std::move(*error));
  if (!was_established && tls_->handshake_complete()) {
    pump_session_events();
    events_.push_back(protocol::TlsEstablishedEvent{tls_->protocol(), tls_->cipher()});
    session_.tls_started();
  }
  if (!plaintext_.empty()) session_.receive(plaintext_);
  if (error) {
    session_.abort(std::move(*error));
  } else if (tls_->peer_closed()) {
    session_.receive_eof();
  }
  pump_session_events();
}

// A server that answers a TLS handshake with a POP3 line: a plain port used for POP3S, or a
// server that accepted STLS and then refused in clear ("-ERR STARTTLS failed: ..."). OpenSSL only
// says "wrong version number"; the server's own words and the likely fix say much more.
Error ClientConnection::explain_handshake_failure(Error error) const {
  const std::string_view first = before_handshake_;
  const bool pop3_line = first.rfind("+OK", 0) == 0 || first.rfind("-ERR", 0) == 0;
  if (!pop3_line) return error;
  const std::string_view line = first.substr(0, first.find_first_of("\r\n"));
  Error explained = error;
  explained.server_text = std::string(line);
  if (options_.tls_mode == TlsMode::kImplicit) {
    explained.message = "the server at '" + options_.tls.server_name +
                        "' answered in clear text, not TLS: " + protocol::quote(line) +
                        ". This port speaks plain POP3: use tls: 'starttls' (usually port 110), "
                        "or the server's POP3S port (usually 995)";
  } else {
    explained.message = "the server at '" + options_.tls.server_name +
                        "' accepted STLS, then answered in clear text instead of starting TLS: " +
                        protocol::quote(line);
  }
  return explained;
}

auth::ChannelBinding ClientConnection::channel_binding() const {
  if (!tls_ || !secure()) return {};
  auto bindings = tls_->channel_bindings();
  return bindings.empty() ? auth::ChannelBinding{} : std::move(bindings.front());
}

void ClientConnection::close_tls() {
  if (tls_) tls_->close();
}

void ClientConnection::receive_eof() {
  if (tls_ && !tls_->handshake_complete()) {
    session_.abort(make_error(ErrorCode::kTlsHandshakeFailed,
                              "the server closed the connection during the TLS handshake with '" +
                                  options_.tls.server_name + "'"));
  } else {
    session_.receive_eof();
  }
  pump_session_events();
}

std::string_view ClientConnection::output() {
  if (!tls_) return session_.output();
  const std::string_view plain = session_.output();
  if (!plain.empty()) {
    if (auto error = tls_->send(plain)) {
      session_.abort(std::move(*error));
      pump_session_events();
    }
    session_.consume_output(plain.size());
  }
  return tls_->output();
}

void ClientConnection::consume_output(std::size_t n) {
  if (tls_) {
    tls_->consume_output(n);
  } else {
    session_.consume_output(n);
  }
}

std::optional<protocol::Event> ClientConnection::next_event() {
  pump_session_events();
  if (events_.empty()) return std::nullopt;
  protocol::Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

void ClientConnection::pump_session_events() {
  while (auto event = session_.next_event()) {
    // With TLS in the core the STLS upgrade is handled here; the caller never has to act.
    if (options_.tls_in_core && std::holds_alternative<protocol::TlsRequestedEvent>(*event))
      continue;
    events_.push_back(std::move(*event));
  }
}

}  // namespace pop3::client
