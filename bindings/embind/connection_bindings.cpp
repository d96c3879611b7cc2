// Embind surface of the protocol module: the client connection (POP3 session on the TLS
// engine), byte staging, and the event stream. Thin by design (docs/architecture.md): every
// decision stays in core/, this file only converts.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cstdint>
#include <string>
#include <vector>

#include "js_options.hpp"
#include "js_values.hpp"
#include "platform_random.hpp"
#include "pop3/auth/base64.hpp"
#include "pop3/auth/login_negotiation.hpp"
#include "pop3/auth/mechanisms.hpp"
#include "pop3/auth/saslprep.hpp"
#include "pop3/client/connection.hpp"

namespace pop3::bindings {
namespace {

using emscripten::val;
using protocol::Command;

// { mode: 'none'|'implicit'|'starttls', inCore, serverName, ca: [pem], defaultRoots, pins: [],
//   minVersion, maxVersion, verificationTime (seconds), tls12Ciphers, tls13Ciphersuites }
void read_tls_options(const val& js, client::ConnectionOptions& options) {
  if (js.isUndefined() || js.isNull()) return;
  const std::string mode = js["mode"].isUndefined() ? "none" : js["mode"].as<std::string>();
  options.tls_mode = mode == "implicit"   ? client::TlsMode::kImplicit
                     : mode == "starttls" ? client::TlsMode::kStartTls
                                          : client::TlsMode::kNone;
  if (!js["inCore"].isUndefined()) options.tls_in_core = js["inCore"].as<bool>();
  auto& tls = options.tls;
  if (!js["serverName"].isUndefined()) tls.server_name = js["serverName"].as<std::string>();
  tls.ca_pems = string_list(js["ca"]);
  if (!js["defaultRoots"].isUndefined()) tls.use_default_roots = js["defaultRoots"].as<bool>();
  tls.spki_sha256_pins = string_list(js["pins"]);
  tls.min_version = tls_version(js["minVersion"], tls.min_version);
  tls.max_version = tls_version(js["maxVersion"], tls.max_version);
  if (!js["verificationTime"].isUndefined()) {
    tls.verification_time = static_cast<std::int64_t>(js["verificationTime"].as<double>());
  }
  if (!js["tls12Ciphers"].isUndefined()) tls.tls12_ciphers = js["tls12Ciphers"].as<std::string>();
  if (!js["tls13Ciphersuites"].isUndefined()) {
    tls.tls13_ciphersuites = js["tls13Ciphersuites"].as<std::string>();
  }
}

client::ConnectionOptions connection_options(const val& js) {
  client::ConnectionOptions connection;
  protocol::SessionOptions& options = connection.session;
  if (js.isUndefined() || js.isNull()) return connection;
  read_tls_options(js["tls"], connection);
  if (!js["transcript"].isUndefined()) options.transcript = js["transcript"].as<bool>();
  if (!js["allowPipelining"].isUndefined()) {
    options.allow_pipelining = js["allowPipelining"].as<bool>();
  }
  const val limits = js["limits"];
  if (!limits.isUndefined()) {
    auto& l = options.limits;
    l.max_status_line = size_option(limits, "maxStatusLine", l.max_status_line);
    l.max_listing_line = size_option(limits, "maxListingLine", l.max_listing_line);
    l.max_listing_bytes = size_option(limits, "maxListingBytes", l.max_listing_bytes);
    l.max_message_bytes = size_option(limits, "maxMessageBytes", l.max_message_bytes);
    l.max_pipelined_commands =
        size_option(limits, "maxPipelinedCommands", l.max_pipelined_commands);
    l.max_pipelined_bytes = size_option(limits, "maxPipelinedBytes", l.max_pipelined_bytes);
  }
  return connection;
}

val result_to_js(const Result<protocol::CommandId>& result) {
  val out = val::object();
  if (result.ok()) {
    out.set("id", *result);
  } else {
    out.set("error", to_js(result.error()));
  }
  return out;
}

// A JS number that must be an integer in [min, 2^32-1]; `absent` when undefined or null.
Result<std::uint32_t> integer_arg(const val& spec, const char* name, double min,
                                  std::uint32_t absent) {
  const val v = spec[name];
  if (v.isUndefined() || v.isNull()) return absent;
  const double d = v.isNumber() ? v.as<double>() : -1;
  if (!(d >= min && d <= 4294967295.0) || d != static_cast<double>(static_cast<std::uint32_t>(d))) {
    return make_error(ErrorCode::kInvalidArgument, std::string(name) + " must be an integer from " +
                                                       std::to_string(static_cast<int>(min)) +
                                                       " to 4294967295");
  }
  return static_cast<std::uint32_t>(d);
}

// NFKC for SASLprep comes from the platform: String.prototype.normalize (the core carries no
// Unicode tables).
std::optional<std::string> js_nfkc(std::string_view utf8) {
  const val normalized = val(std::string(utf8)).call<val>("normalize", std::string("NFKC"));
  return normalized.as<std::string>();
}

// SCRAM's client nonce: 18 bytes from the platform RNG (crypto.getRandomValues), base64 so
// that it is printable and has no comma.
std::optional<std::string> scram_nonce() {
  std::uint8_t bytes[18];
  platform_random(bytes);
  return auth::base64_encode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

}  // namespace

class JsClientConnection {
 public:
  // Unusable options (a CA that is not PEM, a TLS host name missing) leave the object without a
  // connection; creation_error() says why. Emscripten's exceptions are off, hence no throw.
  explicit JsClientConnection(val options) {
    auto connection = client::ClientConnection::create(connection_options(options));
    if (connection) {
      connection_ = std::move(*connection);
    } else {
      creation_error_ = connection.error();
      // A plain connection keeps every method callable; the caller must not use it.
      connection_ = std::move(*client::ClientConnection::create({}));
    }
  }
  val creation_error() const {
    return creation_error_ ? to_js(*creation_error_) : val::undefined();
  }

