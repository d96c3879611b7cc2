// A POP3 server session without I/O, the mirror of protocol::ClientSession: the host feeds the
// client's bytes to receive(), sends what output() holds, drains events, and answers the
// requests among them. The session owns the protocol (RFC 1939, 2449, 2595, 5034, 6856); the
// host owns policy, accounts, maildrops, time and sockets.
//
//   ServerSession s(options);               // the greeting is in output() at once
//   s.receive(bytes_from_client);           // any chunking; returns how many were taken
//   while (auto e = s.next_event()) ...     // LoginRequest -> s.answer_login(...), ...
//   send(s.output()); s.consume_output(n);
//   if (s.closed() && s.output().empty()) close the connection
//
// Flow control: pipelined commands are read one at a time. The session stops reading them (and
// stops asking for message bytes) while it waits for an answer from the host or while output()
// holds more than limits.max_output_buffered; meanwhile receive() buffers input up to
// limits.max_input_buffered and then takes nothing more, which the host turns into backpressure
// on the transport. Memory stays bounded for a client that floods commands and never reads.
//
// Hostile input: a line longer than its limit gets "-ERR line too long" and is discarded up to
// its LF; the session carries on. NUL in a command line, unknown keywords, commands not valid in
// the state, and malformed arguments get -ERR; after limits.max_bad_commands of them (or
// limits.max_failed_logins failed logins) the session answers -ERR and closes.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/auth/sasl_server.hpp"
#include "pop3/error.hpp"
#include "pop3/mailbox/maildrop.hpp"
#include "pop3/protocol/body_writer.hpp"
#include "pop3/protocol/capabilities.hpp"
#include "pop3/server/server_events.hpp"
#include "pop3/server/server_options.hpp"
#include "pop3/server/server_state.hpp"

namespace pop3::server {

// The host's answer to a LoginRequest.
struct LoginAnswer {
  enum class Kind : std::uint8_t {
    kAccept,  // the host checked the password itself (only for methods that send it)
    kReject,  // unknown user, wrong password, account disabled...
    kVerify,  // the session checks the client's proof against `secrets`
  };
  Kind kind = Kind::kReject;
  auth::AccountSecrets secrets;
  // On rejection: the RFC 2449/3206 response code ("AUTH", "SYS/TEMP", "LOGIN-DELAY"...) and text.
  std::string response_code = "AUTH";
  std::string text = "Authentication failed";

  static LoginAnswer accept() { return {Kind::kAccept, {}, {}, {}}; }
  static LoginAnswer verify(auth::AccountSecrets secrets) {
    return {Kind::kVerify, std::move(secrets), {}, {}};
  }
  static LoginAnswer reject(std::string code = "AUTH", std::string text = "Authentication failed") {
    return {Kind::kReject, {}, std::move(code), std::move(text)};
  }
};

// One message of a maildrop, numbered from 1 in the order given.
struct MessageInfo {
  std::uint64_t size = 0;  // octets as sent (CRLF line ends, before byte-stuffing)
  std::string uid;         // RFC 1939 unique-id: 1-70 characters 0x21-0x7E
};

class ServerSession {
 public:
  // Puts the greeting in output(). options.random must be set.
  explicit ServerSession(ServerOptions options);
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Client bytes (plaintext). Returns how many were taken: fewer than given when the input
  // buffer is full (offer the rest again after output was consumed or requests answered), and
  // none once the session is closed or while the TLS handshake runs after STLS.
  std::size_t receive(std::span<const std::uint8_t> data);
  std::size_t receive(std::string_view data) {
    return receive(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
  }
  // The client closed its side. After QUIT in TRANSACTION the UPDATE still completes.
  void receive_eof();
  // The host's auto-logout timer fired: the session closes without a reply and without UPDATE
  // (RFC 1939 section 3), so no message is removed.
  void timeout();
  // The host ends the session (a TLS failure, shutdown): closes without UPDATE.
  void abort();

  // Bytes for the client, in order.
  std::string_view output() const { return std::string_view(output_).substr(output_sent_); }
  void consume_output(std::size_t n);

  std::optional<ServerEvent> next_event();
  bool has_events() const { return !events_.empty(); }

  // Answers. Each fails with INVALID_STATE unless the matching request is outstanding.
  std::optional<Error> answer_login(LoginAnswer answer);
  // Fails with INVALID_ARGUMENT for an invalid unique-id (the client could not parse it).
  std::optional<Error> open_maildrop(std::vector<MessageInfo> messages);
  std::optional<Error> refuse_maildrop(std::string response_code, std::string text);
  std::optional<Error> message_data(std::span<const std::uint8_t> data, bool end);
  std::optional<Error> message_data(std::string_view data, bool end) {
    return message_data(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()),
                        end);
  }
  // `failure`: why some marked messages could not be removed ("-ERR [SYS/TEMP] ..."); the
  // client then knows its deletions may not all have happened.
  std::optional<Error> finish_update(std::optional<std::string> failure = std::nullopt);

