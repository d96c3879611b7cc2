#include "pop3/protocol/client_session.hpp"

#include <algorithm>
#include <utility>

#include "pop3/auth/apop.hpp"
#include "pop3/auth/base64.hpp"
#include "pop3/protocol/command_traits.hpp"
#include "quoted_line.hpp"

namespace pop3::protocol {
namespace {

Error server_error(CommandKind kind, const StatusLine& status) {
  Error error;
  error.code = traits(kind).login ? ErrorCode::kAuthFailed : ErrorCode::kServerError;
  error.message = std::string(command_keyword(kind)) + " failed: -ERR " +
                  (status.code.empty() ? "" : "[" + status.code + "] ") + status.text;
  error.response_code = status.code;
  error.server_text = status.text;
  error.server_refused = true;
  return error;
}

ReplyData empty_listing(CommandKind kind) {
  switch (kind) {
    case CommandKind::kList:
      return std::vector<ScanListing>{};
    case CommandKind::kUidl:
      return std::vector<UidListing>{};
    default:
      return std::vector<std::string>{};  // CAPA lines are parsed when complete
  }
}

}  // namespace

ClientSession::ClientSession(SessionOptions options) : options_(std::move(options)) {}

bool ClientSession::pipelining() const {
  return options_.allow_pipelining && capabilities_ && capabilities_->pipelining;
}

Error ClientSession::protocol_error(std::string message) const {
  Error error = make_error(ErrorCode::kProtocolViolation, std::move(message));
  error.stream_offset = line_start_offset_;
  return error;
}

// A RETR whose size the server declared (LIST, or "+OK n octets" as RFC 1939 suggests) may not
// run far past it: a server that never ends the body must not cost the global maximum in memory.
// Generous, since declared sizes may count LF line ends that go out as CRLF: twice the size and
// 64 KiB more. Messages of unknown size (or declared as 0), and TOP, keep max_message_bytes.
void ClientSession::set_body_limit(const Command& command) {
  constexpr std::uint64_t kMargin = 64 * 1024;
  std::optional<std::uint64_t> declared;
  if (command.kind() == CommandKind::kRetr) {
    if (const auto* message = maildrop_.find(command.number()); message != nullptr) {
      declared = message->size;
    } else {
      declared = parse_octets(head_status_.text);
    }
  }
  // A declared 0 is taken as "unknown": some servers list every size as 0.
  head_declared_size_ = declared.value_or(0);
  const std::uint64_t global = options_.limits.max_message_bytes;
  const std::uint64_t bound = head_declared_size_ != 0 ? 2 * head_declared_size_ + kMargin : 0;
  head_body_limit_ = bound != 0 && (global == 0 || bound < global) ? bound : global;
}

Error ClientSession::body_overflow() const {
  const char* keyword = command_keyword(in_flight_.front().command.kind());
  const bool by_declaration = head_body_limit_ != options_.limits.max_message_bytes;
  Error error =
      by_declaration
          ? make_error(ErrorCode::kProtocolViolation,
                       std::string("the ") + keyword + " reply ran past " +
                           std::to_string(head_body_limit_) +
                           " octets although the server declared the message to be " +
                           std::to_string(head_declared_size_) + " octets; reading stopped")
          : make_error(ErrorCode::kReplyTooLarge,
                       std::string("the ") + keyword + " reply exceeded " +
                           std::to_string(head_body_limit_) + " octets of message data");
  error.stream_offset = stream_offset_;
  return error;
}

// ---- input ----------------------------------------------------------------------------------

std::size_t ClientSession::receive(std::span<const std::uint8_t> data) {
  if (state_ == SessionState::kFailed) return 0;
  if (state_ == SessionState::kClosed) return data.size();  // after QUIT: nothing left to read
  std::size_t pos = 0;
  while (pos < data.size() && state_ != SessionState::kFailed && state_ != SessionState::kClosed &&
         state_ != SessionState::kTlsHandshake) {
    const auto rest = data.subspan(pos);
    if (phase_ == Phase::kBody) {
      const std::size_t before = body_chunk_.spans.size();
      const auto step = body_reader_.read(rest, body_chunk_.spans, pos);
      if (step.carried_cr) {
        body_chunk_.leading_cr = true;
        head_body_size_ += 1;
      }
      for (std::size_t i = before; i < body_chunk_.spans.size(); ++i) {
        head_body_size_ += body_chunk_.spans[i].length;
      }
      pos += step.consumed;
      stream_offset_ += step.consumed;
      if (head_body_limit_ != 0 && head_body_size_ > head_body_limit_) {
        fail(body_overflow());
        break;
      }
      if (step.finished) {
        line_start_offset_ = stream_offset_;
        emit_body_chunk();
        phase_ = Phase::kStatus;
        transcript(Direction::kServer,
                   "[" + std::to_string(head_body_size_) + " octets of message data]");
        transcript(Direction::kServer, ".");
        complete_head(std::move(head_status_), std::monostate{}, std::nullopt);
      }
      continue;
    }
    const std::size_t max = phase_ == Phase::kListing ? options_.limits.max_listing_line
                                                      : options_.limits.max_status_line;
    const auto step = line_reader_.read(rest, max);
    if (step.status == LineReader::Status::kTooLong) {
      Error error = make_error(ErrorCode::kLineTooLong,
                               "a server line exceeded " + std::to_string(max) + " octets");
      error.stream_offset = line_start_offset_;
      fail(std::move(error));
      break;
    }
    pos += step.consumed;
    stream_offset_ += step.consumed;
    if (step.status == LineReader::Status::kLine) {
      on_line(line_reader_.line());
      line_start_offset_ = stream_offset_;
    }
  }
  emit_body_chunk();
  if (pos < data.size() && state_ == SessionState::kTlsHandshake) {
    Error error = make_error(
        ErrorCode::kUnexpectedData,
        "the server sent " + std::to_string(data.size() - pos) +
            " octets after accepting STLS and before the TLS handshake; they were refused "
            "(a sign of command injection)");
    error.stream_offset = stream_offset_;
    fail(std::move(error));
    return pos;
  }
  if (state_ == SessionState::kClosed) return data.size();
  return pos;
}

void ClientSession::receive_eof() {
  if (state_ == SessionState::kFailed || state_ == SessionState::kClosed) return;
  std::string message;
  if (!greeted_) {
    message = "the server closed the connection before its greeting";
  } else if (!in_flight_.empty()) {
    const CommandKind kind = in_flight_.front().command.kind();
    message =
        std::string("the server closed the connection before answering ") + command_keyword(kind);
    if (kind == CommandKind::kQuit) message += "; deletions may not have been applied";
  } else {
    message = "the server closed the connection";
  }
  Error error = make_error(ErrorCode::kConnectionClosed, std::move(message));
  error.stream_offset = stream_offset_;
  fail(std::move(error));
}

void ClientSession::on_line(std::string_view line) {
  if (line.find('\0') != std::string_view::npos) {
    fail(protocol_error("the server sent a NUL byte in a protocol line: " + quote(line)));
    return;
  }
  if (!greeted_) {
    on_greeting(line);
  } else if (phase_ == Phase::kListing) {
    on_listing_line(line);
  } else {
    on_status(line);
  }
}

void ClientSession::on_greeting(std::string_view line) {
  transcript(Direction::kServer, std::string(line));
  auto status = parse_status_line(line);
  if (!status) {
    fail(protocol_error("the greeting is neither +OK nor -ERR: " + quote(line)));
    return;
  }
  if (!status->ok) {
    Error error;
    error.code = ErrorCode::kServerError;
    error.message = "the server refused the session: -ERR " + status->text;
    error.response_code = status->code;
    error.server_text = status->text;
    fail(std::move(error));
    return;
  }
  greeted_ = true;
  state_ = SessionState::kAuthorization;
  apop_timestamp_ = auth::find_apop_timestamp(status->text);
  greeting_text_ = status->text;
  events_.push_back(GreetingEvent{std::move(*status), apop_timestamp_});
  flush();
}

void ClientSession::on_status(std::string_view line) {
  transcript(Direction::kServer, std::string(line));
  auto status = parse_status_line(line);
  if (in_flight_.empty()) {
    // Servers announce a forced logout ("-ERR Disconnected for inactivity") before closing.
    if (status && !status->ok) {
      Error error;
      error.code = ErrorCode::kConnectionClosed;
      error.message = "the server ended the session: -ERR " + status->text;
      error.response_code = status->code;
      error.server_text = status->text;
      error.stream_offset = line_start_offset_;
      fail(std::move(error));
    } else {
      fail(protocol_error("the server sent a line nobody asked for: " + quote(line)));
    }
    return;
  }
  const Command& command = in_flight_.front().command;
  std::string challenge;
  if (!status && command.kind() == CommandKind::kAuth && parse_continuation_line(line, challenge)) {
    on_auth_challenge(in_flight_.front(), challenge);
    return;
  }
  if (!status) {
    fail(protocol_error(std::string("expected +OK or -ERR in reply to ") +
                        command_keyword(command.kind()) + ", got " + quote(line)));
    return;
  }
  if (!status->ok) {
    auto error = server_error(command.kind(), *status);
    complete_head(std::move(*status), std::monostate{}, std::move(error));
    return;
  }
  switch (command.reply_shape()) {
    case ReplyShape::kListing:
      phase_ = Phase::kListing;
      head_status_ = std::move(*status);
      head_data_ = empty_listing(command.kind());
      head_error_.reset();
      head_listing_bytes_ = 0;
      return;
    case ReplyShape::kBody:
      phase_ = Phase::kBody;
      head_status_ = std::move(*status);
      head_body_size_ = 0;
      set_body_limit(command);
      body_reader_.reset();
      return;
    case ReplyShape::kSingleLine:
      break;
  }
  ReplyData data;
  std::optional<Error> error;
  const std::uint32_t number = command.number();
  switch (command.kind()) {
    case CommandKind::kStat:
      if (auto drop = parse_drop_listing(status->text)) {
        data = *drop;
      } else {
        error = protocol_error("malformed STAT reply: " + quote(line));
      }
      break;
    case CommandKind::kList:
      if (auto scan = parse_scan_listing(status->text); scan && scan->number == number) {
        data = *scan;
      } else {
        error = protocol_error("malformed LIST reply: " + quote(line));
      }
      break;
    case CommandKind::kUidl:
      if (auto uid = parse_uid_listing(status->text); uid && uid->number == number) {
        data = std::move(*uid);
      } else {
        error = protocol_error("malformed UIDL reply: " + quote(line));
      }
      break;
    default:
      break;
  }
  complete_head(std::move(*status), std::move(data), std::move(error));
}

void ClientSession::on_listing_line(std::string_view line) {
  if (line == ".") {
    phase_ = Phase::kStatus;
    transcript(Direction::kServer, ".");
    ReplyData data = std::move(head_data_);
    if (in_flight_.front().command.kind() == CommandKind::kCapa) {
      data = parse_capabilities(std::get<std::vector<std::string>>(data));
    }
    complete_head(std::move(head_status_), std::move(data), std::move(head_error_));
    return;
  }
  transcript(Direction::kServer, std::string(line));
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // byte-stuffing
  head_listing_bytes_ += line.size() + 2;
  if (head_listing_bytes_ > options_.limits.max_listing_bytes) {
    Error error = make_error(
        ErrorCode::kReplyTooLarge,
        std::string("the ") + command_keyword(in_flight_.front().command.kind()) +
            " reply exceeded " + std::to_string(options_.limits.max_listing_bytes) + " octets");
    error.stream_offset = stream_offset_;
    fail(std::move(error));
    return;
  }
  if (auto* scans = std::get_if<std::vector<ScanListing>>(&head_data_)) {
    if (auto scan = parse_scan_listing(line)) {
      scans->push_back(*scan);
    } else if (!head_error_) {
      head_error_ = protocol_error("malformed LIST line: " + quote(line));
    }
  } else if (auto* uids = std::get_if<std::vector<UidListing>>(&head_data_)) {
    if (auto uid = parse_uid_listing(line)) {
      uids->push_back(std::move(*uid));
    } else if (!head_error_) {
      head_error_ = protocol_error("malformed UIDL line: " + quote(line));
    }
  } else {
    std::get<std::vector<std::string>>(head_data_).emplace_back(line);
  }
}

void ClientSession::on_auth_challenge(Pending& pending, std::string_view payload) {
  if (pending.deferred_initial_response) {
    // RFC 5034: the initial response did not fit on the AUTH line; it answers the empty challenge.
    std::string response = std::move(*pending.deferred_initial_response);
    pending.deferred_initial_response.reset();
    send_auth_line(auth::base64_encode(response), false);
    return;
  }
  auto decoded = auth::base64_decode(payload);
  if (!decoded) {
    pending.sasl_error = protocol_error("the SASL challenge is not base64");
    send_auth_line("*", true);
    return;
  }
  answer_challenge(pending, pending.sasl->respond(*decoded));
}

// The mechanism's response goes out, unless it waits for a call the host makes (GSSAPI).
void ClientSession::answer_challenge(Pending& pending, Result<std::string> response) {
  if (!response) {
    pending.sasl_error = response.error();
    send_auth_line("*", true);
    return;
  }
  if (auto call = pending.sasl->host_call()) {
    events_.push_back(
        SaslHostCallEvent{pending.id, std::move(call->operation), std::move(call->input)});
    return;
  }
  send_auth_line(auth::base64_encode(*response), false);
}

std::optional<Error> ClientSession::sasl_host_reply(CommandId id, Result<auth::HostReply> reply) {
  if (in_flight_.empty() || in_flight_.front().id != id || !in_flight_.front().sasl ||
      in_flight_.front().sasl_error || !in_flight_.front().sasl->host_call()) {
    return make_error(ErrorCode::kInvalidState, "no AUTH exchange waits for a host call");
  }
  Pending& pending = in_flight_.front();
  if (!reply) {
    // The exchange cannot go on; the server's -ERR to "*" completes the AUTH with this error.
    answer_challenge(pending, reply.error());
    return std::nullopt;
  }
  answer_challenge(pending, pending.sasl->host_reply(*reply));
  return std::nullopt;
}

void ClientSession::send_auth_line(std::string line, bool cancel) {
  transcript(Direction::kClient, cancel ? "*" : line.empty() ? "" : "*** (SASL response)");
  output_ += line;
  output_ += "\r\n";
}

void ClientSession::emit_body_chunk() {
  if (body_chunk_.spans.empty() && !body_chunk_.leading_cr) return;
  body_chunk_.id = in_flight_.front().id;
  events_.push_back(std::move(body_chunk_));
  body_chunk_ = {};
}

// ---- replies and state ----------------------------------------------------------------------

void ClientSession::complete_head(StatusLine status, ReplyData data, std::optional<Error> error) {
  Pending done = std::move(in_flight_.front());
  in_flight_.pop_front();
  in_flight_bytes_ -= done.command.line().size();
  const CommandKind kind = done.command.kind();

  state_ = state_after(state_, kind, status.ok);
  if (status.ok && !error) {
    if (const auto* caps = std::get_if<Capabilities>(&data)) capabilities_ = *caps;
    if (state_ == SessionState::kTransaction && traits(kind).login) authenticated_ = true;
    if (const auto* scans = std::get_if<std::vector<ScanListing>>(&data))
      maildrop_.set_scan_listing(*scans);
    if (const auto* uids = std::get_if<std::vector<UidListing>>(&data))
      maildrop_.set_uid_listing(*uids);
    if (kind == CommandKind::kDele) maildrop_.mark_deleted(done.command.number());
    if (kind == CommandKind::kRset) maildrop_.reset();
  }
  const bool tls_requested = kind == CommandKind::kStls && status.ok;
  if (tls_requested) capabilities_.reset();  // RFC 2595 section 4: forget pre-TLS knowledge

  std::optional<Error> distrust;  // AUTH succeeded at the server but the client cannot trust it
  if (kind == CommandKind::kAuth && done.sasl) {
    if (status.ok) {
      distrust = done.sasl_error ? done.sasl_error : done.sasl->complete();
      if (distrust) error = distrust;
    } else {
      if (done.sasl_error) {
        done.sasl_error->response_code = status.code;
        done.sasl_error->server_text = status.text;
        error = done.sasl_error;
      }
      const std::string details = done.sasl->failure_details();
      if (error && !details.empty()) {
        error->details = details;
        error->message += " (" + details + ")";
      }
    }
  }
  const bool failed = !status.ok;
  const bool has_body = status.ok && done.command.reply_shape() == ReplyShape::kBody;
  events_.push_back(ReplyEvent{done.id, kind, std::move(error), std::move(status), std::move(data),
                               has_body ? head_body_size_ : 0});
  if (distrust) {
    fail(std::move(*distrust));
    return;
  }
  if (tls_requested) events_.push_back(TlsRequestedEvent{});
  if (failed) revalidate_queue();
  flush();
}

void ClientSession::revalidate_queue() {
  SessionState projected = state_;
  for (const auto& p : in_flight_) projected = state_after(projected, p.command.kind(), true);
  std::deque<Pending> kept;
  for (auto& p : queue_) {
    const CommandKind kind = p.command.kind();
    if (command_allowed(projected, kind)) {
      projected = state_after(projected, kind, true);
      kept.push_back(std::move(p));
      continue;
    }
    Error error =
        make_error(ErrorCode::kNotSent,
                   std::string(command_keyword(kind)) +
                       " was not sent: after an earlier command failed, the session is in "
                       "the " +
                       session_state_name(projected) + " state");
    events_.push_back(ReplyEvent{p.id, kind, std::move(error), {}, {}, 0});
  }
  queue_ = std::move(kept);
  projected_ = projected;
}

void ClientSession::fail(Error error) {
  if (state_ == SessionState::kFailed) return;
  state_ = SessionState::kFailed;
  body_chunk_ = {};
  bool head = true;
  for (auto& p : in_flight_) {
    Error e = head ? error
                   : make_error(ErrorCode::kSessionClosed,
                                std::string(command_keyword(p.command.kind())) +
                                    " was not answered: " + error.message);
    head = false;
    events_.push_back(ReplyEvent{p.id, p.command.kind(), std::move(e), {}, {}, 0});
  }
  for (auto& p : queue_) {
    Error e = make_error(ErrorCode::kNotSent, std::string(command_keyword(p.command.kind())) +
                                                  " was not sent: " + error.message);
    events_.push_back(ReplyEvent{p.id, p.command.kind(), std::move(e), {}, {}, 0});
  }
  in_flight_.clear();
  queue_.clear();
  in_flight_bytes_ = 0;
  events_.push_back(SessionErrorEvent{std::move(error)});
}

// ---- output ---------------------------------------------------------------------------------

Result<CommandId> ClientSession::submit(Command command) {
  if (command.kind() == CommandKind::kAuth) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "AUTH is driven by a SASL mechanism (submit_auth), not submitted as a plain command");
  }
  return enqueue(Pending{0, std::move(command)});
}

