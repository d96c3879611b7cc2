#include "pop3/server/server_session.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "ascii.hpp"
#include "pop3/auth/apop.hpp"
#include "pop3/auth/base64.hpp"
#include "pop3/protocol/listing.hpp"
#include "pop3/protocol/status_line.hpp"
#include "pop3/utf8.hpp"

namespace pop3::server {
namespace {

using protocol::CommandKind;

// RFC 1939 section 3: an auto-logout timer "MUST be of at least 10 minutes' duration".
constexpr std::uint32_t kMinIdleTimeout = 600;

bool is_known_mechanism(std::string_view name) {
  for (const char* known : {"PLAIN", "LOGIN", "CRAM-MD5"}) {
    if (ascii::iequals(name, known)) return true;
  }
  return auth::scram_variant(ascii::upper(name)).has_value();
}

// SCRAM-*-PLUS: offered only where the TLS connection gave binding data.
bool needs_channel_binding(std::string_view mechanism) {
  return mechanism.ends_with("-PLUS");
}

// Mechanisms in which the client sends the password itself.
bool sends_secret(std::string_view mechanism) {
  return ascii::iequals(mechanism, "PLAIN") || ascii::iequals(mechanism, "LOGIN");
}

bool needs_randomness(std::string_view mechanism) {
  return ascii::istarts_with(mechanism, "SCRAM-") || ascii::iequals(mechanism, "CRAM-MD5");
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

const char* close_reason_name(CloseReason reason) {
  switch (reason) {
    case CloseReason::kQuit:
      return "QUIT";
    case CloseReason::kTimeout:
      return "TIMEOUT";
    case CloseReason::kClientClosed:
      return "CLIENT_CLOSED";
    case CloseReason::kTooManyErrors:
      return "TOO_MANY_ERRORS";
    case CloseReason::kAborted:
      return "ABORTED";
  }
  return "UNKNOWN";
}

ServerSession::ServerSession(ServerOptions options) : options_(std::move(options)) {
  auto& limits = options_.limits;
  limits.max_sasl_line = std::max(limits.max_sasl_line, limits.max_command_line);
  limits.max_input_buffered = std::max(limits.max_input_buffered, limits.max_sasl_line + 2);
  limits.max_output_buffered = std::max<std::size_t>(limits.max_output_buffered, 1);
  if (!options_.random) {
    // Without randomness there is nothing unpredictable to challenge a client with.
    options_.apop = false;
    std::erase_if(options_.sasl, [](const std::string& m) { return needs_randomness(m); });
  }
  std::erase_if(options_.sasl, [](const std::string& m) { return !is_known_mechanism(m); });
  for (auto& m : options_.sasl) m = ascii::upper(m);
  std::string greeting = options_.greeting;
  if (options_.apop) {
    // RFC 1939 section 7: a timestamp unique to this greeting; the random part makes it so.
    const std::string timestamp =
        "<" + auth::random_hex(options_.random, 12) + "@" + options_.host_name + ">";
    if (auth::find_apop_timestamp(timestamp) == timestamp) {
      apop_timestamp_ = timestamp;
      greeting += " " + timestamp;
    }
  }
  ok(greeting);
}

std::uint32_t ServerSession::idle_timeout_seconds() const {
  return std::max(options_.idle_timeout_seconds, kMinIdleTimeout);
}

// ---- input ----------------------------------------------------------------------------------

std::size_t ServerSession::receive(std::span<const std::uint8_t> data) {
  if (state_ == ServerState::kClosed || state_ == ServerState::kTlsHandshake || eof_) return 0;
  if (input_pos_ > 0 && (input_pos_ == input_.size() || input_pos_ >= input_.size() / 2)) {
    input_.erase(0, input_pos_);
    input_pos_ = 0;
  }
  const std::size_t room = options_.limits.max_input_buffered - input_buffered();
  const std::size_t take = std::min(room, data.size());
  input_.append(reinterpret_cast<const char*>(data.data()), take);
  advance();
  return take;
}

void ServerSession::receive_eof() {
  if (state_ == ServerState::kClosed) return;
  eof_ = true;
  // QUIT was read: the UPDATE state completes whether or not the client waits for the answer.
  if (awaiting_ == Awaiting::kUpdate) return;
  close(CloseReason::kClientClosed);
}

void ServerSession::timeout() {
  // In UPDATE the session waits for its host, not for the client.
  if (state_ == ServerState::kClosed || awaiting_ == Awaiting::kUpdate) return;
  close(CloseReason::kTimeout);
}

void ServerSession::abort() {
  close(CloseReason::kAborted);
}

bool ServerSession::output_full() const {
  return output_.size() - output_sent_ >= options_.limits.max_output_buffered;
}

// Reads and answers pipelined commands until it must wait: for input, for the client to read,
// for the host, or for TLS.
void ServerSession::advance() {
  while (state_ != ServerState::kClosed && !output_full()) {
    if (listing_) {
      continue_listing();
      continue;
    }
    if (body_) {
      if (awaiting_ == Awaiting::kNothing) {
        const auto* m = maildrop_.find(body_->number);
        events_.push_back(
            MessageDataRequest{body_->number, m ? m->uid : std::string(), body_->offset});
        awaiting_ = Awaiting::kMessageData;
      }
      return;
    }
    if (awaiting_ != Awaiting::kNothing || state_ == ServerState::kTlsHandshake) return;
    if (!read_line()) return;
  }
}

// Takes one line from the input buffer and handles it; false if no complete line is there.
bool ServerSession::read_line() {
  const std::string_view rest = std::string_view(input_).substr(input_pos_);
  if (rest.empty()) return false;
  const std::size_t limit =
      sasl_ ? options_.limits.max_sasl_line : options_.limits.max_command_line;
  const auto lf = rest.find('\n');
  if (discarding_) {
    input_pos_ = lf == std::string_view::npos ? input_.size() : input_pos_ + lf + 1;
    discarding_ = lf == std::string_view::npos;
    return !discarding_;
  }
  // `limit` counts the CRLF (RFC 2449 section 4).
  const bool too_long = lf == std::string_view::npos ? rest.size() >= limit : lf + 1 > limit;
  if (too_long) {
    if (lf == std::string_view::npos) {
      input_pos_ = input_.size();
      discarding_ = true;
    } else {
      input_pos_ += lf + 1;
    }
    if (sasl_) {
      sasl_.reset();
      login_failed("", "SASL response line too long");
    } else {
      bad_command("line too long (the limit is " + std::to_string(limit) + " octets)");
    }
    return true;
  }
  if (lf == std::string_view::npos) return false;
  std::string_view line = rest.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  input_pos_ += lf + 1;
  // `line` points into input_, which only receive() reshapes: handlers never call it.
  on_line(line);
  return true;
}

void ServerSession::on_line(std::string_view line) {
  if (sasl_) {
    on_sasl_response(line);
  } else if (line.find('\0') != std::string_view::npos) {
    bad_command("NUL byte in the command line");
  } else {
    on_command(line);
  }
}

void ServerSession::on_command(std::string_view line) {
  const auto space = line.find(' ');
  const std::string_view keyword = line.substr(0, space);
  const std::string_view arg =
      space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  const auto kind = protocol::command_kind_from_keyword(keyword);
  if (!kind) {
    bad_command("unknown command");
    return;
  }
  const std::string name = protocol::command_keyword(*kind);
  if (*kind == CommandKind::kLang) {
    bad_command("LANG is not supported");
    return;
  }
  if (!server_accepts(state_, *kind)) {
    bad_command(name + " is not valid in the " + server_state_name(state_) + " state");
    return;
  }
  switch (*kind) {
    case CommandKind::kCapa:
    case CommandKind::kStls:
    case CommandKind::kUtf8:
    case CommandKind::kStat:
    case CommandKind::kNoop:
    case CommandKind::kRset:
    case CommandKind::kQuit:
      if (!arg.empty()) {
        bad_command(name + " takes no argument");
        return;
      }
      break;
    default:
      break;
  }
  if (state_ == ServerState::kAuthorizationUser && *kind != CommandKind::kPass) user_.clear();

  // The answer now (+OK or -ERR), or nothing when the host answers later or the handler has
  // already moved the state.
  std::optional<bool> answered;
  switch (*kind) {
    case CommandKind::kUser:
      handle_user(arg);
      return;
    case CommandKind::kPass:
      handle_pass(arg);
      return;
    case CommandKind::kApop:
      handle_apop(arg);
      return;
    case CommandKind::kAuth:
      handle_auth(arg);
      return;
    case CommandKind::kStls:
      handle_stls();
      return;
    case CommandKind::kCapa:
      handle_capa();
      answered = true;
      break;
    case CommandKind::kUtf8:
      if (options_.utf8) {
        utf8_ = true;
        ok("UTF8 enabled");
      } else {
        err("", "UTF8 is not supported");
      }
      answered = options_.utf8;
      break;
    case CommandKind::kStat:
      ok(std::to_string(maildrop_.count()) + " " + std::to_string(maildrop_.size()));
      answered = true;
      break;
    case CommandKind::kList:
    case CommandKind::kUidl:
      handle_scan(*kind, arg);
      return;
    case CommandKind::kRetr:
    case CommandKind::kTop:
      handle_message(*kind, arg);
      return;
    case CommandKind::kDele:
      handle_dele(arg);
      return;
    case CommandKind::kNoop:
      ok("");
      answered = true;
      break;
    case CommandKind::kRset:
      maildrop_.reset();
      ok("maildrop has " + plural(maildrop_.count(), "message") + " (" +
         std::to_string(maildrop_.size()) + " octets)");
      answered = true;
      break;
    case CommandKind::kQuit:
      handle_quit();
      return;
    case CommandKind::kLang:
      break;
  }
  if (answered) state_ = server_state_after(state_, *kind, *answered);
}

// ---- logging in -----------------------------------------------------------------------------

// Why the policy refuses a login method now, or nothing.
std::optional<std::string> ServerSession::login_refusal(bool method_sends_secret) const {
  if (tls_active_) return std::nullopt;
  if (options_.require_tls_for_login) return "Log in after STLS (TLS is required)";
  if (method_sends_secret && !options_.allow_cleartext_without_tls) {
    return "Plaintext authentication disallowed on non-secure connections";
  }
  return std::nullopt;
}

void ServerSession::handle_user(std::string_view arg) {
  std::optional<std::string> refusal;
  if (!options_.user_pass) refusal = "USER/PASS is not offered";
  if (!refusal) refusal = login_refusal(true);
  if (!refusal && (arg.empty() || arg.find(' ') != std::string_view::npos || !is_valid_utf8(arg))) {
    refusal = "USER needs one name";
  }
  if (refusal) {
    err("AUTH", *refusal);
    state_ = server_state_after(state_, CommandKind::kUser, false);
    return;
  }
  user_.assign(arg);
  ok("");
  state_ = server_state_after(state_, CommandKind::kUser, true);
}

void ServerSession::handle_pass(std::string_view arg) {
  if (arg.empty()) {
    err("", "PASS needs a password");
    state_ = server_state_after(state_, CommandKind::kPass, false);
    user_.clear();
    return;
  }
  request_login(LoginMethod::kUserPass, "USER", user_, "", std::string(arg));
}

void ServerSession::handle_apop(std::string_view arg) {
  std::optional<std::string> refusal;
  if (apop_timestamp_.empty()) refusal = "APOP is not offered";
  if (!refusal) refusal = login_refusal(false);
  const auto space = arg.rfind(' ');
  std::string digest(space == std::string_view::npos ? std::string_view() : arg.substr(space + 1));
  // The digest is compared in lower case, as apop_digest writes it; clients may send upper.
  for (char& c : digest) c = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  if (!refusal && (space == 0 || digest.size() != 32)) refusal = "APOP needs a name and a digest";
  if (refusal) {
    err("AUTH", *refusal);
    state_ = server_state_after(state_, CommandKind::kApop, false);
    return;
  }
  request_login(LoginMethod::kApop, "APOP", std::string(arg.substr(0, space)), "", "");
  pending_login_->apop_digest = std::move(digest);
}

void ServerSession::handle_auth(std::string_view arg) {
  const std::string mechanism = ascii::upper(ascii::next_token(arg));
  const std::string_view initial = ascii::next_token(arg);
  const bool offered =
      std::find(options_.sasl.begin(), options_.sasl.end(), mechanism) != options_.sasl.end() &&
      (!needs_channel_binding(mechanism) || !channel_bindings_.empty());
  std::optional<std::string> refusal;
  if (mechanism.empty()) refusal = "AUTH needs a mechanism";
  if (!refusal && !offered) refusal = "Unsupported authentication mechanism";
  if (!refusal && !ascii::next_token(arg).empty())
    refusal = "AUTH takes a mechanism and an initial response";
  if (!refusal) refusal = login_refusal(sends_secret(mechanism));
  std::optional<std::string> decoded;
  if (!refusal && !initial.empty()) {
    // "=" is the empty initial response (RFC 5034 section 4).
    if (initial == "=") {
      decoded.emplace();
    } else if (auto bytes = auth::base64_decode(initial)) {
      decoded = std::move(*bytes);
    } else {
      refusal = "Invalid base64 in the initial response";
    }
  }
  if (refusal) {
    err("", *refusal);
    state_ = server_state_after(state_, CommandKind::kAuth, false);
    return;
  }
  auth::ServerMechanismContext context{options_.random, options_.host_name,
                                       options_.scram_iterations, channel_bindings_};
  context.plus_offered = auth::offers_scram_plus(capabilities().sasl);
  sasl_ = auth::make_server_mechanism(mechanism, context);
  sasl_failure_code_.clear();
  sasl_failure_text_.clear();
  sasl_step(sasl_->start(decoded ? std::optional<std::string_view>(*decoded) : std::nullopt));
}

void ServerSession::on_sasl_response(std::string_view line) {
  if (line == "*") {
    sasl_.reset();
    login_failed("", "Authentication cancelled");
    return;
  }
  auto decoded = auth::base64_decode(line);
  if (!decoded) {
    sasl_.reset();
    login_failed("", "Invalid base64 in the SASL response");
    return;
  }
  sasl_step(sasl_->respond(*decoded));
}

void ServerSession::sasl_step(auth::ServerStep step) {
  using Kind = auth::ServerStep::Kind;
  switch (step.kind) {
    case Kind::kChallenge:
      output_ += "+ " + auth::base64_encode(step.data) + "\r\n";
      return;
    case Kind::kNeedAccount:
      request_login(LoginMethod::kSasl, std::string(sasl_->name()), sasl_->user(), sasl_->authzid(),
                    sasl_->sends_secret() ? sasl_->password() : std::string());
      return;
    case Kind::kSuccess: {
      std::string identity = sasl_->authzid().empty() ? sasl_->user() : sasl_->authzid();
      sasl_.reset();
      login_succeeded(std::move(identity));
      return;
    }
    case Kind::kFailure:
      sasl_.reset();
      if (!sasl_failure_code_.empty() || !sasl_failure_text_.empty()) {
        login_failed(sasl_failure_code_, sasl_failure_text_);
      } else {
        login_failed("AUTH", step.data.empty() ? "Authentication failed" : step.data);
      }
      return;
  }
}

void ServerSession::request_login(LoginMethod method, std::string mechanism, std::string user,
                                  std::string authzid, std::string password) {
  pending_login_ = PendingLogin{method, user, password, {}};
  events_.push_back(LoginRequest{method, std::move(mechanism), std::move(user), std::move(authzid),
                                 std::move(password), tls_active_});
  awaiting_ = Awaiting::kLogin;
}

std::optional<Error> ServerSession::answer_login(LoginAnswer answer) {
  if (awaiting_ != Awaiting::kLogin || !pending_login_) {
    return make_error(ErrorCode::kInvalidState, "no login is waiting for an answer");
  }
  awaiting_ = Awaiting::kNothing;
  PendingLogin login = std::move(*pending_login_);
  pending_login_.reset();
  using Kind = LoginAnswer::Kind;
  const auto* password =
      answer.kind == Kind::kVerify && answer.secrets.password ? &*answer.secrets.password : nullptr;
  switch (login.method) {
    case LoginMethod::kSasl:
      if (answer.kind == Kind::kReject) {
        sasl_failure_code_ = answer.response_code;
        sasl_failure_text_ = answer.text;
      }
      if (answer.kind == Kind::kAccept && sasl_->sends_secret()) {
        sasl_step({auth::ServerStep::Kind::kSuccess, {}});
      } else if (answer.kind == Kind::kReject && sasl_->sends_secret()) {
        sasl_step({auth::ServerStep::Kind::kFailure, {}});
      } else {
        // SCRAM goes on with made-up keys for an unknown user; accept() cannot vouch for a proof
        // the host never saw, so it counts as no account.
        sasl_step(sasl_->account(answer.kind == Kind::kVerify ? &answer.secrets : nullptr));
      }
      break;
    case LoginMethod::kUserPass:
      if (answer.kind == Kind::kAccept ||
          (password && auth::secrets_equal(*password, login.password))) {
        login_succeeded(login.user);
      } else if (answer.kind == Kind::kReject) {
        login_failed(answer.response_code, answer.text);
      } else {
        login_failed("AUTH", "Authentication failed");
      }
      break;
    case LoginMethod::kApop:
      if (password &&
          auth::secrets_equal(auth::apop_digest(apop_timestamp_, *password), login.apop_digest)) {
        login_succeeded(login.user);
      } else if (answer.kind == Kind::kReject) {
        login_failed(answer.response_code, answer.text);
      } else {
        login_failed("AUTH", "Authentication failed");
      }
      break;
  }
  advance();
  return std::nullopt;
}

void ServerSession::login_succeeded(std::string identity) {
  user_ = identity;
  events_.push_back(MaildropRequest{std::move(identity)});
  awaiting_ = Awaiting::kMaildrop;
}

void ServerSession::login_failed(std::string_view code, std::string_view text) {
  err(code, text);
  // PASS, APOP and AUTH lead to the same states; AUTH, valid in both AUTHORIZATION states,
  // stands for them here.
  state_ = server_state_after(state_, CommandKind::kAuth, false);
  user_.clear();
  if (++failed_logins_ >= options_.limits.max_failed_logins) close(CloseReason::kTooManyErrors);
}

std::optional<Error> ServerSession::open_maildrop(std::vector<MessageInfo> messages) {
  if (awaiting_ != Awaiting::kMaildrop) {
    return make_error(ErrorCode::kInvalidState, "no maildrop is waiting to be opened");
  }
  if (messages.size() >= std::numeric_limits<std::uint32_t>::max()) {
    return make_error(ErrorCode::kInvalidArgument, "too many messages for POP3 message numbers");
  }
  std::vector<protocol::ScanListing> scans;
  std::vector<protocol::UidListing> uids;
  scans.reserve(messages.size());
  uids.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto number = static_cast<std::uint32_t>(i + 1);
    if (!protocol::is_valid_uid(messages[i].uid)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "message " + std::to_string(number) +
                            " has no valid unique-id (1 to 70 characters from 0x21 to 0x7E)");
    }
    scans.push_back({number, messages[i].size});
    uids.push_back({number, std::move(messages[i].uid)});
  }
  maildrop_ = mailbox::Maildrop();
  maildrop_.set_scan_listing(scans);
  maildrop_.set_uid_listing(uids);
  awaiting_ = Awaiting::kNothing;
  ok(user_ + "'s maildrop has " + plural(maildrop_.count(), "message") + " (" +
     std::to_string(maildrop_.size()) + " octets)");
  state_ = server_state_after(state_, CommandKind::kAuth, true);
  advance();
  return std::nullopt;
}

std::optional<Error> ServerSession::refuse_maildrop(std::string response_code, std::string text) {
  if (awaiting_ != Awaiting::kMaildrop) {
    return make_error(ErrorCode::kInvalidState, "no maildrop is waiting to be opened");
  }
  awaiting_ = Awaiting::kNothing;
  err(response_code, text.empty() ? "Unable to lock the maildrop" : text);
  state_ = server_state_after(state_, CommandKind::kAuth, false);
  user_.clear();
  advance();
  return std::nullopt;
}

// ---- TLS, CAPA ------------------------------------------------------------------------------

void ServerSession::handle_stls() {
  if (!options_.stls || tls_active_) {
    err("", tls_active_ ? "TLS is already active" : "STLS is not offered");
    state_ = server_state_after(state_, CommandKind::kStls, false);
    return;
  }
  ok("Begin TLS negotiation");
  // Anything the client sent after STLS was sent before it could have seen this answer: plain
  // text injected ahead of the handshake (CVE-2011-0411). Dropped, never read as commands.
  input_pos_ = input_.size();
  discarding_ = false;
  user_.clear();
  state_ = server_state_after(state_, CommandKind::kStls, true);
  events_.push_back(TlsRequestedEvent{});
}

void ServerSession::set_channel_bindings(std::vector<auth::ChannelBinding> bindings) {
  channel_bindings_ = std::move(bindings);
}

void ServerSession::tls_started() {
  tls_active_ = true;
  if (state_ != ServerState::kTlsHandshake) return;
  // RFC 2595 section 4: what the client said in clear is forgotten.
  state_ = ServerState::kAuthorization;
  utf8_ = false;
  user_.clear();
  input_.clear();
  input_pos_ = 0;
  advance();
}

protocol::Capabilities ServerSession::capabilities() const {
  protocol::Capabilities caps;
  caps.top = caps.uidl = true;
  caps.resp_codes = caps.auth_resp_code = caps.pipelining = true;
  caps.user = options_.user_pass && !login_refusal(true);
  for (const auto& m : options_.sasl) {
    if (needs_channel_binding(m) && channel_bindings_.empty()) continue;
    if (!login_refusal(sends_secret(m))) caps.sasl.push_back(m);
  }
  caps.stls = options_.stls && !tls_active_;
  caps.utf8 = caps.utf8_user = options_.utf8;
  caps.login_delay = options_.login_delay;
  caps.expire = options_.expire;
  caps.expire_days = options_.expire_days;
  caps.implementation = options_.implementation;
  return caps;
}

void ServerSession::handle_capa() {
  ok("Capability list follows");
  for (const auto& line : protocol::format_capabilities(capabilities())) {
    // Host-supplied text (IMPLEMENTATION) stays on its line.
    for (char c : line) output_ += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
    output_ += "\r\n";
  }
  output_ += ".\r\n";
}

// ---- TRANSACTION ----------------------------------------------------------------------------

// The message `arg` names, if it may be used; else the -ERR is sent and nothing returned.
std::optional<std::uint32_t> ServerSession::usable_message(std::string_view arg) {
  const auto number =
      ascii::parse_decimal<std::uint32_t>(arg, std::numeric_limits<std::uint32_t>::max());
  if (!number || *number == 0) {
    err("", "invalid message number");
    return std::nullopt;
  }
  if (auto refusal = maildrop_.refusal(*number)) {
    err("", "no such message: " + *refusal);
    return std::nullopt;
  }
  return number;
}

void ServerSession::handle_scan(CommandKind kind, std::string_view arg) {
  const bool uidl = kind == CommandKind::kUidl;
  if (arg.empty()) {
    ok(uidl ? std::string("unique-id listing follows")
            : plural(maildrop_.count(), "message") + " (" + std::to_string(maildrop_.size()) +
                  " octets)");
    listing_ = Listing{uidl, 0};
    return;
  }
  const auto number = usable_message(arg);
  if (!number) return;
  const auto* m = maildrop_.find(*number);
  ok(std::to_string(*number) + " " + (uidl ? m->uid : std::to_string(m->size)));
}

void ServerSession::continue_listing() {
  const auto& messages = maildrop_.messages();
  while (listing_->next < messages.size() && !output_full()) {
    const auto& m = messages[listing_->next++];
    if (m.deleted) continue;
    output_ += std::to_string(m.number);
    output_ += ' ';
    output_ += listing_->uidl ? m.uid : std::to_string(m.size);
    output_ += "\r\n";
  }
  if (listing_->next >= messages.size()) {
    output_ += ".\r\n";
    listing_.reset();
  }
}

void ServerSession::handle_message(CommandKind kind, std::string_view arg) {
  std::optional<std::uint32_t> top_lines;
  if (kind == CommandKind::kTop) {
    const auto space = arg.find(' ');
    top_lines = space == std::string_view::npos
                    ? std::nullopt
                    : ascii::parse_decimal<std::uint32_t>(
                          arg.substr(space + 1), std::numeric_limits<std::uint32_t>::max());
    if (!top_lines) {
      err("", "TOP needs a message number and a line count");
      return;
    }
    arg = arg.substr(0, space);
  }
  const auto number = usable_message(arg);
  if (!number) return;
  ok(kind == CommandKind::kTop ? std::string("top of message follows")
                               : std::to_string(maildrop_.find(*number)->size) + " octets");
  body_ = Body{*number, 0, protocol::BodyWriter(top_lines)};
}

std::optional<Error> ServerSession::message_data(std::span<const std::uint8_t> data, bool end) {
  if (awaiting_ != Awaiting::kMessageData || !body_) {
    return make_error(ErrorCode::kInvalidState, "no message data was asked for");
  }
  awaiting_ = Awaiting::kNothing;
  body_->offset += data.size();
  if (body_->writer.write(data, output_) || end) {
    body_->writer.finish(output_);
    events_.push_back(MessageDoneEvent{body_->number});
    body_.reset();
  }
  advance();
  return std::nullopt;
}

void ServerSession::handle_dele(std::string_view arg) {
  const auto number = usable_message(arg);
  if (!number) return;
  maildrop_.mark_deleted(*number);
  ok("message " + std::to_string(*number) + " deleted");
}

void ServerSession::handle_quit() {
  if (state_ != ServerState::kTransaction) {
    ok(options_.host_name + " POP3 server signing off");
    close(CloseReason::kQuit);
    return;
  }
  UpdateRequest update;
  for (const auto& m : maildrop_.messages()) {
    if (!m.deleted) continue;
    update.numbers.push_back(m.number);
    update.uids.push_back(m.uid);
  }
  state_ = server_state_after(state_, CommandKind::kQuit, true);
  awaiting_ = Awaiting::kUpdate;
  events_.push_back(std::move(update));
}

std::optional<Error> ServerSession::finish_update(std::optional<std::string> failure) {
  if (awaiting_ != Awaiting::kUpdate) {
    return make_error(ErrorCode::kInvalidState, "no UPDATE is waiting to finish");
  }
  awaiting_ = Awaiting::kNothing;
  if (failure) {
    err("SYS/TEMP", failure->empty() ? "some deleted messages not removed" : *failure);
  } else {
    const std::size_t removed = maildrop_.messages().size() - maildrop_.count();
    ok(options_.host_name + " POP3 server signing off (" + plural(removed, "message") +
       " deleted)");
  }
  close(CloseReason::kQuit, !failure);
  return std::nullopt;
}

// ---- output ---------------------------------------------------------------------------------

void ServerSession::ok(std::string_view text) {
  output_ += protocol::format_status_line(true, "", text);
  output_ += "\r\n";
}

void ServerSession::err(std::string_view code, std::string_view text) {
  output_ += protocol::format_status_line(false, code, text);
  output_ += "\r\n";
}

void ServerSession::bad_command(std::string_view text) {
  if (++bad_commands_ >= options_.limits.max_bad_commands) {
    err("", std::string(text) + "; too many bad commands, closing");
    close(CloseReason::kTooManyErrors);
    return;
  }
  err("", text);
}

void ServerSession::close(CloseReason reason, bool updated) {
  if (state_ == ServerState::kClosed) return;
  if (body_) events_.push_back(MessageDoneEvent{body_->number});
  body_.reset();
  listing_.reset();
  sasl_.reset();
  pending_login_.reset();
  awaiting_ = Awaiting::kNothing;
  state_ = ServerState::kClosed;
  input_.clear();
  input_pos_ = 0;
  events_.push_back(ClosedEvent{reason, updated});
}

void ServerSession::consume_output(std::size_t n) {
  output_sent_ = std::min(output_.size(), output_sent_ + n);
  if (output_sent_ == output_.size()) {
    output_.clear();
    output_sent_ = 0;
  }
  advance();
}

std::optional<ServerEvent> ServerSession::next_event() {
  if (events_.empty()) return std::nullopt;
  ServerEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

}  // namespace pop3::server
