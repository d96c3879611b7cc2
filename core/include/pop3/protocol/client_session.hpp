// A POP3 client session without I/O (the nghttp2/h11 model): the caller feeds the server's bytes
// to receive(), takes the bytes to send from output(), submits commands, and drains events.
//
//   ClientSession s;
//   s.receive(bytes_from_server);          // any chunking, even one byte at a time
//   while (auto e = s.next_event()) ...    // GreetingEvent, BodyChunkEvent, ReplyEvent, ...
//   auto id = s.submit(*Command::retr(1));
//   send(s.output()); s.consume_output(n);
//
// The session decides when commands go on the wire: one at a time until the server announces
// PIPELINING in its CAPA reply, then in batches bounded by Limits, never past a barrier command.
// Every submitted command ends with exactly one ReplyEvent, in submission order.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pop3/auth/sasl_mechanism.hpp"
#include "pop3/error.hpp"
#include "pop3/mailbox/maildrop.hpp"
#include "pop3/protocol/body_reader.hpp"
#include "pop3/protocol/client_state.hpp"
#include "pop3/protocol/command.hpp"
#include "pop3/protocol/events.hpp"
#include "pop3/protocol/limits.hpp"
#include "pop3/protocol/line_reader.hpp"

namespace pop3::protocol {

struct SessionOptions {
  Limits limits;
  bool transcript = false;       // emit TranscriptEvents
  bool allow_pipelining = true;  // false: one command at a time even if the server pipelines
};

class ClientSession {
 public:
  explicit ClientSession(SessionOptions options = {});