  // Staging area for server bytes: JS copies a chunk to HEAPU8 at this address, then calls
  // receive(length). Cheaper than passing a Uint8Array through Embind (byte-by-byte copy).
  std::uintptr_t input_buffer(std::size_t length) {
    if (input_.size() < length) input_.resize(length);
    return reinterpret_cast<std::uintptr_t>(input_.data());
  }
  void receive(std::size_t length) {
    connection_->receive(std::span(input_.data(), std::min(length, input_.size())));
  }
  void receive_eof() { connection_->receive_eof(); }

  // spec: { command: 'RETR', number?, lines?, arg? }
  val submit(val spec) {
    auto command = build(spec);
    if (!command) return result_to_js(command.error());
    return result_to_js(connection_->session().submit(std::move(*command)));
  }
  val submit_apop(std::string name, std::string secret) {
    return result_to_js(connection_->session().submit_apop(name, secret));
  }
  bool cancel(std::uint32_t id) { return connection_->session().cancel(id); }

  // spec: { havePassword, haveToken, allowInsecure, only: [], forbid: [] }
  //   -> { method: 'sasl'|'apop'|'user', mechanism } or { error }
  val plan_login(val spec) const {
    const auto& session = connection_->session();
    auth::LoginSituation situation;
    situation.capabilities = session.capabilities() ? &*session.capabilities() : nullptr;
    situation.apop_offered = session.apop_timestamp().has_value();
    situation.secure = connection_->secure();
    situation.allow_insecure =
        !spec["allowInsecure"].isUndefined() && spec["allowInsecure"].as<bool>();
    situation.have_password =
        !spec["havePassword"].isUndefined() && spec["havePassword"].as<bool>();
    situation.have_token = !spec["haveToken"].isUndefined() && spec["haveToken"].as<bool>();
    situation.only = string_list(spec["only"]);
    situation.forbid = string_list(spec["forbid"]);
    auto plan = auth::plan_login(situation);
    val out = val::object();
    if (!plan) {
      out.set("error", to_js(plan.error()));
      return out;
    }
    const char* method = plan->method == auth::LoginMethod::kSasl   ? "sasl"
                         : plan->method == auth::LoginMethod::kApop ? "apop"
                                                                    : "user";
    out.set("method", val(method));
    out.set("mechanism", val(plan->mechanism));
    return out;
  }

  // AUTH with the named mechanism. credentials: { user, password, accessToken, authzid, host, port
  // }
  val submit_auth(std::string mechanism, val credentials) {
    auth::Credentials c;
    c.user = string_or_empty(credentials["user"]);
    c.password = string_or_empty(credentials["password"]);
    c.access_token = string_or_empty(credentials["accessToken"]);
    c.authzid = string_or_empty(credentials["authzid"]);
    auth::MechanismContext context;
    context.host = string_or_empty(credentials["host"]);
    if (!credentials["port"].isUndefined()) context.port = credentials["port"].as<std::uint16_t>();
    const bool scram = mechanism.rfind("SCRAM-", 0) == 0;
    if (scram) {
      // RFC 5802: user name and password are SASLprep'ed ("Normalize").
      for (std::string* field : {&c.user, &c.password, &c.authzid}) {
        if (field->empty()) continue;
        auto prepared = auth::saslprep(*field, js_nfkc);
        if (!prepared) return result_to_js(prepared.error());
        *field = std::move(*prepared);
      }
      auto nonce = scram_nonce();
      if (!nonce)
        return result_to_js(
            make_error(ErrorCode::kInvalidState, "no randomness for the SCRAM nonce"));
      context.client_nonce = std::move(*nonce);
    }
    auto built = auth::make_mechanism(mechanism, c, context);
    if (!built) return result_to_js(built.error());
    return result_to_js(connection_->session().submit_auth(std::move(*built)));
  }