Result<CommandId> ClientSession::enqueue(Pending pending) {
  const CommandKind kind = pending.command.kind();
  if (state_ == SessionState::kFailed || state_ == SessionState::kClosed ||
      projected_ == SessionState::kClosed) {
    return make_error(ErrorCode::kSessionClosed,
                      std::string(command_keyword(kind)) + " refused: the session has ended");
  }
  if (!command_allowed(projected_, kind)) {
    return make_error(ErrorCode::kInvalidState, std::string(command_keyword(kind)) +
                                                    " is not valid in the " +
                                                    session_state_name(projected_) + " state");
  }
  if (kind == CommandKind::kStls && tls_active_) {
    return make_error(ErrorCode::kInvalidState, "STLS refused: TLS is already active");
  }
  const std::uint32_t number = pending.command.number();
  if (number != 0) {
    if (auto reason = maildrop_.refusal(number)) {
      return make_error(ErrorCode::kInvalidArgument, std::string(command_keyword(kind)) + " " +
                                                         std::to_string(number) +
                                                         " refused: " + *reason);
    }
  }
  pending.id = next_id_++;
  projected_ = state_after(projected_, kind, true);
  const CommandId id = pending.id;
  queue_.push_back(std::move(pending));
  flush();
  return id;
}

Result<CommandId> ClientSession::submit_auth(std::unique_ptr<auth::SaslMechanism> mechanism) {
  if (!mechanism) return make_error(ErrorCode::kInvalidArgument, "AUTH needs a mechanism");
  const std::string name(mechanism->name());
  std::optional<std::string> deferred;
  Result<Command> command = Command::auth(name, {}, options_.limits);
  if (auto initial = mechanism->initial_response()) {
    // "=" stands for an empty initial response (RFC 5034 section 4).
    const std::string encoded = initial->empty() ? "=" : auth::base64_encode(*initial);
    auto with_initial = Command::auth(name, encoded, options_.limits);
    if (with_initial) {
      command = std::move(with_initial);
    } else {
      deferred = std::move(*initial);  // too long for one command line
    }
  }
  if (!command) return command.error();
  Pending pending{0, std::move(*command)};
  pending.sasl = std::move(mechanism);
  pending.deferred_initial_response = std::move(deferred);
  return enqueue(std::move(pending));
}