  // Feeds server bytes. Returns how many were consumed: all of them, unless the session failed
  // or is waiting for the TLS handshake (bytes after an STLS +OK are refused, not buffered).
  std::size_t receive(std::span<const std::uint8_t> data);
  std::size_t receive(std::string_view data) {
    return receive(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
  }
  // The server closed the connection.
  void receive_eof();
  // Ends the session because of a failure below it (TLS, transport): every pending command
  // fails and a SessionErrorEvent carries `error`.
  void abort(Error error) { fail(std::move(error)); }

  // Queues a command. Fails locally (nothing sent) if the command is not valid in the state the
  // session will be in once everything queued before it has succeeded.
  Result<CommandId> submit(Command command);
  // APOP with the digest computed from the greeting's timestamp; APOP_UNAVAILABLE without one.
  Result<CommandId> submit_apop(std::string_view name, std::string_view secret);
  // AUTH (RFC 5034) driven by `mechanism`: its initial response goes on the AUTH line when the
  // line stays within 255 octets, else after the server's empty challenge; every challenge is
  // answered by the mechanism. A mechanism that fails to verify the server (SCRAM) fails the
  // session even if the server says +OK.
  Result<CommandId> submit_auth(std::unique_ptr<auth::SaslMechanism> mechanism);
  // The host's result of a SaslHostCallEvent for AUTH `id`: the exchange goes on, or, given an
  // error (the library failed), the client cancels it with "*" and the AUTH fails with `reply`'s
  // error. INVALID_STATE if no call of that AUTH is pending.
  std::optional<Error> sasl_host_reply(CommandId id, Result<auth::HostReply> reply);
  // Withdraws a command that has not been sent yet; it ends with a CANCELLED ReplyEvent.
  bool cancel(CommandId id);

  // Bytes to send to the server, in order.
  std::string_view output() const { return std::string_view(output_).substr(output_sent_); }
  void consume_output(std::size_t n);

  std::optional<Event> next_event();
  bool has_events() const { return !events_.empty(); }

  // The TLS handshake after STLS succeeded: capabilities are forgotten (RFC 2595 section 4) and
  // commands flow again. Also call it when the connection is TLS from the start (POP3S).
  void tls_started();
  bool tls_active() const { return tls_active_; }

  // Turns TranscriptEvents on or off from now on.
  void set_transcript(bool enabled) { options_.transcript = enabled; }

  SessionState state() const { return state_; }
  const std::optional<Capabilities>& capabilities() const { return capabilities_; }
  const std::optional<std::string>& apop_timestamp() const { return apop_timestamp_; }
  // The text of the +OK greeting ("" before it arrived).
  const std::string& greeting_text() const { return greeting_text_; }
  // A login (PASS, APOP or AUTH) succeeded in this session.
  bool authenticated() const { return authenticated_; }
  // Numbers, sizes, UIDs and deletion marks learnt from this session's LIST, UIDL, DELE, RSET.
  // Commands naming a message that is marked deleted or not in a known listing are refused.
  const mailbox::Maildrop& maildrop() const { return maildrop_; }
  bool pipelining() const;
  std::size_t commands_in_flight() const { return in_flight_.size(); }
  std::size_t commands_queued() const { return queue_.size(); }
  // Bytes of server input consumed so far. Error offsets are positions in this stream: the start
  // of the offending line for protocol errors.
  std::uint64_t stream_offset() const { return stream_offset_; }

 private:
  struct Pending {
    CommandId id;
    Command command;
    // AUTH only: the mechanism, an initial response still to send, and why the client aborted.
    std::unique_ptr<auth::SaslMechanism> sasl = nullptr;
    std::optional<std::string> deferred_initial_response = std::nullopt;
    std::optional<Error> sasl_error = std::nullopt;
  };
  enum class Phase : std::uint8_t { kStatus, kListing, kBody };

  Result<CommandId> enqueue(Pending pending);
  void flush();
  void send(Pending pending);
  void on_line(std::string_view line);
  void on_greeting(std::string_view line);
  void on_status(std::string_view line);
  void on_listing_line(std::string_view line);
  void on_auth_challenge(Pending& pending, std::string_view payload);
  void answer_challenge(Pending& pending, Result<std::string> response);
  void send_auth_line(std::string line, bool cancel);
  void complete_head(StatusLine status, ReplyData data, std::optional<Error> error);
  void fail(Error error);
  void revalidate_queue();
  void emit_body_chunk();
  void transcript(Direction direction, std::string line);
  Error protocol_error(std::string message) const;
  void set_body_limit(const Command& command);
  Error body_overflow() const;

  SessionOptions options_;
  SessionState state_ = SessionState::kGreeting;
  SessionState projected_ = SessionState::kAuthorization;
  bool tls_active_ = false;
  bool greeted_ = false;
  std::optional<Capabilities> capabilities_;
  std::optional<std::string> apop_timestamp_;
  std::string greeting_text_;
  bool authenticated_ = false;
  mailbox::Maildrop maildrop_;

  CommandId next_id_ = 1;
  std::deque<Pending> queue_;      // submitted, not yet sent
  std::deque<Pending> in_flight_;  // sent, awaiting their replies in order
  std::size_t in_flight_bytes_ = 0;

  std::string output_;
  std::size_t output_sent_ = 0;
  std::deque<Event> events_;

  Phase phase_ = Phase::kStatus;
  LineReader line_reader_;
  BodyReader body_reader_;
  std::uint64_t stream_offset_ = 0;
  std::uint64_t line_start_offset_ = 0;  // where the line being read began (error positions)
  // The multi-line reply being read: its status line, parsed lines and running size.
  StatusLine head_status_;
  ReplyData head_data_;
  std::optional<Error> head_error_;
  std::size_t head_listing_bytes_ = 0;
  std::uint64_t head_body_size_ = 0;
  // The most message data this reply may carry (0: no limit), and the size the server declared
  // for it (LIST, or "+OK n octets"), 0 when unknown.
  std::uint64_t head_body_limit_ = 0;
  std::uint64_t head_declared_size_ = 0;
  // The message bytes of the reply being read found in the current receive() input.
  BodyChunkEvent body_chunk_{};
};

}  // namespace pop3::protocol
