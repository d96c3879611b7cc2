// Embind surface of the server side: the server connection (POP3 server session on the TLS
// server engine), byte staging, requests as plain objects and the host's answers. Thin by design:
// every decision stays in core/, this file only converts.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "js_options.hpp"
#include "js_values.hpp"
#include "platform_random.hpp"
#include "pop3/auth/base64.hpp"
#include "pop3/auth/scram_keys.hpp"
#include "pop3/server/server_connection.hpp"

namespace pop3::bindings {
namespace {

using emscripten::val;

bool flag(const val& js, const char* name, bool fallback) {
  const val v = js[name];
  return v.isUndefined() || v.isNull() ? fallback : v.as<bool>();
}

// { tls: { mode: 'none'|'implicit'|'starttls', certificateChain, privateKey, minVersion,
//          maxVersion, tls12Ciphers, tls13Ciphersuites },
//   hostName, greeting, implementation, userPass, apop, sasl: [], stls (from tls.mode),
//   requireTlsForLogin, allowCleartextWithoutTls, utf8, loginDelay, expire: 'never' | days,
//   idleTimeoutSeconds, scramIterations,
//   limits: { maxCommandLine, maxSaslLine, maxInputBuffered, maxOutputBuffered, maxBadCommands,
//             maxFailedLogins } }
server::ServerConnectionOptions server_options(const val& js) {
  server::ServerConnectionOptions connection;
  server::ServerOptions& o = connection.session;
  o.random = platform_random;
  if (js.isUndefined() || js.isNull()) return connection;
  const val tls = js["tls"];
  if (!tls.isUndefined() && !tls.isNull()) {
    const std::string mode = tls["mode"].isUndefined() ? "none" : tls["mode"].as<std::string>();
    connection.tls_mode = mode == "implicit"   ? server::ServerTlsMode::kImplicit
                          : mode == "starttls" ? server::ServerTlsMode::kStartTls
                                               : server::ServerTlsMode::kNone;
    auto& t = connection.tls;
    t.certificate_chain_pem = string_or_empty(tls["certificateChain"]);
    t.private_key_pem = string_or_empty(tls["privateKey"]);
    t.min_version = tls_version(tls["minVersion"], t.min_version);
    t.max_version = tls_version(tls["maxVersion"], t.max_version);
    t.tls12_ciphers = string_or_empty(tls["tls12Ciphers"]);
    t.tls13_ciphersuites = string_or_empty(tls["tls13Ciphersuites"]);
  }
  if (!js["hostName"].isUndefined()) o.host_name = js["hostName"].as<std::string>();
  if (!js["greeting"].isUndefined()) o.greeting = js["greeting"].as<std::string>();
  o.implementation = string_or_empty(js["implementation"]);
  o.user_pass = flag(js, "userPass", o.user_pass);
  o.apop = flag(js, "apop", o.apop);
  if (!js["sasl"].isUndefined()) o.sasl = string_list(js["sasl"]);
  o.require_tls_for_login = flag(js, "requireTlsForLogin", o.require_tls_for_login);
  o.allow_cleartext_without_tls =
      flag(js, "allowCleartextWithoutTls", o.allow_cleartext_without_tls);
  o.utf8 = flag(js, "utf8", o.utf8);
  if (!js["loginDelay"].isUndefined()) o.login_delay = js["loginDelay"].as<std::uint32_t>();
  const val expire = js["expire"];
  if (expire.isString()) {
    o.expire = protocol::Capabilities::Expire::kNever;
  } else if (expire.isNumber()) {
    o.expire = protocol::Capabilities::Expire::kDays;
    o.expire_days = expire.as<std::uint32_t>();
  }
  if (!js["idleTimeoutSeconds"].isUndefined()) {
    o.idle_timeout_seconds = js["idleTimeoutSeconds"].as<std::uint32_t>();
  }
  if (!js["scramIterations"].isUndefined())
    o.scram_iterations = js["scramIterations"].as<std::uint32_t>();
  const val limits = js["limits"];
  if (!limits.isUndefined()) {
    auto& l = o.limits;
    l.max_command_line = size_option(limits, "maxCommandLine", l.max_command_line);
    l.max_sasl_line = size_option(limits, "maxSaslLine", l.max_sasl_line);
    l.max_input_buffered = size_option(limits, "maxInputBuffered", l.max_input_buffered);
    l.max_output_buffered = size_option(limits, "maxOutputBuffered", l.max_output_buffered);
    l.max_bad_commands =
        static_cast<std::uint32_t>(size_option(limits, "maxBadCommands", l.max_bad_commands));
    l.max_failed_logins =
        static_cast<std::uint32_t>(size_option(limits, "maxFailedLogins", l.max_failed_logins));
  }
  return connection;
}

// { salt, iterations, storedKey, serverKey } with base64 byte strings.
std::optional<auth::ScramKeys> scram_keys(const val& js) {
  if (js.isUndefined() || js.isNull()) return std::nullopt;
  auto salt = auth::base64_decode(string_or_empty(js["salt"]));
  auto stored = auth::base64_decode(string_or_empty(js["storedKey"]));
  auto server = auth::base64_decode(string_or_empty(js["serverKey"]));
  if (!salt || !stored || !server) return std::nullopt;
  return auth::ScramKeys{std::move(*salt), js["iterations"].as<std::uint32_t>(), std::move(*stored),
                         std::move(*server)};
}

val keys_to_js(const auth::ScramKeys& keys) {
  val out = val::object();
  out.set("salt", val(auth::base64_encode(keys.salt)));
  out.set("iterations", keys.iterations);
  out.set("storedKey", val(auth::base64_encode(keys.stored_key)));
  out.set("serverKey", val(auth::base64_encode(keys.server_key)));
  return out;
}

val answer_to_js(const std::optional<Error>& error) {
  return error ? to_js(*error) : val::undefined();
}

val strings(const std::vector<std::string>& list) {
  val out = val::array();
  for (const auto& s : list) out.call<void>("push", text(s));
  return out;
}

struct EventToJs {
  val operator()(const server::LoginRequest& e) const {
    val out = typed("login");
    out.set("method", val(e.method == server::LoginMethod::kUserPass ? "user"
                          : e.method == server::LoginMethod::kApop   ? "apop"
                                                                     : "sasl"));
    out.set("mechanism", text(e.mechanism));
    out.set("user", text(e.user));
    out.set("authzid", e.authzid.empty() ? val::undefined() : text(e.authzid));
    // Invalid UTF-8 becomes U+FFFD here: hosts that compare passwords themselves should prefer
    // answering { verdict: 'verify' }, which compares the client's bytes.
    out.set("password", e.password.empty() ? val::undefined() : text(e.password));
    out.set("secure", e.secure);
    return out;
  }
  val operator()(const server::MaildropRequest& e) const {
    val out = typed("maildrop");
    out.set("user", text(e.user));
    return out;
  }
  val operator()(const server::MessageDataRequest& e) const {
    val out = typed("messageData");
    out.set("number", e.number);
    out.set("uid", text(e.uid));
    out.set("offset", static_cast<double>(e.offset));
    return out;
  }
  val operator()(const server::MessageDoneEvent& e) const {
    val out = typed("messageDone");
    out.set("number", e.number);
    return out;
  }
  val operator()(const server::UpdateRequest& e) const {
    val out = typed("update");
    val numbers = val::array();
    for (auto n : e.numbers) numbers.call<void>("push", n);
    out.set("numbers", numbers);
    out.set("uids", strings(e.uids));
    return out;
  }
  val operator()(const server::TlsRequestedEvent&) const { return typed("tlsRequested"); }
  val operator()(const server::ClosedEvent& e) const {
    val out = typed("closed");
    out.set("reason", val(server::close_reason_name(e.reason)));
    out.set("updated", e.updated);
    return out;
  }
  static val typed(const char* type) {
    val out = val::object();
    out.set("type", val(type));
    return out;
  }
};

}  // namespace

class JsServerConnection {
 public:
  // Unusable options (a certificate or key that is not PEM) leave the object without a TLS
  // identity; creation_error() says why, and the connection must not be used.
  explicit JsServerConnection(val options) {
    auto connection = server::ServerConnection::create(server_options(options));
    if (connection) {
      connection_ = std::move(*connection);
    } else {
      creation_error_ = connection.error();
      server::ServerConnectionOptions fallback;
      fallback.session.random = platform_random;
      connection_ = std::move(*server::ServerConnection::create(fallback));
    }
  }
  val creation_error() const {
    return creation_error_ ? to_js(*creation_error_) : val::undefined();
  }