Result<CommandId> ClientSession::submit_apop(std::string_view name, std::string_view secret) {
  if (!greeted_) {
    return make_error(ErrorCode::kInvalidState, "APOP needs the greeting, which has not arrived");
  }
  if (!apop_timestamp_) {
    return make_error(ErrorCode::kApopUnavailable,
                      "APOP refused: the server's greeting carries no timestamp to sign");
  }
  auto command = Command::apop(name, auth::apop_digest(*apop_timestamp_, secret), options_.limits);
  if (!command) return command.error();
  return submit(std::move(*command));
}

bool ClientSession::cancel(CommandId id) {
  const auto it =
      std::find_if(queue_.begin(), queue_.end(), [id](const Pending& p) { return p.id == id; });
  if (it == queue_.end()) return false;
  const CommandKind kind = it->command.kind();
  queue_.erase(it);
  events_.push_back(ReplyEvent{
      id,
      kind,
      make_error(ErrorCode::kCancelled, std::string(command_keyword(kind)) + " was cancelled"),
      {},
      {},
      0});
  revalidate_queue();
  return true;
}

void ClientSession::flush() {
  if (!greeted_ || state_ == SessionState::kTlsHandshake || state_ == SessionState::kFailed ||
      state_ == SessionState::kClosed) {
    return;
  }
  const Limits& limits = options_.limits;
  while (!queue_.empty()) {
    if (!in_flight_.empty()) {
      if (!pipelining() || is_barrier(in_flight_.back().command.kind())) break;
      if (in_flight_.size() >= limits.max_pipelined_commands) break;
      if (in_flight_bytes_ + queue_.front().command.line().size() > limits.max_pipelined_bytes) {
        break;
      }
    }
    Pending next = std::move(queue_.front());
    queue_.pop_front();
    send(std::move(next));
  }
  // RFC 1939: QUIT from TRANSACTION puts the server in UPDATE until it answers.
  if (state_ == SessionState::kTransaction && !in_flight_.empty() &&
      in_flight_.front().command.kind() == CommandKind::kQuit) {
    state_ = SessionState::kUpdate;
  }
}

void ClientSession::send(Pending pending) {
  output_ += pending.command.line();
  in_flight_bytes_ += pending.command.line().size();
  if (options_.transcript) transcript(Direction::kClient, pending.command.redacted_line());
  in_flight_.push_back(std::move(pending));
}

void ClientSession::consume_output(std::size_t n) {
  output_sent_ = std::min(output_.size(), output_sent_ + n);
  if (output_sent_ == output_.size()) {
    output_.clear();
    output_sent_ = 0;
  }
}

std::optional<Event> ClientSession::next_event() {
  if (events_.empty()) return std::nullopt;
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

void ClientSession::tls_started() {
  tls_active_ = true;
  if (state_ == SessionState::kTlsHandshake) {
    state_ = SessionState::kAuthorization;
    projected_ = SessionState::kAuthorization;
    for (const auto& p : queue_) projected_ = state_after(projected_, p.command.kind(), true);
    flush();
  }
}

void ClientSession::transcript(Direction direction, std::string line) {
  if (options_.transcript) events_.push_back(TranscriptEvent{direction, std::move(line)});
}

}  // namespace pop3::protocol