  // TLS is up: after STLS (the session returns to AUTHORIZATION, forgetting anything said in
  // clear), or from the start for implicit TLS (POP3S; call it before the first receive()).
  void tls_started();
  // The TLS connection's channel-binding data, once its handshake is complete: SCRAM-*-PLUS is
  // offered (among options.sasl) only with it.
  void set_channel_bindings(std::vector<auth::ChannelBinding> bindings);

  ServerState state() const { return state_; }
  // No more input will be read: send the rest of output() and close the connection.
  bool closed() const { return state_ == ServerState::kClosed; }
  bool tls_active() const { return tls_active_; }
  bool utf8_active() const { return utf8_; }
  // The authorization identity once logged in.
  const std::string& user() const { return user_; }
  const std::string& apop_timestamp() const { return apop_timestamp_; }
  std::uint32_t idle_timeout_seconds() const;
  // Numbers, sizes, unique ids and deletion marks of the open maildrop.
  const mailbox::Maildrop& maildrop() const { return maildrop_; }
  // What CAPA would announce now.
  protocol::Capabilities capabilities() const;
  std::size_t input_buffered() const { return input_.size() - input_pos_; }

 private:
  enum class Awaiting : std::uint8_t { kNothing, kLogin, kMaildrop, kMessageData, kUpdate };
  struct Listing {  // LIST or UIDL without argument, written as output drains
    bool uidl = false;
    std::size_t next = 0;
  };
  struct Body {  // RETR or TOP, streamed from the host
    std::uint32_t number = 0;
    std::uint64_t offset = 0;
    protocol::BodyWriter writer;
  };
  struct PendingLogin {
    LoginMethod method;
    std::string user;
    std::string password;     // USER/PASS
    std::string apop_digest;  // APOP
  };

  void advance();
  bool read_line();
  void on_line(std::string_view line);
  void on_command(std::string_view line);
  void on_sasl_response(std::string_view line);
  void continue_listing();

  void handle_user(std::string_view arg);
  void handle_pass(std::string_view arg);
  void handle_apop(std::string_view arg);
  void handle_auth(std::string_view arg);
  void handle_stls();
  void handle_capa();
  void handle_scan(protocol::CommandKind kind, std::string_view arg);
  void handle_message(protocol::CommandKind kind, std::string_view arg);
  void handle_dele(std::string_view arg);
  void handle_quit();

  void sasl_step(auth::ServerStep step);
  void request_login(LoginMethod method, std::string mechanism, std::string user,
                     std::string authzid, std::string password);
  void login_failed(std::string_view code, std::string_view text);
  void login_succeeded(std::string identity);
  std::optional<std::string> login_refusal(bool sends_secret) const;
  std::optional<std::uint32_t> usable_message(std::string_view arg);

  void ok(std::string_view text);
  void err(std::string_view code, std::string_view text);
  void bad_command(std::string_view text);
  void close(CloseReason reason, bool updated = false);
  bool output_full() const;

  ServerOptions options_;
  ServerState state_ = ServerState::kAuthorization;
  Awaiting awaiting_ = Awaiting::kNothing;
  bool tls_active_ = false;
  std::vector<auth::ChannelBinding> channel_bindings_;
  bool utf8_ = false;
  bool eof_ = false;
  std::string apop_timestamp_;
  std::string user_;  // USER's name, then the logged-in identity
  std::uint32_t bad_commands_ = 0;
  std::uint32_t failed_logins_ = 0;

  std::optional<PendingLogin> pending_login_;
  std::unique_ptr<auth::SaslServerMechanism> sasl_;
  std::string sasl_failure_code_;  // the host's refusal, kept while SCRAM plays on
  std::string sasl_failure_text_;

  mailbox::Maildrop maildrop_;
  std::optional<Listing> listing_;
  std::optional<Body> body_;

  std::string input_;
  std::size_t input_pos_ = 0;
  bool discarding_ = false;  // inside an over-long line, skipping to its LF

  std::string output_;
  std::size_t output_sent_ = 0;
  std::deque<ServerEvent> events_;
};

}  // namespace pop3::server