  // The bytes to send, copied out and marked as sent.
  val take_output() {
    const std::string_view out = connection_->output();
    val bytes = bytes_copy(out);
    connection_->consume_output(out.size());
    return bytes;
  }

  val next_event() {
    auto event = connection_->next_event();
    return event ? to_js(*event) : val::null();
  }

  // For TLS run outside the core (Node's tls): the caller finished the handshake.
  void tls_started() { connection_->session().tls_started(); }
  bool secure() const { return connection_->secure(); }
  void close_tls() { connection_->close_tls(); }
  void set_transcript(bool enabled) { connection_->session().set_transcript(enabled); }
  std::string state() const { return protocol::session_state_name(connection_->session().state()); }
  bool pipelining() const { return connection_->session().pipelining(); }
  val capabilities() const {
    return connection_->session().capabilities() ? to_js(*connection_->session().capabilities())
                                                 : val::undefined();
  }
  val apop_timestamp() const {
    return connection_->session().apop_timestamp() ? text(*connection_->session().apop_timestamp())
                                                   : val::undefined();
  }
  double stream_offset() const {
    return static_cast<double>(connection_->session().stream_offset());
  }

 private:
  Result<Command> build(const val& spec) {
    const std::string name = spec["command"].as<std::string>();
    const auto arg = [&](const char* key) {
      const val v = spec[key];
      return v.isUndefined() || v.isNull() ? std::string() : v.as<std::string>();
    };
    const protocol::Limits limits;  // the factories' argument limits are RFC 2449's
    // 0 stands for "no number" (whole listing) in LIST and UIDL only; elsewhere it is rejected.
    const auto number = integer_arg(spec, "number", 1, 0);
    if (!number) return number.error();
    if (name == "USER") return Command::user(arg("arg"), limits);
    if (name == "PASS") return Command::pass(arg("arg"), limits);
    if (name == "CAPA") return Command::capa();
    if (name == "STLS") return Command::stls();
    if (name == "UTF8") return Command::utf8();
    if (name == "LANG") return Command::lang(arg("arg"), limits);
    if (name == "STAT") return Command::stat();
    if (name == "LIST") return Command::list(*number);
    if (name == "UIDL") return Command::uidl(*number);
    if (name == "RETR") return Command::retr(*number);
    if (name == "TOP") {
      const auto lines = integer_arg(spec, "lines", 0, 0);
      if (!lines) return lines.error();
      return Command::top(*number, *lines);
    }
    if (name == "DELE") return Command::dele(*number);
    if (name == "NOOP") return Command::noop();
    if (name == "RSET") return Command::rset();
    if (name == "QUIT") return Command::quit();
    return make_error(ErrorCode::kInvalidArgument, "unknown command " + name);
  }

  std::unique_ptr<client::ClientConnection> connection_;
  std::optional<Error> creation_error_;
  std::vector<std::uint8_t> input_;
};

// Bytes currently allocated on the WASM heap: tests use it to prove that sessions leak nothing.
double heap_in_use() {
  return static_cast<double>(mallinfo().uordblks);
}

EMSCRIPTEN_BINDINGS(pop3_core) {
  emscripten::function("heapInUse", &heap_in_use);
  emscripten::class_<JsClientConnection>("ClientConnection")
      .constructor<val>()
      .function("creationError", &JsClientConnection::creation_error)
      .function("inputBuffer", &JsClientConnection::input_buffer)
      .function("receive", &JsClientConnection::receive)
      .function("receiveEof", &JsClientConnection::receive_eof)
      .function("submit", &JsClientConnection::submit)
      .function("submitApop", &JsClientConnection::submit_apop)
      .function("cancel", &JsClientConnection::cancel)
      .function("planLogin", &JsClientConnection::plan_login)
      .function("submitAuth", &JsClientConnection::submit_auth)
      .function("takeOutput", &JsClientConnection::take_output)
      .function("nextEvent", &JsClientConnection::next_event)
      .function("tlsStarted", &JsClientConnection::tls_started)
      .function("setTranscript", &JsClientConnection::set_transcript)
      .function("secure", &JsClientConnection::secure)
      .function("closeTls", &JsClientConnection::close_tls)
      .function("state", &JsClientConnection::state)
      .function("pipelining", &JsClientConnection::pipelining)
      .function("capabilities", &JsClientConnection::capabilities)
      .function("apopTimestamp", &JsClientConnection::apop_timestamp)
      .function("streamOffset", &JsClientConnection::stream_offset);
}

}  // namespace pop3::bindings
