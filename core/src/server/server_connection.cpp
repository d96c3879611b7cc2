#include "pop3/server/server_connection.hpp"

#include <utility>

namespace pop3::server {

Result<std::unique_ptr<ServerConnection>> ServerConnection::create(
    ServerConnectionOptions options) {
  options.session.stls = options.tls_mode == ServerTlsMode::kStartTls;
  std::unique_ptr<tls::TlsServer> tls;
  if (options.tls_mode != ServerTlsMode::kNone) {
    // Made now even for STLS, so that an unusable identity fails here rather than mid-session.
    auto server = tls::TlsServer::create(options.tls);
    if (!server) return server.error();
    if (options.tls_mode == ServerTlsMode::kImplicit) tls = std::move(*server);
  }
  std::unique_ptr<ServerConnection> connection(new ServerConnection(std::move(options)));
  if (tls) {
    connection->tls_ = std::move(tls);
    // Nothing travels in clear: the greeting waits inside TLS for the handshake.
    connection->session_.tls_started();
  }
  return connection;
}

ServerConnection::ServerConnection(ServerConnectionOptions options)
    : options_(std::move(options)), session_(options_.session) {}

// After the session accepted STLS (in any call: a paused session may read STLS later), its
// "+OK" goes out in clear and TLS starts.
void ServerConnection::check_stls() {
  if (tls_ || session_.state() != ServerState::kTlsHandshake) return;
  clear_output_.append(session_.output());
  session_.consume_output(session_.output().size());
  auto server = tls::TlsServer::create(options_.tls);
  if (!server) {
    session_.abort();
    return;
  }
  tls_ = std::move(*server);
}

std::size_t ServerConnection::receive(std::span<const std::uint8_t> data) {
  check_stls();
  if (!tls_) {
    const std::size_t taken = session_.receive(data);
    if (session_.state() == ServerState::kTlsHandshake) {
      // Whatever else this read held was sent before the client could have seen the "+OK":
      // dropped (the session already discarded its part).
      check_stls();
      return data.size();
    }
    return taken;
  }
  feed_held();
  if (!held_.empty()) return 0;
  const bool was_established = tls_->handshake_complete();
  std::string plaintext;
  auto error = tls_->receive(data, plaintext);
  if (!was_established && tls_->handshake_complete()) {
    // Before any plaintext reaches the session: an AUTH ...-PLUS may ride on the first flight.
    session_.set_channel_bindings(tls_->channel_bindings());
    if (session_.state() == ServerState::kTlsHandshake) session_.tls_started();
  }
  held_ = std::move(plaintext);
  feed_held();
  if (error) {
    session_.abort();
  } else if (tls_->peer_closed()) {
    session_.receive_eof();
  }
  return data.size();
}

void ServerConnection::feed_held() {
  if (held_.empty()) return;
  const std::size_t taken = session_.receive(held_);
  held_.erase(0, taken);
  if (session_.closed()) held_.clear();
}

void ServerConnection::receive_eof() {
  session_.receive_eof();
}

void ServerConnection::encrypt_session_output() {
  if (!tls_ || session_.state() == ServerState::kTlsHandshake) return;
  const std::size_t limit = options_.session.limits.max_output_buffered;
  while (tls_->output().size() < limit) {
    const std::string_view plain = session_.output();
    if (plain.empty()) return;
    const std::string_view piece = plain.substr(0, limit);
    if (tls_->send(piece)) {
      session_.abort();
      return;
    }
    session_.consume_output(piece.size());  // may produce more (streamed bodies, listings)
  }
}

std::string_view ServerConnection::output() {
  feed_held();
  check_stls();
  if (!clear_output_.empty()) return clear_output_;
  if (!tls_) return session_.output();
  encrypt_session_output();
  if (session_.closed() && session_.output().empty() && !tls_closed_) {
    tls_closed_ = true;
    tls_->close();
  }
  return tls_->output();
}

void ServerConnection::consume_output(std::size_t n) {
  if (!clear_output_.empty()) {
    clear_output_.erase(0, n);
  } else if (tls_) {
    tls_->consume_output(n);
  } else {
    session_.consume_output(n);
  }
  feed_held();
}

std::optional<ServerEvent> ServerConnection::next_event() {
  feed_held();
  check_stls();
  while (auto event = session_.next_event()) {
    // The TLS upgrade is handled here; the host never has to act on it.
    if (std::holds_alternative<TlsRequestedEvent>(*event)) continue;
    return event;
  }
  return std::nullopt;
}

bool ServerConnection::finished() {
  return session_.closed() && output().empty();
}

}  // namespace pop3::server