  // Staging area for client bytes and message bytes: JS copies a chunk to HEAPU8 at this
  // address, then calls receive(length) or messageData(length, end).
  std::uintptr_t input_buffer(std::size_t length) {
    if (input_.size() < length) input_.resize(length);
    return reinterpret_cast<std::uintptr_t>(input_.data());
  }
  // How many bytes were taken; JS offers the rest again later (backpressure).
  std::size_t receive(std::size_t length) {
    return connection_->receive(std::span(input_.data(), std::min(length, input_.size())));
  }
  void receive_eof() { connection_->receive_eof(); }
  void timeout() { connection_->session().timeout(); }
  void abort() { connection_->session().abort(); }

  // The bytes to send, copied out and marked as sent. Call it when the transport can take more:
  // the session produces the next batch (message bytes, listings) as soon as this one is taken.
  val take_output() {
    const std::string_view out = connection_->output();
    val bytes = bytes_copy(out);
    connection_->consume_output(out.size());
    return bytes;
  }
  val next_event() {
    auto event = connection_->next_event();
    return event ? std::visit(EventToJs{}, *event) : val::null();
  }

  // spec: { verdict: 'accept'|'reject'|'verify', code, text, password,
  //         scramSha1: keys, scramSha256: keys, scramSha512: keys }
  val answer_login(val spec) {
    const std::string verdict = string_or_empty(spec["verdict"]);
    server::LoginAnswer answer;
    if (verdict == "accept") {
      answer = server::LoginAnswer::accept();
    } else if (verdict == "verify") {
      auth::AccountSecrets secrets;
      if (!spec["password"].isUndefined()) secrets.password = spec["password"].as<std::string>();
      secrets.scram_sha1 = scram_keys(spec["scramSha1"]);
      secrets.scram_sha256 = scram_keys(spec["scramSha256"]);
      secrets.scram_sha512 = scram_keys(spec["scramSha512"]);
      answer = server::LoginAnswer::verify(std::move(secrets));
    } else {
      answer = server::LoginAnswer::reject();
      if (!spec["code"].isUndefined()) answer.response_code = string_or_empty(spec["code"]);
      if (!spec["text"].isUndefined()) answer.text = string_or_empty(spec["text"]);
    }
    return answer_to_js(connection_->session().answer_login(std::move(answer)));
  }
  // messages: [{ size, uid }], numbered from 1 in this order.
  val open_maildrop(val messages) {
    std::vector<server::MessageInfo> infos;
    const auto length = messages["length"].as<unsigned>();
    infos.reserve(length);
    for (unsigned i = 0; i < length; ++i) {
      infos.push_back({static_cast<std::uint64_t>(messages[i]["size"].as<double>()),
                       string_or_empty(messages[i]["uid"])});
    }
    return answer_to_js(connection_->session().open_maildrop(std::move(infos)));
  }
  val refuse_maildrop(std::string code, std::string text) {
    return answer_to_js(connection_->session().refuse_maildrop(std::move(code), std::move(text)));
  }
  val message_data(std::size_t length, bool end) {
    return answer_to_js(connection_->session().message_data(
        std::span(input_.data(), std::min(length, input_.size())), end));
  }
  // failure: undefined when every marked message was removed, else why not.
  val finish_update(val failure) {
    return answer_to_js(connection_->session().finish_update(
        failure.isUndefined() || failure.isNull()
            ? std::nullopt
            : std::optional<std::string>(failure.as<std::string>())));
  }

