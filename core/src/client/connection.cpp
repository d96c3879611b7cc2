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
    : options_(std::move(options)),
      session_(options_.session),
      startup_(options_.run_startup ? Startup::kGreeting : Startup::kOff) {}

std::optional<Error> ClientConnection::start_tls() {
  auto client = tls::TlsClient::create(options_.tls);
  if (!client) return client.error();
  tls_ = std::move(*client);
  return std::nullopt;
}

void ClientConnection::receive(std::span<const std::uint8_t> data) {
  if (!tls_) {
    session_input_ = data;
    session_input_decrypted_ = false;
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
  session_input_ = {};
  session_input_decrypted_ = true;
  auto error = tls_->receive(data, plaintext_);
  if (error && !tls_->handshake_complete()) error = explain_handshake_failure(std::move(*error));
  if (!was_established && tls_->handshake_complete()) {
    pump_session_events();
    events_.push_back(protocol::TlsEstablishedEvent{tls_->protocol(), tls_->cipher()});
    session_.tls_started();
    startup_after_tls();
  }
  if (!plaintext_.empty()) {
    session_input_ =
        std::span(reinterpret_cast<const std::uint8_t*>(plaintext_.data()), plaintext_.size());
    session_.receive(session_input_);
  }
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

void ClientConnection::tls_started() {
  session_.tls_started();
  startup_after_tls();
}

bool ClientConnection::want_read() const {
  const auto state = session_.state();
  return state != SessionState::kClosed && state != SessionState::kFailed;
}

const char* ClientConnection::startup_step() const {
  if (session_.state() == SessionState::kFailed) return "";
  switch (startup_) {
    case Startup::kOff:
      return "";
    case Startup::kGreeting:
      return "GREETING";
    case Startup::kCapa:
    case Startup::kCapaAfterTls:
      return "CAPA";
    case Startup::kStls:
      return "STLS";
    case Startup::kTls:
      return "TLS";
    case Startup::kReady:
      return "READY";
  }
  return "";
}

void ClientConnection::pump_session_events() {
  while (auto event = session_.next_event()) {
    // With TLS in the core the STLS upgrade is handled here; the caller never has to act.
    if (options_.tls_in_core && std::holds_alternative<protocol::TlsRequestedEvent>(*event))
      continue;
    // The sequence's own commands are answered here, not to the caller.
    if (const auto* reply = std::get_if<protocol::ReplyEvent>(&*event);
        reply && startup_command_ != 0 && reply->id == startup_command_) {
      startup_command_ = 0;
      startup_reply(*reply);
      continue;
    }
    const bool greeting = std::holds_alternative<protocol::GreetingEvent>(*event);
    events_.push_back(std::move(*event));
    if (greeting) startup_after_greeting();
  }
}

// ---- the connect sequence -------------------------------------------------------------------

void ClientConnection::submit_startup(protocol::Command command, Startup step) {
  auto id = session_.submit(std::move(command));
  if (!id) return startup_failed(id.error());
  startup_ = step;
  startup_command_ = *id;
}

void ClientConnection::startup_failed(Error error) {
  startup_command_ = 0;
  session_.abort(std::move(error));
}

void ClientConnection::startup_after_greeting() {
  if (startup_ != Startup::kGreeting) return;
  // Implicit TLS: the greeting can only have come through the handshake.
  if (options_.tls_mode == TlsMode::kImplicit && !session_.tls_active()) {
    return startup_failed(
        make_error(ErrorCode::kTlsHandshakeFailed, "the greeting arrived without TLS"));
  }
  if (options_.ask_capabilities || options_.tls_mode == TlsMode::kStartTls) {
    return submit_startup(protocol::Command::capa(), Startup::kCapa);
  }
  startup_ = Startup::kReady;
  events_.push_back(protocol::ReadyEvent{});
}

void ClientConnection::startup_after_tls() {
  if (startup_ != Startup::kTls) return;
  submit_startup(protocol::Command::capa(), Startup::kCapaAfterTls);
}

void ClientConnection::startup_reply(const protocol::ReplyEvent& reply) {
  // A server without CAPA (RFC 1939 only) answers -ERR: it simply has no capabilities to tell.
  const bool refused = reply.error && reply.error->code == ErrorCode::kServerError;
  if (reply.error && !refused && startup_ != Startup::kStls) {
    return;  // the session failed; its SessionErrorEvent says why
  }
  const std::string host = "'" + options_.tls.server_name + "'";
  switch (startup_) {
    case Startup::kCapa:
      if (options_.tls_mode == TlsMode::kStartTls && !session_.tls_active()) {
        // RFC 2595: STLS only when announced; never fall back to clear text.
        const auto& caps = session_.capabilities();
        if (!caps || !caps->stls) {
          return startup_failed(make_error(
              ErrorCode::kTlsUnavailable,
              host + " does not offer STLS; refusing to continue without TLS (tls: 'starttls')"));
        }
        return submit_startup(protocol::Command::stls(), Startup::kStls);
      }
      break;
    case Startup::kStls:
      if (reply.error) {
        if (reply.error->code != ErrorCode::kServerError) return;
        Error error =
            make_error(ErrorCode::kTlsUnavailable, host + " refused STLS (" + reply.status.text +
                                                       "); refusing to continue without TLS");
        error.response_code = reply.status.code;
        error.server_text = reply.status.text;
        return startup_failed(std::move(error));
      }
      startup_ = Startup::kTls;  // the handshake: in the core, or the caller's after the event
      return;
    case Startup::kCapaAfterTls:
      break;
    default:
      return;
  }
  startup_ = Startup::kReady;
  events_.push_back(protocol::ReadyEvent{});
}

}  // namespace pop3::client