  bool secure() const { return connection_->secure(); }
  bool finished() { return connection_->finished(); }
  std::string state() const { return server::server_state_name(connection_->session().state()); }
  val user() const { return text(connection_->session().user()); }
  std::uint32_t idle_timeout_seconds() const {
    return connection_->session().idle_timeout_seconds();
  }

 private:
  std::unique_ptr<server::ServerConnection> connection_;
  std::optional<Error> creation_error_;
  std::vector<std::uint8_t> input_;
};

// Stored SCRAM keys for a password already SASLprep'ed; salt in base64.
val derive_scram_keys(std::string mechanism, std::string password, std::string salt_base64,
                      std::uint32_t iterations) {
  auto salt = auth::base64_decode(salt_base64);
  if (!salt) return to_js(salt.error());
  const auto variant = auth::scram_variant(mechanism);
  if (!variant || variant->plus) {
    return to_js(make_error(ErrorCode::kInvalidArgument, "no SCRAM mechanism: " + mechanism));
  }
  auto keys = auth::derive_scram_keys(variant->hash, password, std::move(*salt), iterations);
  return keys ? keys_to_js(*keys) : to_js(keys.error());
}

EMSCRIPTEN_BINDINGS(pop3_server) {
  emscripten::function("deriveScramKeys", &derive_scram_keys);
  emscripten::class_<JsServerConnection>("ServerConnection")
      .constructor<val>()
      .function("creationError", &JsServerConnection::creation_error)
      .function("inputBuffer", &JsServerConnection::input_buffer)
      .function("receive", &JsServerConnection::receive)
      .function("receiveEof", &JsServerConnection::receive_eof)
      .function("timeout", &JsServerConnection::timeout)
      .function("abort", &JsServerConnection::abort)
      .function("takeOutput", &JsServerConnection::take_output)
      .function("nextEvent", &JsServerConnection::next_event)
      .function("answerLogin", &JsServerConnection::answer_login)
      .function("openMaildrop", &JsServerConnection::open_maildrop)
      .function("refuseMaildrop", &JsServerConnection::refuse_maildrop)
      .function("messageData", &JsServerConnection::message_data)
      .function("finishUpdate", &JsServerConnection::finish_update)
      .function("secure", &JsServerConnection::secure)
      .function("finished", &JsServerConnection::finished)
      .function("state", &JsServerConnection::state)
      .function("user", &JsServerConnection::user)
      .function("idleTimeoutSeconds", &JsServerConnection::idle_timeout_seconds);
}

}  // namespace pop3::bindings
